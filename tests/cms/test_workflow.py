"""The CME review workflow, end to end through the admin's own views."""

import datetime

from django.urls import reverse
from django.utils import timezone

from wagtail.models import WorkflowState

import pytest

from cms.disclosures import record_disclosure
from cms.models import Disclosure, GuideIndexPage, GuidePage, Topic

from .admin_forms import guide_form_data

pytestmark = pytest.mark.django_db


def add_url():
    return reverse(
        "wagtailadmin_pages:add", args=("cms", "guidepage", GuideIndexPage.objects.get().pk)
    )


def submit_new_guide(client, mentor, slug="night-call", topic=Topic.CLINICAL):
    client.force_login(mentor.user)
    data = guide_form_data(
        "The night-time call", slug, topic, [mentor.pk], **{"action-submit": "Submit"}
    )
    return client.post(add_url(), data)


def approve_or_reject(client, reviewer, page, action):
    client.force_login(reviewer)
    state = WorkflowState.objects.get(
        base_content_type__model="page", object_id=str(page.pk), status="in_progress"
    )
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=(page.pk, action, state.current_task_state.pk)
    )
    return client.post(url, {"comment": "Reviewed by the planning committee."})


def test_submitted_guide_is_not_live_until_a_reviewer_approves(client, mentor_a, reviewer):
    response = submit_new_guide(client, mentor_a)
    assert response.status_code == 302
    guide = GuidePage.objects.get(slug="night-call")
    assert not guide.live
    assert guide.workflow_in_progress
    assert guide.current_workflow_task.name == "CME review"
    assert client.get("/guides/night-call/").status_code == 404

    response = approve_or_reject(client, reviewer, guide, "approve")
    assert response.status_code in (200, 302)
    guide.refresh_from_db()
    assert guide.live
    assert not guide.workflow_in_progress
    client.logout()
    assert client.get("/guides/night-call/").status_code == 200


def test_rejected_guide_stays_unpublished(client, mentor_a, reviewer):
    submit_new_guide(client, mentor_a, slug="rejected-guide")
    guide = GuidePage.objects.get(slug="rejected-guide")
    approve_or_reject(client, reviewer, guide, "reject")
    guide.refresh_from_db()
    assert not guide.live
    state = WorkflowState.objects.filter(object_id=str(guide.pk)).latest("created_at")
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    client.logout()
    assert client.get("/guides/rejected-guide/").status_code == 404


def sign_disclosure(mentor, days_ago):
    """A newer record dated ``days_ago`` (backdated as CME staff may when
    entering a paper form): it supersedes the mentor's current disclosure."""
    # Records are permanent, so the fixture's recent disclosure is removed in
    # bulk (the queryset bypasses the model's refusal) to leave only this one.
    Disclosure.objects.filter(person=mentor).delete()
    record_disclosure(
        mentor,
        given_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        none_to_disclose=True,
        signed_name=mentor.name,
    )


def test_stale_disclosure_blocks_submitting_a_clinical_guide(client, mentor_a):
    sign_disclosure(mentor_a, days_ago=400)
    response = submit_new_guide(client, mentor_a, slug="blocked")
    # The editor is shown again, with the reason, and nothing is submitted.
    assert response.status_code == 200
    html = response.content.decode()
    assert "disclosure of financial relationships was given on" in html
    assert "Clinical-judgment guides need a disclosure from the last 12 months" in html
    assert not GuidePage.objects.filter(slug="blocked").exists()
    # Nothing the mentor typed is lost: the form comes back filled in.
    assert 'value="The night-time call"' in html


def test_stale_disclosure_still_allows_saving_a_draft(client, mentor_a):
    sign_disclosure(mentor_a, days_ago=400)
    client.force_login(mentor_a.user)
    data = guide_form_data("Draft only", "draft-only", Topic.CLINICAL, [mentor_a.pk])
    assert client.post(add_url(), data).status_code == 302
    guide = GuidePage.objects.get(slug="draft-only")
    assert not guide.live and not guide.workflow_in_progress


@pytest.mark.parametrize("topic", [Topic.CAREER, Topic.PRACTICE])
def test_stale_disclosure_does_not_block_career_or_practice_guides(client, mentor_a, topic):
    sign_disclosure(mentor_a, days_ago=400)
    response = submit_new_guide(client, mentor_a, slug=f"exempt-{topic}", topic=topic)
    assert response.status_code == 302
    assert GuidePage.objects.get(slug=f"exempt-{topic}").workflow_in_progress


def test_stale_disclosure_blocks_resubmission_from_the_edit_view(client, mentor_a, guide_by_a):
    sign_disclosure(mentor_a, days_ago=500)
    client.force_login(mentor_a.user)
    data = guide_form_data(
        guide_by_a.title,
        guide_by_a.slug,
        Topic.CLINICAL,
        [mentor_a.pk],
        page=guide_by_a,
        **{"action-submit": "Submit"},
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=(guide_by_a.pk,)), data)
    assert response.status_code == 200
    assert "disclosure of financial relationships was given on" in response.content.decode()
    assert not GuidePage.objects.get(pk=guide_by_a.pk).workflow_in_progress


def test_same_mentor_twice_is_a_clear_error_not_a_crash(client, mentor_a):
    client.force_login(mentor_a.user)
    data = guide_form_data("Twice", "twice", Topic.CAREER, [mentor_a.pk, mentor_a.pk])
    response = client.post(add_url(), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for page and mentor" in response.content.decode()
    assert not GuidePage.objects.filter(slug="twice").exists()
