"""Editors: what a credit-bearing path needs before it is submitted or
published, date rules, and content that learner records protect."""

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse

from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

import pytest

from learning.journey import progress, services
from learning.models import LearningPathPage, PathIndexPage, StepCompletion
from tests.factories import GuidePageFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def path_form_data(title, slug, *, guides=(), institution=None, credits="1.5", **extra):
    """What the page editor posts for a path with no post-test questions,
    planners, reviewers or commercial support."""
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "A path.",
            "target_audience": "Residents",
            "objectives": streamfield([("objective", "Recognise the deteriorating patient")]),
            "estimated_minutes": "",
            "steps": inline_formset([{"guide": g.pk} for g in guides]),
            "prerequisites": inline_formset([]),
            "contributors": inline_formset([]),
            "commercial_support": inline_formset([]),
            "moc": inline_formset([]),
            "joint_provider": "",
            "hardware_software": "A current web browser.",
            "pass_mark": "70",
            "post_test": streamfield([]),
            "evaluation": streamfield([]),
            "institution": institution.pk if institution else "",
            "max_credits": credits,
            "learning_format": "enduring",
            "certificate_policy": "on_completion",
            "release_date": "2026-01-10",
            "last_reviewed": "",
            "termination_date": "",
            "comments": inline_formset([]),
        }
    )
    data.update(extra)
    return data


def add_url():
    return reverse(
        "wagtailadmin_pages:add",
        args=("learning", "learningpathpage", PathIndexPage.objects.get().pk),
    )


def test_credit_bearing_path_cannot_be_submitted_incomplete(client, superuser):
    client.force_login(superuser)
    response = client.post(
        add_url(), path_form_data("Incomplete", "incomplete", **{"action-publish": "1"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    for message in (
        "A path with credit needs at least one step.",
        "A path with credit needs an accrediting institution.",
        "A path with credit needs a post-test with at least one question.",
    ):
        assert message in html
    assert not LearningPathPage.objects.filter(slug="incomplete").exists()


def test_incomplete_path_can_be_saved_as_a_draft(client, superuser):
    client.force_login(superuser)
    response = client.post(add_url(), path_form_data("Draft", "draft"))
    assert response.status_code == 302
    assert not LearningPathPage.objects.get(slug="draft").live


def test_path_without_credit_needs_no_accreditation(client, superuser):
    client.force_login(superuser)
    guide = GuidePageFactory()
    data = path_form_data(
        "Free path", "free", guides=[guide], credits="0", **{"action-publish": "1"}
    )
    assert client.post(add_url(), data).status_code == 302
    assert LearningPathPage.objects.get(slug="free").live


def test_termination_date_at_most_three_years_from_release_or_review():
    from tests.factories import LearningPathPageFactory

    path = LearningPathPageFactory(release_date=datetime.date(2025, 1, 10), last_reviewed=None)
    assert path.termination_date == datetime.date(2028, 1, 10)
    path.termination_date = datetime.date(2028, 1, 11)
    with pytest.raises(ValidationError) as excinfo:
        path.full_clean()
    assert "the latest termination date is 10 January 2028" in str(excinfo.value)
    path.last_reviewed = datetime.date(2026, 6, 1)  # a review extends the window
    path.full_clean()


def test_quarter_credits_only():
    from tests.factories import LearningPathPageFactory

    path = LearningPathPageFactory()
    path.max_credits = "1.3"
    with pytest.raises(ValidationError, match="quarter credits"):
        path.full_clean()


def test_content_with_learner_records_cannot_be_deleted(client, superuser, learner, path):
    services.enrol(learner, path)
    step = progress.path_steps(path)[0]
    services.complete_step(learner, path, step.guide_id)
    client.force_login(superuser)
    for page in (path, step.guide, PathIndexPage.objects.get()):
        response = client.post(reverse("wagtailadmin_pages:delete", args=(page.pk,)), follow=True)
        assert response.status_code == 200
        assert "cannot be deleted because" in response.content.decode()
        assert Page.objects.filter(pk=page.pk).exists()


def test_unpublishing_or_editing_keeps_learner_records(learner, path):
    services.enrol(learner, path)
    steps = progress.path_steps(path)
    services.complete_step(learner, path, steps[0].guide_id)
    original_title = steps[0].guide.title
    steps[0].guide.title = "Renamed"
    steps[0].guide.save_revision().publish()
    path.steps.filter(guide=steps[0].guide).delete()  # removed from the path
    path.save_revision().publish()
    path.unpublish()
    completion = StepCompletion.objects.get(enrolment__user=learner)
    assert completion.guide_title == original_title
    assert learner.enrolments.count() == 1


def test_institution_with_paths_cannot_be_deleted(path):
    from django.db.models import ProtectedError

    institution = path.institution
    with pytest.raises(ProtectedError):
        institution.delete()
    assert InstitutionFactory._meta.model.objects.filter(pk=institution.pk).exists()
