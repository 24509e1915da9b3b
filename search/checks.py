"""System check: a configured search engine that cannot be reached.

A warning, not an error: the site keeps serving with the embedded engine, but
whoever runs `manage.py check` (or starts the server) should know."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Warning, register

from .engines import get_external_engine


@register("search")
def external_engine_reachable(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    engine = get_external_engine()
    if engine is None:
        return []
    return [
        Warning(
            problem,
            hint="Searches fall back to the embedded engine and index updates stay queued "
            "until it is back; check ELASTICSEARCH_URL and the cluster.",
            id="search.W001",
        )
        for problem in engine.problems()
    ]
