"""The accreditation side of the demo paths: planners and CME reviewers,
commercial support, the reviewer's decisions about planners' relationships,
and publishing.

Every path but one is published through Wagtail as usual, after its
decisions are recorded, so it passes the publish gate like any real path.
The exception is ``STALE_PATH``: it was released eight months ago, when the
disclosure of its author Farid Haddad was current; that disclosure has since
expired (disclosures last 12 months), so the path is visibly unavailable for
credit until he renews it. See ``publish``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from wagtail.models import Revision

from cms.demo.people import DECIDING_USER, decide
from cms.models import Mentor
from cms.models.routing import invalidate_routes
from learning.compliance.gate import path_problems
from learning.models import LearningPathPage, PathCommercialSupport, PathContributor

STALE_PATH = "serious-illness-communication"


def contributors(item: dict[str, Any]) -> list[PathContributor]:
    people = Mentor.objects.in_bulk(
        [c["person"] for c in item.get("contributors", [])], field_name="slug"
    )
    return [
        PathContributor(person=people[c["person"]], role=c["role"], sort_order=order)
        for order, c in enumerate(item.get("contributors", []))
    ]


def commercial_support(item: dict[str, Any]) -> list[PathCommercialSupport]:
    return [
        PathCommercialSupport(company=s["company"], kind=s["kind"], sort_order=order)
        for order, s in enumerate(item.get("commercial_support", []))
    ]


def record_decisions(path: LearningPathPage, item: dict[str, Any], users: dict) -> None:
    """The reviewer's decisions about the planners' and reviewers' relationships,
    recorded on the path (faculty's are recorded on their guides by ``cms.demo``)."""
    for decision in item.get("decisions", []):
        person = Mentor.objects.get(slug=decision["person"])
        decide(path, person, decision, users.get(DECIDING_USER))


def only_expired_disclosures(problems: list[str]) -> bool:
    return bool(problems) and all("disclosure" in p and "expired" in p for p in problems)


def publish(path: LearningPathPage) -> None:
    """Publish a new demo path (a draft with its decisions recorded)."""
    revision = path.save_revision(log_action=True)
    problems = path_problems(path)
    if path.slug != STALE_PATH or not problems:
        # Demo paths are published as already-approved content, outside the workflow.
        revision.publish(user=None)
        return
    if not only_expired_disclosures(problems):
        raise ImproperlyConfigured(
            f"The demo path {path.slug} should fail only for an expired disclosure: {problems}"
        )
    mark_live(path, revision)


def mark_live(path: LearningPathPage, revision: Revision) -> None:
    """Make the stale path live as it was before its author's disclosure expired.

    The path was compliant when it was published; only time has made it stale.
    The seed cannot publish it "eight months ago", and the publish gate (rightly)
    refuses to publish it today, so this sets the fields Wagtail's publish would
    have set, with a queryset update that bypasses ``save``. This is demo seeding
    only: no product code may do this.
    """
    now = timezone.now()
    LearningPathPage.objects.filter(pk=path.pk).update(
        live=True,
        has_unpublished_changes=False,
        live_revision=revision,
        first_published_at=now,
        last_published_at=now,
    )
    invalidate_routes()  # no save, so no signal: the cached routes are read again
    path.refresh_from_db()
