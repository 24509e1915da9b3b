"""Issue #12: "The gate refuses each missing element on each publishing route".

ELEMENTS x ROUTES. Each element (``gate_elements``) breaks exactly one
requirement of ``learning.compliance.gate.path_problems`` on an otherwise
compliant path (or on its steps, people or institution) and names the words
the refusal must contain; ``test_each_element_breaks_one_requirement`` checks
that premise on the rule itself. Each route is driven the way a person (or the
scheduler) drives it, and each case asserts what they would notice: the path
is not live (nor submitted, nor its copy published), the refusal says why in
those words (the editor's page, the messages after the redirect, the
exception's problems, the page history), and nothing is left half-done. One
compliant control per route shows that every refusal is the gate's, not a
broken route.

Which cases run. The full product (25 elements x 7 routes) takes one and a
half to two minutes on two shared cores, beyond this file's budget, so every
element runs on the editor's Publish and on ``revision.publish()`` in code,
and every third element (a different third for each of the other routes, by
position in ``ELEMENTS``) on the five others: 92 cases, each element on three
or four routes, each route on at least eight elements. ``GATE_MATRIX=full``
runs all 175 (they passed when this file was written).

Credits not in quarter credits and a termination date too late are refused in
the editor by the form's own field validation, in the same words as the rule.
"""

import html as markup
import os
from dataclasses import dataclass
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from wagtail.models import PageLogEntry, WorkflowState

import pytest

from cms.choices import RelationshipNature
from cms.disclosures import record_decision
from cms.models.disclosures import RelevanceDecision
from learning.compliance.gate import path_problems
from learning.compliance.scheduled import REFUSED_ACTION
from learning.exceptions import PublishRefused
from learning.models import LearningPathPage
from tests.factories import LearningPathPageFactory

from .gate_elements import COMPANY, ELEMENTS, TWO_PROBLEMS, compliant, keep, planner_discloses
from .gate_helpers import (
    bulk_publish,
    copy,
    draft_path,
    edit_url,
    html,
    messages_text,
    schedule,
)
from .path_forms import editor_post

pytestmark = pytest.mark.django_db

# --- the routes: each takes a way of breaking the path and reports what a person sees ---


@dataclass
class Outcome:
    words: list[str]  # what the refusal must say
    went_through: bool  # the path went live (or was submitted, or its copy went live)
    said: str  # everything the route showed or recorded about it
    nothing_half_done: bool  # after a refusal: the route left things as they were


def editor(action, went_through):
    """The page editor's button (``action``) on a path never published."""

    def route(client, user, breaks):
        path = draft_path()
        words = breaks(path)
        keep(path)
        revisions = path.revisions.count()
        client.force_login(user)
        response = client.post(edit_url(path), editor_post(path, action=action))
        path.refresh_from_db()
        said = markup.unescape(html(response)) if response.status_code == 200 else ""
        return Outcome(words, went_through(path), said, path.revisions.count() == revisions)

    return route


def approve(client, path):
    """A CME reviewer approves the path's current task from the dashboard."""
    state = WorkflowState.objects.get(object_id=str(path.pk), status="in_progress")
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(path.pk, "approve", state.current_task_state.pk),
    )
    client.post(url, {"comment": "Looks right."})
    return state


def workflow_approval(client, user, breaks):
    """Submitted while compliant, then broken (an edit while in moderation, a
    disclosure lapsing), then approved. The edit made a new revision, so the
    first approval asks for the new version to be approved too
    (WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT); the second publishes it."""
    path = draft_path()
    path.get_workflow().start(path, user)
    words = breaks(path)
    latest = keep(path)
    client.force_login(user)
    state = approve(client, path)
    state.refresh_from_db()
    # Not published yet: the new version waits for its own approval.
    assert state.current_task_state.revision_id == latest.pk
    assert not LearningPathPage.objects.get(pk=path.pk).live
    approve(client, path)
    path.refresh_from_db()
    state.refresh_from_db()
    waiting = state.status == "in_progress" and state.current_task_state.status == "in_progress"
    return Outcome(words, path.live, messages_text(client.get(edit_url(path))), waiting)


def scheduled(client, user, breaks):
    """The path's latest revision was due to go live five minutes ago."""
    path = draft_path()
    words = breaks(path)
    revision = keep(path)
    schedule(path, revision)
    call_command("publish_scheduled", stdout=StringIO())
    path.refresh_from_db()
    revision.refresh_from_db()
    entry = PageLogEntry.objects.filter(page=path, action=REFUSED_ACTION).first()
    said = entry.formatter.format_message(entry) if entry else ""
    return Outcome(words, path.live, said, revision.approved_go_live_at is None)


def bulk(client, user, breaks):
    """Publish from the page listing's bulk action."""
    path = draft_path()
    words = breaks(path)
    kept = keep(path)
    client.force_login(user)
    response = bulk_publish(client, [path])
    said = messages_text(client.get(response["Location"]))
    path.refresh_from_db()
    return Outcome(words, path.live, said, path.get_latest_revision() == kept)


def in_code(client, user, breaks):
    """``revision.publish()``, as any code (or a shell) would."""
    path = draft_path()
    words = breaks(path)
    revision = keep(path)
    said = ""
    try:
        revision.publish()
    except PublishRefused as refused:
        said = " ".join(refused.problems)
    path.refresh_from_db()
    return Outcome(words, path.live, said, path.live_revision_id is None)


def copy_published(client, user, breaks):
    """The copy form's "Publish copied page" (only a live path's copy can be published)."""
    path = LearningPathPageFactory()
    words = breaks(path)
    keep(path)
    client.force_login(user)
    slug = f"{path.slug}-copy"
    response = copy(client, path, slug, publish_copies="on")
    copied = LearningPathPage.objects.filter(slug=slug).first()
    said = messages_text(client.get(response["Location"])) if response.status_code == 302 else ""
    return Outcome(words, bool(copied and copied.live), said, copied is not None)


ROUTES = {
    "editor_publish": editor("action-publish", lambda path: path.live),
    "editor_submit": editor("action-submit", lambda path: path.workflow_in_progress),
    "workflow_approval": workflow_approval,
    "scheduled": scheduled,
    "bulk_publish": bulk,
    "revision_publish_in_code": in_code,
    "copy_published": copy_published,
}

EVERY_ELEMENT = ("editor_publish", "revision_publish_in_code")
FULL = os.environ.get("GATE_MATRIX") == "full"


def elements_for(route):
    """Every element, or a third of them chosen by the route's position."""
    names = list(ELEMENTS)
    if FULL or route in EVERY_ELEMENT:
        return names
    offset = [r for r in ROUTES if r not in EVERY_ELEMENT].index(route) % 3
    return names[offset::3]


CASES = [
    pytest.param(route, name, id=f"{route}-{name}")
    for route in ROUTES
    for name in elements_for(route)
]


# --- the tests --------------------------------------------------------------------


@pytest.mark.parametrize("name", ELEMENTS)
def test_each_element_breaks_one_requirement(name):
    path = draft_path()
    words = ELEMENTS[name](path)
    keep(path)
    problems = path_problems(
        LearningPathPage.objects.get(pk=path.pk).get_latest_revision_as_object()
    )
    assert len(problems) == (2 if name in TWO_PROBLEMS else 1), problems
    for text in words:
        assert text in " ".join(problems)


@pytest.mark.parametrize(("route", "name"), CASES)
def test_route_refuses_element(client, superuser, route, name):
    outcome = ROUTES[route](client, superuser, ELEMENTS[name])
    assert not outcome.went_through
    for text in outcome.words:
        assert text in outcome.said, outcome.said
    assert outcome.nothing_half_done


@pytest.mark.parametrize("route", ROUTES)
def test_route_lets_a_compliant_path_through(client, superuser, route):
    outcome = ROUTES[route](client, superuser, compliant)
    assert outcome.went_through, outcome.said


def test_relevant_relationship_without_mitigation_cannot_be_recorded():
    """Why the matrix has no "relevant but not mitigated" element."""
    path = LearningPathPageFactory()
    planner = planner_discloses(path, RelationshipNature.CONSULTANT)
    relationship = planner.disclosures.get(relationships__company=COMPANY).relationships.get()
    with pytest.raises(ValidationError, match="needs the way it was mitigated"):
        record_decision(path, relationship, relevant=True, reason="Relevant.", decided_by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelevanceDecision.objects.create(
            page=path, relationship=relationship, relevant=True, mitigation="", reason="Relevant."
        )
