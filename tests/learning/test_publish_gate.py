"""The publish gate on every route Wagtail offers to make a credit path live:
the editor (create and edit: submit, publish, restart the workflow, approve),
the workflow's approve action, scheduled publishing, bulk publishing,
reverting, copying and aliases. Each route refuses a path the rule refuses,
says why in plain words, and leaves nothing half-done; a compliant path goes
through (so each refusal is the gate's, not a broken route)."""

import json

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageLogEntry, Revision, WorkflowState

import pytest

from learning.exceptions import PublishRefused
from learning.models import LearningPathPage
from tests.factories import GuidePageFactory, LearningPathPageFactory, UserFactory

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
from .test_path_editing import add_url, path_form_data

pytestmark = pytest.mark.django_db

NO_AUDIENCE = "A path with credit needs a target audience."


# --- the editor ---------------------------------------------------------------


def test_editor_lists_every_problem_at_once_and_keeps_what_was_typed(client, superuser):
    client.force_login(superuser)
    data = path_form_data(
        "Sepsis in the ward", "sepsis-ward", credits="2", **{"action-submit": "Submit"}
    )
    response = client.post(add_url(), data)
    assert response.status_code == 200
    page = html(response)
    for problem in (
        "A path with credit needs the estimated time to complete it.",
        "A path with credit needs at least one step.",
        "A path with credit needs an accrediting institution.",
        "A path with credit needs a post-test with at least one question.",
        "A path with credit needs an evaluation with at least one question.",
        "A path with credit names at least one planner",
    ):
        assert problem in page
    assert 'value="Sepsis in the ward"' in page
    assert not LearningPathPage.objects.filter(slug="sepsis-ward").exists()
    # Saving it as a draft is always allowed.
    del data["action-submit"]
    assert client.post(add_url(), data).status_code == 302
    assert not LearningPathPage.objects.get(slug="sepsis-ward").live


@pytest.mark.parametrize(
    "action",
    [
        {"action": "action-publish"},
        {"action": "action-submit"},
        {"action": "action-restart-workflow"},
        {"action": "action-workflow-action", "workflow-action-name": "approve"},
    ],
    ids=["publish", "submit", "restart-workflow", "approve"],
)
def test_editor_refuses_every_publishing_action(client, superuser, action):
    path = LearningPathPageFactory()
    revisions = path.revisions.count()
    client.force_login(superuser)
    response = client.post(edit_url(path), editor_post(path, target_audience="", **action))
    assert response.status_code == 200
    assert NO_AUDIENCE in html(response)
    assert path.revisions.count() == revisions
    path.refresh_from_db()
    assert path.target_audience and not path.workflow_in_progress


def test_editor_judges_the_submitted_planners_and_steps(client, superuser):
    """The rule sees the inline rows as posted, not the saved ones."""
    path = LearningPathPageFactory()
    client.force_login(superuser)
    data = editor_post(path, drop_contributors=[0], drop_steps=[0, 1, 2], action="action-publish")
    page = html(client.post(edit_url(path), data))
    assert "names at least one planner" in page
    assert "A path with credit needs at least one step." in page
    assert path.contributors.count() == 1 and path.steps.count() == 3


def test_editor_publishes_a_compliant_path(client, superuser):
    path = LearningPathPageFactory()
    client.force_login(superuser)
    data = editor_post(path, title="Sepsis, revised", action="action-publish")
    assert client.post(edit_url(path), data).status_code == 302
    path.refresh_from_db()
    assert path.title == "Sepsis, revised" and path.live


def test_path_without_credit_is_not_gated(client, superuser):
    path = LearningPathPageFactory(max_credits=0, institution=None, planners=[])
    client.force_login(superuser)
    data = editor_post(path, target_audience="", action="action-publish")
    assert client.post(edit_url(path), data).status_code == 302


# --- the model: every other route ends in the page's save -----------------------


def test_publishing_a_revision_is_refused_with_every_problem():
    path = LearningPathPageFactory()
    step = unpublished_step(path)
    path.target_audience = ""
    revision = path.save_revision()
    with pytest.raises(PublishRefused) as refused:
        revision.publish()
    assert NO_AUDIENCE in refused.value.problems
    assert any(p.startswith(step) for p in refused.value.problems)
    path.refresh_from_db()
    assert path.live_revision_id != revision.pk and path.target_audience


def test_saves_that_publish_nothing_are_not_gated():
    """The journey and other code save live paths for other reasons."""
    path = LearningPathPageFactory()
    unpublished_step(path)
    path.title = "Renamed in place"
    path.save(update_fields=["title", "draft_title"])
    path.save()
    path.save_revision()  # a draft
    path.refresh_from_db()
    assert path.title == "Renamed in place" and path.live


# --- the workflow's approve action (dashboard and modal) -------------------------


@pytest.mark.parametrize("modal", [False, True], ids=["page", "modal"])
def test_workflow_approval_is_refused_and_rolled_back(client, superuser, modal):
    path = draft_path()
    path.get_workflow().start(path, superuser)
    step = unpublished_step(path)
    state = WorkflowState.objects.get(object_id=str(path.pk), status="in_progress")
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(path.pk, "approve", state.current_task_state.pk),
    )
    client.force_login(superuser)
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if modal else {}
    response = client.post(url, {"comment": "Looks right."}, **headers)
    if modal:
        assert json.loads(response.content)["redirect"] == edit_url(path)
    else:
        assert response.status_code == 302 and response["Location"] == edit_url(path)
    path.refresh_from_db()
    assert not path.live
    # Nothing half-done: the task is still waiting for approval.
    state.refresh_from_db()
    assert state.status == "in_progress"
    assert state.current_task_state.status == "in_progress"
    page = client.get(edit_url(path))
    text = messages_text(page)
    assert "was not published" in text and step in text
    assert "approved" not in text.lower()


def test_workflow_approval_publishes_a_compliant_path(client, superuser):
    path = draft_path()
    path.get_workflow().start(path, superuser)
    state = WorkflowState.objects.get(object_id=str(path.pk), status="in_progress")
    client.force_login(superuser)
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=(path.pk, "approve", state.current_task_state.pk),
        ),
        {"comment": "Fine."},
    )
    path.refresh_from_db()
    assert path.live


# --- scheduled publishing --------------------------------------------------------


def test_scheduled_publishing_refuses_records_tells_staff_and_goes_on():
    staff = UserFactory(username="cme-office", email="cme@example.org", staff=True)
    path = draft_path()
    path.institution.staff.add(staff)
    revision = path.get_latest_revision()
    schedule(path, revision)
    step = unpublished_step(path)
    guide = GuidePageFactory(live=False)
    schedule(guide, guide.save_revision())

    call_command("publish_scheduled")

    path.refresh_from_db()
    assert not path.live
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None  # the schedule is cancelled
    entry = PageLogEntry.objects.get(page=path, action="learning.publish.refused")
    assert any(p.startswith(step) for p in entry.data["problems"])
    assert step in entry.formatter.format_message(entry)
    [message] = mail.outbox
    assert message.to == ["cme@example.org"]
    assert path.title in message.subject and step in message.body
    guide.refresh_from_db()
    assert guide.live  # the other scheduled publication went ahead


def test_scheduled_publishing_publishes_a_compliant_path():
    path = draft_path()
    schedule(path, path.get_latest_revision())
    call_command("publish_scheduled")
    path.refresh_from_db()
    assert path.live and not mail.outbox


def test_go_live_date_in_the_editor_is_gated(client, superuser):
    path = LearningPathPageFactory()
    client.force_login(superuser)
    later = (timezone.now() + timezone.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    data = editor_post(path, target_audience="", go_live_at=later, action="action-publish")
    assert NO_AUDIENCE in html(client.post(edit_url(path), data))
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()


# --- bulk publishing -------------------------------------------------------------


def test_bulk_publishing_is_refused_as_a_whole(client, superuser):
    refused, fine = draft_path(), draft_path()
    step = unpublished_step(refused)
    client.force_login(superuser)
    response = bulk_publish(client, [refused, fine])
    assert response.status_code == 302
    text = messages_text(client.get(response["Location"]))
    assert refused.title in text and step in text and "Nothing was published" in text
    for path in (refused, fine):
        path.refresh_from_db()
        assert not path.live


def test_bulk_publishing_publishes_compliant_paths(client, superuser):
    path = draft_path()
    client.force_login(superuser)
    bulk_publish(client, [path])
    path.refresh_from_db()
    assert path.live


# --- reverting to an earlier version ---------------------------------------------


def test_reverting_to_a_version_that_may_not_be_published(client, superuser):
    path = LearningPathPageFactory()
    path.target_audience = ""
    old = path.save_revision()
    path.target_audience = "Hospitalists"
    path.save_revision().publish()
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:revisions_revert", args=(path.pk, old.pk))
    data = editor_post(path, target_audience="", action="action-publish")
    data["revision"] = old.pk
    response = client.post(url, data)
    assert response.status_code == 200 and NO_AUDIENCE in html(response)
    # The revision itself, published by any other means, is refused too.
    with pytest.raises(PublishRefused):
        old.publish()
    path.refresh_from_db()
    assert path.target_audience == "Hospitalists"


# --- copies and aliases ------------------------------------------------------------


def test_copy_asked_to_be_published_is_made_as_a_draft_and_says_why(client, superuser):
    path = LearningPathPageFactory()
    step = unpublished_step(path)
    client.force_login(superuser)
    response = copy(client, path, "copied", publish_copies="on")
    assert response.status_code == 302
    copied = LearningPathPage.objects.get(slug="copied")
    assert not copied.live
    text = messages_text(client.get(response["Location"]))
    assert "was made as a draft, not published" in text and step in text


def test_compliant_copy_is_published(client, superuser):
    path = LearningPathPageFactory()
    client.force_login(superuser)
    copy(client, path, "copied-live", publish_copies="on")
    assert LearningPathPage.objects.get(slug="copied-live").live


def test_alias_of_a_credit_path_is_refused(client, superuser):
    path = LearningPathPageFactory()
    client.force_login(superuser)
    response = copy(client, path, "alias", alias="on")
    assert response.status_code == 200
    assert "cannot have an alias" in html(response)
    assert not LearningPathPage.objects.filter(slug="alias").exists()
    with pytest.raises(PublishRefused):
        path.create_alias(update_slug="alias-in-code")
    assert not LearningPathPage.objects.filter(slug="alias-in-code").exists()


def test_copy_action_in_code_refuses_to_publish_the_copy():
    path = LearningPathPageFactory()
    unpublished_step(path)
    with pytest.raises(PublishRefused):
        path.copy(update_attrs={"slug": "code-copy", "title": "Code copy"}, keep_live=True)
