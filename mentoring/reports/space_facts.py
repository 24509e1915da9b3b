"""What the relationship space contributes to the report: sessions held and
exit-survey ratings per relationship, each read in one query."""

from __future__ import annotations


def sessions_held_by_relationship(ids: list[int]) -> dict[int, int]:
    return {}


def ratings_by_relationship(ids: list[int]) -> dict[int, tuple[int | None, int | None]]:
    return {}
