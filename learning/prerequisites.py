"""Prerequisites between learning paths may not go round in a circle: a path
that (directly or through others) requires itself can never be enrolled in,
and neither can any path in the circle (learning.journey.progress)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps


def circular(path_id: int | None, required_ids: Iterable[int]) -> list[int]:
    """The ids among ``required_ids`` that already require the path
    ``path_id``, directly or through other paths, by the prerequisites saved
    now (the path's own rows left out: the editor is replacing them)."""
    if path_id is None:  # a new path: nothing can require it yet
        return []
    # Through the app registry: the path's form (which calls this) is
    # imported by the models, so this module imports none.
    prerequisite = apps.get_model("learning", "PathPrerequisite")
    edges: dict[int, set[int]] = defaultdict(set)
    for page_id, required in prerequisite.objects.exclude(page_id=path_id).values_list(
        "page_id", "required_path_id"
    ):
        edges[page_id].add(required)
    found = []
    for start in dict.fromkeys(required_ids):
        seen, todo = set(), [start]
        while todo:
            current = todo.pop()
            if current == path_id:
                found.append(start)
                break
            if current not in seen:
                seen.add(current)
                todo.extend(edges[current])
    return found
