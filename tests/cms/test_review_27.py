"""Review 27: editorial defects, each proven by a test that failed before its
fix (real requests through the Wagtail admin, records read back)."""

import html
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from cms.models import GuideIndexPage, GuidePage, Topic
from cms.rules import DATE_OUT_OF_RANGE
from learning.exceptions import PrerequisitesMissing
from learning.journey import services
from learning.models import Enrolment, PathIndexPage, PathPrerequisite
from tests.factories import GuidePageFactory, LearningPathPageFactory, UserFactory
from tests.learning.test_path_editing import path_form_data

from .admin_forms import guide_form_data
from .test_workflow import sign_disclosure, submit_new_guide

pytestmark = pytest.mark.django_db


def add_guide_url():
    return reverse(
        "wagtailadmin_pages:add", args=("cms", "guidepage", GuideIndexPage.objects.get().pk)
    )


def add_path_url():
    return reverse(
        "wagtailadmin_pages:add",
        args=("learning", "learningpathpage", PathIndexPage.objects.get().pk),
    )


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


# --- Odd dates: a form error, never a server error ---------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "9998-06-01"])
def test_a_guide_dated_at_the_end_of_the_calendar_is_a_form_error(client, superuser, mentor_a, day):
    """Year 9999 made the review date (3 years on) leave the calendar: a 500."""
    client.force_login(superuser)
    data = guide_form_data(
        "Far future", "far-future", Topic.CAREER, [mentor_a.pk], release_date=day, last_reviewed=day
    )
    response = client.post(add_guide_url(), data)
    assert response.status_code == 200
    assert DATE_OUT_OF_RANGE in html.unescape(response.content.decode())
    assert not GuidePage.objects.filter(slug="far-future").exists()


def test_a_path_released_in_year_9999_is_a_form_error(client, superuser):
    """Its termination date (3 years on) left the calendar: a 500."""
    client.force_login(superuser)
    response = client.post(add_path_url(), path_form_data("Far", "far", release_date="9999-12-31"))
    assert response.status_code == 200
    assert DATE_OUT_OF_RANGE in html.unescape(response.content.decode())


@pytest.mark.parametrize("day", ["0001-01-05", "0002-12-31"])
def test_a_disclosure_signed_in_year_1_is_a_form_error(client, mentor_a, staff_user, day):
    """CME staff entering a paper form: counting the 24-month look-back back
    from year 1 or 2 left the calendar (AssertionError: a 500)."""
    client.force_login(staff_user)
    data = {
        "rel-TOTAL_FORMS": "0",
        "rel-INITIAL_FORMS": "0",
        "none_to_disclose": "on",
        "given_on": day,
        "signed_name": "Ana Alvarez",
        "attest": "on",
    }
    before = mentor_a.disclosures.count()
    response = client.post(reverse("cms_disclosure_new", args=(mentor_a.pk,)), data)
    assert response.status_code == 200
    assert DATE_OUT_OF_RANGE in html.unescape(response.content.decode())
    assert mentor_a.disclosures.count() == before


# --- A clinical guide is published only with current disclosures, by every route ---


def approve_from_the_dashboard(client, reviewer, guide):
    client.force_login(reviewer)
    state = WorkflowState.objects.get(object_id=str(guide.pk), status="in_progress")
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(guide.pk, "approve", state.current_task_state.pk),
    )
    return client.post(url, {"comment": "Reviewed."})


def test_approving_a_clinical_guide_whose_authors_disclosure_lapsed_in_review(
    client, mentor_a, reviewer
):
    """Submitted while the disclosure was current; it expired while the guide
    waited for review; the reviewer's approval published it anyway."""
    assert submit_new_guide(client, mentor_a, slug="lapsing").status_code == 302
    guide = GuidePage.objects.get(slug="lapsing")
    sign_disclosure(mentor_a, days_ago=400)

    response = approve_from_the_dashboard(client, reviewer, guide)
    assert response.status_code == 302
    guide = GuidePage.objects.get(pk=guide.pk)
    assert not guide.live
    assert guide.workflow_in_progress  # nothing was done: it still waits for review
    page = client.get(response["Location"])
    assert "disclosure of financial relationships was given on" in html.unescape(
        page.content.decode()
    )

    # Once the author signs a new disclosure, the same approval publishes it.
    sign_disclosure(mentor_a, days_ago=1)
    approve_from_the_dashboard(client, reviewer, guide)
    assert GuidePage.objects.get(pk=guide.pk).live


def test_approving_it_in_the_editor_shows_why_not(client, mentor_a, reviewer):
    assert submit_new_guide(client, mentor_a, slug="lapsing").status_code == 302
    guide = GuidePage.objects.get(slug="lapsing")
    sign_disclosure(mentor_a, days_ago=400)
    state = WorkflowState.objects.get(object_id=str(guide.pk), status="in_progress")
    client.force_login(reviewer)
    data = guide_form_data(
        guide.title,
        guide.slug,
        Topic.CLINICAL,
        [mentor_a.pk],
        page=guide,
        release_date=guide.release_date.isoformat(),
        last_reviewed=guide.last_reviewed.isoformat(),
        **{
            "action-workflow-action": "true",
            "workflow-action-name": "approve",
            "workflow-action-extra-data": "{}",
        },
    )
    response = client.post(edit_url(guide), data)
    assert "disclosure of financial relationships was given on" in html.unescape(
        response.content.decode()
    )
    assert not GuidePage.objects.get(pk=guide.pk).live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_bulk_publishing_a_clinical_guide_without_a_current_disclosure(client, mentor_a, reviewer):
    sign_disclosure(mentor_a, days_ago=400)
    guide = GuidePageFactory(live=False, authors=[mentor_a], owner=mentor_a.user)
    guide.save_revision()
    client.force_login(reviewer)
    index = GuideIndexPage.objects.get()
    url = (
        reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
        + f"?id={guide.pk}&next=/admin/pages/{index.pk}/"
    )
    response = client.post(url, {"include_descendants": ""})
    assert response.status_code == 302
    assert not GuidePage.objects.get(pk=guide.pk).live


def test_a_scheduled_clinical_guide_is_refused_and_the_others_go_ahead(mentor_a, mentor_b):
    sign_disclosure(mentor_a, days_ago=400)
    stale = GuidePageFactory(live=False, authors=[mentor_a], slug="stale")
    fine = GuidePageFactory(live=False, authors=[mentor_b], slug="fine")
    due = timezone.now() - timezone.timedelta(minutes=5)
    for guide in (stale, fine):
        revision = guide.save_revision()
        revision.approved_go_live_at = due
        revision.save(update_fields=["approved_go_live_at"])
    err = StringIO()
    call_command("publish_scheduled", stdout=StringIO(), stderr=err)
    assert not GuidePage.objects.get(pk=stale.pk).live
    assert GuidePage.objects.get(pk=fine.pk).live
    assert f"Not published: '{stale.title}'" in err.getvalue()
    assert not stale.revisions.filter(approved_go_live_at__isnull=False).exists()


def test_career_guides_are_published_whatever_the_disclosure(mentor_a):
    guide = GuidePageFactory(live=False, authors=[mentor_a], topic=Topic.CAREER)
    sign_disclosure(mentor_a, days_ago=400)
    guide.save_revision().publish()
    assert GuidePage.objects.get(pk=guide.pk).live


# --- Prerequisites in a circle lock learners out of every path in it -----------------


def test_a_prerequisite_that_requires_the_path_back_is_refused(client, superuser):
    alpha = LearningPathPageFactory(max_credits=0, institution=None, title="Alpha", slug="alpha")
    beta = LearningPathPageFactory(max_credits=0, institution=None, title="Beta", slug="beta")
    gamma = LearningPathPageFactory(max_credits=0, institution=None, title="Gamma", slug="gamma")
    PathPrerequisite.objects.create(page=beta, required_path=gamma)
    PathPrerequisite.objects.create(page=gamma, required_path=alpha)
    client.force_login(superuser)
    data = path_form_data("Alpha", "alpha", credits="0")
    data.update(nested_form_data({"prerequisites": inline_formset([{"required_path": beta.pk}])}))
    data["action-publish"] = "1"
    response = client.post(edit_url(alpha), data)
    assert response.status_code == 200
    assert "already requires the one you are editing" in html.unescape(response.content.decode())
    assert not PathPrerequisite.objects.filter(page=alpha).exists()
    # Had it been saved, nobody could have enrolled in any of the three.
    learner = UserFactory(learner=True)
    enrolment, _ = services.enrol(learner, alpha)
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()
    with pytest.raises(PrerequisitesMissing):
        services.enrol(learner, beta)


def test_an_ordinary_prerequisite_is_still_saved(client, superuser):
    alpha = LearningPathPageFactory(max_credits=0, institution=None, title="Alpha", slug="alpha")
    beta = LearningPathPageFactory(max_credits=0, institution=None, title="Beta", slug="beta")
    PathPrerequisite.objects.create(page=beta, required_path=LearningPathPageFactory())
    client.force_login(superuser)
    data = path_form_data("Alpha", "alpha", credits="0")
    data.update(nested_form_data({"prerequisites": inline_formset([{"required_path": beta.pk}])}))
    data["action-publish"] = "1"
    assert client.post(edit_url(alpha), data).status_code == 302
    assert PathPrerequisite.objects.filter(page=alpha, required_path=beta).exists()
