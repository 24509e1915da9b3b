"""Issue #12: "The gate refuses each missing element on each publishing route".

ELEMENTS x ROUTES. Each element breaks exactly one requirement of
``learning.compliance.gate.path_problems`` on an otherwise compliant path (or
on its steps, people or institution) and names the words the refusal must
contain; ``test_each_element_breaks_one_requirement`` checks that premise on
the rule itself. Each route is driven the way a person (or the scheduler)
drives it, and each case asserts what they would notice: the path is not live
(nor submitted, nor its copy published), the refusal says why in those words,
and nothing is left half-done. One compliant control per route shows every
refusal is the gate's, not a broken route.

How the elements are written. The path's row and a new draft revision are
saved as stored data (``keep``: without the editor's field validation, which
the editor routes apply), so every route, whichever version it reads, sees the
broken path. Two elements cannot be set up through the editor alone:

* a review more than 3 years ago: the row is written directly
  (``review_long_ago``); such a path's 3 years from release or review have also
  run out, so the rule reports its termination date too (two problems);
* "a relevant relationship not mitigated" cannot be stored at all: the service
  and a database constraint refuse a relevant decision without its mitigation
  (``test_relevant_relationship_without_mitigation_cannot_be_recorded``). The
  matrix uses the state that can exist: a relationship judged relevant and
  mitigated on the other steps but never judged on this one (decisions are per
  content).

Credits not in quarter credits and a termination date too late are refused in
the editor by the form's own field validation, in the same words as the rule.
"""

import datetime
import decimal
import html as markup
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from wagtail.models import PageLogEntry, WorkflowState

import pytest

from cms.choices import MitigationMethod, RelationshipNature
from cms.disclosures import Relationship, record_decision, record_disclosure
from cms.models.disclosures import RelevanceDecision
from learning.compliance.gate import path_problems
from learning.compliance.scheduled import REFUSED_ACTION
from learning.compliance.statements import CLAIM_SENTENCE, DESIGNATION_NAME
from learning.exceptions import PublishRefused
from learning.journey.progress import path_steps
from learning.models import LearningPathPage
from tests.cms.test_workflow import sign_disclosure
from tests.factories import LearningPathPageFactory

from .gate_helpers import (
    bulk_publish,
    copy,
    draft_path,
    edit_url,
    html,
    messages_text,
    schedule,
    unpublished_step,
)
from .path_forms import editor_post
from .test_credit_paused import author_of, review_long_ago

pytestmark = pytest.mark.django_db

CREDIT = "A path with credit"
COMPANY = "Acme Pharma"

# --- the elements: each breaks one requirement and returns the refusal's words ---

ELEMENTS: dict[str, Callable[[LearningPathPage], list[str]]] = {}
TWO_PROBLEMS = {"review_more_than_3_years_ago"}  # see the module docstring


def element(breaks):
    ELEMENTS[breaks.__name__] = breaks
    return breaks


@element
def no_objectives(path):
    path.objectives = []
    return [f"{CREDIT} needs at least one learning objective."]


@element
def no_target_audience(path):
    path.target_audience = ""
    return [f"{CREDIT} needs a target audience."]


@element
def no_estimated_time(path):
    path.estimated_minutes = None
    return [f"{CREDIT} needs the estimated time to complete it."]


@element
def credits_more_than_hours(path):
    path.estimated_minutes = 60  # 1.5 credits in an hour
    return ["offers 1.5 credits but takes about 1 hours", "may not exceed the estimated time"]


@element
def credits_not_in_quarters(path):
    path.max_credits = decimal.Decimal("1.30")
    return ["Credits are given in quarter credits (0.25, 0.5, 0.75...)."]


@element
def no_post_test(path):
    path.post_test = []
    return [f"{CREDIT} needs a post-test with at least one question."]


@element
def no_evaluation(path):
    path.evaluation = []
    return [f"{CREDIT} needs an evaluation with at least one question."]


@element
def no_hardware_software(path):
    path.hardware_software = ""
    return [f"{CREDIT} needs its hardware and software requirements."]


@element
def no_review_date(path):
    path.last_reviewed = None
    path.termination_date = path.latest_termination()  # 3 years from release
    return [f"{CREDIT} needs the date of its most recent review."]


@element
def review_more_than_3_years_ago(path):
    review_long_ago(path)
    return [f"{path.last_reviewed:%-d %B %Y}, more than 3 years ago: review it"]


@element
def termination_more_than_3_years_on(path):
    latest = path.latest_termination()
    path.termination_date = latest + datetime.timedelta(days=1)
    return [
        "may run at most 3 years from its release or last review: the latest termination "
        f"date is {latest:%-d %B %Y}."
    ]


@element
def no_steps(path):
    path.steps = []
    return [f"{CREDIT} needs at least one step."]


@element
def step_guide_not_live(path):
    return [unpublished_step(path)]


@element
def no_planner(path):
    path.contributors = []
    return [f"{CREDIT} names at least one planner"]


@element
def author_disclosure_expired(path):
    author = author_of(path)
    sign_disclosure(author, days_ago=400)
    return [
        f"{author.display_name}'s disclosure of financial relationships was signed on",
        "A new disclosure is needed (disclosures last 12 months).",
    ]


def planner_discloses(path, nature):
    planner = path.contributors.get().person
    record_disclosure(
        planner, relationships=[Relationship(COMPANY, nature)], signed_name=planner.name
    )
    return planner


@element
def planner_relationship_not_reviewed(path):
    planner = planner_discloses(path, RelationshipNature.CONSULTANT)
    return [
        f"{planner.display_name}'s relationship with {COMPANY} (consultant) has not been "
        "reviewed for relevance"
    ]


@element
def relevant_relationship_mitigated_on_other_steps_only(path):
    author = author_of(path)
    disclosure = record_disclosure(
        author,
        relationships=[Relationship(COMPANY, RelationshipNature.SPEAKER)],
        signed_name=author.name,
    )
    relationship = disclosure.relationships.get()
    first, second, third = (step.guide for step in path_steps(path))
    for guide in (first, third):
        record_decision(
            guide,
            relationship,
            relevant=True,
            mitigation=MitigationMethod.PEER_REVIEW,
            reason="Peer reviewed by a colleague with no relationships.",
            decided_by=None,
        )
    return [
        f"relationship with {COMPANY} (speaker) has not been reviewed for relevance to "
        f"'{second.title}'"
    ]


@element
def owner_or_employee_without_exception(path):
    planner = planner_discloses(path, RelationshipNature.EMPLOYEE)
    return [
        f"{planner.display_name} is an owner or employee of an ineligible company ({COMPANY})",
        "three Standard 3 exceptions",
    ]


def change_institution(path, **fields):
    institution = path.institution
    for name, value in fields.items():
        setattr(institution, name, value)
    institution.save(update_fields=list(fields))
    return institution


@element
def institution_without_contact(path):
    institution = change_institution(path, contact_email="", contact_phone="")
    return [f"{institution.name} has no contact e-mail or phone for learners' questions."]


@element
def accreditation_statement_not_naming_provider(path):
    institution = change_institution(
        path,
        accreditation_statement="This office is accredited by the Accreditation Council for "
        "Continuing Medical Education (ACCME) to provide continuing medical education.",
    )
    return [f"The accreditation statement must name the provider, '{institution.name}'."]


@element
def designation_without_exact_credit_name(path):
    statement = path.institution.credit_designation_statement
    change_institution(
        path,
        credit_designation_statement=statement.replace(
            DESIGNATION_NAME, "AMA PRA Category 1 Credit(s)"
        ),
    )
    return [f"must use exactly '{DESIGNATION_NAME}' (with the ™)."]


@element
def designation_without_claim_sentence(path):
    statement = path.institution.credit_designation_statement
    change_institution(path, credit_designation_statement=statement.replace(CLAIM_SENTENCE, ""))
    return [f"The credit designation statement must end: '{CLAIM_SENTENCE}'"]


def compliant(path):
    return []


def keep(path):
    """The path as stored data: its row and a new latest (draft) revision."""
    path.save(clean=False)
    return path.save_revision(clean=False)


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
    assert state.current_task_state.revision_id == latest.pk and not path.live
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
    path = draft_path()
    words = breaks(path)
    keep(path)
    client.force_login(user)
    response = bulk_publish(client, [path])
    said = messages_text(client.get(response["Location"]))
    path.refresh_from_db()
    return Outcome(words, path.live, said, True)


def in_code(client, user, breaks):
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
    """ "Publish copied page" on a live path (only a live page's copy is published)."""
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

CASES = [
    pytest.param(route, element, id=f"{route}-{element}")
    for route in ROUTES
    for element in ELEMENTS
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
        assert text in outcome.said
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
