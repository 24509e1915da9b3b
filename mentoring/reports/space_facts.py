"""What the relationship space contributes to the report: sessions held and
exit-survey ratings per relationship, each read in one query."""

from __future__ import annotations

from django.db.models import Count

from mentoring.models import ExitSurvey, Role, Session, SessionStatus


def sessions_held_by_relationship(ids: list[int]) -> dict[int, int]:
    """Sessions marked held, per relationship (scheduled or cancelled ones
    do not count)."""
    rows = (
        Session.objects.filter(relationship_id__in=ids, status=SessionStatus.HELD)
        .values("relationship_id")
        .annotate(held=Count("pk"))
        .values_list("relationship_id", "held")
    )
    return dict(rows)


def ratings_by_relationship(ids: list[int]) -> dict[int, tuple[int | None, int | None]]:
    """(the mentee's rating, the mentor's rating) from their exit surveys."""
    ratings: dict[int, list[int | None]] = {}
    for relationship_id, role, rating in ExitSurvey.objects.filter(
        relationship_id__in=ids
    ).values_list("relationship_id", "role", "rating"):
        pair = ratings.setdefault(relationship_id, [None, None])
        pair[0 if role == Role.MENTEE else 1] = rating
    return {key: (pair[0], pair[1]) for key, pair in ratings.items()}
