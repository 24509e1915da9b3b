"""Wagtail's ``publish_scheduled``, with the publish gate's refusals handled:
a credit path (or a clinical guide, cms.publishing) that may not be published
(it fell out of compliance after it was scheduled) keeps its current state,
its schedule is cancelled, the refusal is recorded in its history and a
path's institution's staff are told; the other scheduled publications go
ahead.

(This command replaces Wagtail's: the learning app comes before Wagtail in
INSTALLED_APPS.)"""

from typing import Any

from wagtail.management.commands.publish_scheduled import Command as WagtailCommand

from cms.publishing import PublishRefused
from learning.compliance.scheduled import refuse_scheduled


class Command(WagtailCommand):
    help = (
        "Publish the revisions scheduled to go live; refuse credit paths and clinical guides "
        "that may not."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Wagtail's loop stops at the first refusal. Each refusal cancels that
        # schedule, so running the loop again goes on with the others (those
        # already published are no longer scheduled).
        refused_pages: set[int] = set()
        while True:
            try:
                super().handle(*args, **options)
            except PublishRefused as refused:
                if refused.page.pk in refused_pages:
                    raise  # its schedule could not be cancelled: never loop
                refused_pages.add(refused.page.pk)
                told = refuse_scheduled(refused)
                self.stderr.write(
                    f"Not published: '{refused.page.title}' (schedule cancelled, "
                    f"{told} staff told): " + " ".join(refused.problems)
                )
                continue
            return
