from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # Signal handlers keep the index in step with publishing; the system
        # check reports a configured engine that cannot be reached.
        from . import checks, demo, events, signals, tasks  # noqa: F401

        # Indexing asks for its updates to be processed; the task module
        # queues them. Connected here, so every change reaches the queue.
        events.index_update_requested.connect(
            tasks.enqueue_processing, dispatch_uid="search.index_update_requested"
        )
