"""Fixes from a review of the journey: credit for a step the learner may not
read (J2), the dashboard's credits and hours (J4), the termination day in the
learner's time zone (J3)."""

import datetime
import re
from unittest import mock

from django.contrib.auth.models import Group
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest

from learning.certificates.issuance import revoke
from learning.compliance.availability import credit_available
from learning.compliance.gate import path_problems
from learning.exceptions import EnrolmentClosed
from learning.journey import progress, services
from learning.models import (
    CertificatePolicy,
    CreditClaim,
    Degree,
    Enrolment,
    LearningPathPage,
    StepCompletion,
)
from tests.factories import LearningPathPageFactory, complete_path, from_step_page
from tests.learning.conftest import correct_answers, evaluation_answers

pytestmark = pytest.mark.django_db

REFUSED = "This guide is private and you do not have access to it"


def members_only(guide, group_name="Members only"):
    group = Group.objects.create(name=group_name)
    restriction = PageViewRestriction.objects.create(
        page=guide, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    return group


def first_guide(path):
    return progress.path_steps(path)[0].guide


# J2 (a): the gate and credit availability


def test_the_gate_names_a_step_guide_behind_a_privacy_restriction(path):
    guide = first_guide(path)
    assert path_problems(path) == []
    members_only(guide)
    assert path_problems(path) == [
        f"Step 1, '{guide.title}', is not public (it has a privacy restriction): learners of "
        "the path could not read it or its disclosure. Remove the restriction or the step."
    ]
    availability = credit_available(path)
    assert not availability
    assert "paused while one of its steps is being updated" in availability.enrol_message


def test_a_restriction_on_a_section_above_the_path_and_its_guides_is_no_problem(path):
    """Whoever may open the path may open its guides: the same restriction admits both."""
    site_root = path.get_ancestors().get(depth=2)
    assert first_guide(path).path.startswith(site_root.path)
    PageViewRestriction.objects.create(page=site_root, restriction_type=PageViewRestriction.LOGIN)
    assert path_problems(path) == []


# J2 (b): completing a step


def test_completing_a_step_the_learner_may_not_read_is_refused(client, learner, path):
    services.enrol(learner, path)  # before the guide was made private
    guide = first_guide(path)
    members_only(guide)
    client.force_login(learner)
    response = client.post(path.url + f"steps/{guide.pk}/complete/", follow=True)
    assert REFUSED in response.content.decode()
    assert not StepCompletion.objects.filter(enrolment__user=learner).exists()


def test_a_learner_admitted_to_the_guide_completes_it(client, learner, path):
    services.enrol(learner, path)
    guide = first_guide(path)
    learner.groups.add(members_only(guide))
    client.force_login(learner)
    response = client.post(
        path.url + f"steps/{guide.pk}/complete/",
        from_step_page(learner, path, guide.pk),
        follow=True,
    )
    assert REFUSED not in response.content.decode()
    assert StepCompletion.objects.filter(enrolment__user=learner, guide=guide).exists()


def test_a_password_counts_only_once_entered_in_the_learners_session(rf, learner, path):
    services.enrol(learner, path)
    guide = first_guide(path)
    restriction = PageViewRestriction.objects.create(
        page=guide, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    with pytest.raises(services.JourneyError, match=REFUSED):
        services.complete_step(learner, path, guide.pk)
    request = rf.post("/", from_step_page(learner, path, guide.pk))
    request.user = learner
    request.session = {restriction.passed_view_restrictions_session_key: [restriction.pk]}
    _, created = services.complete_step(learner, path, guide.pk, request=request)
    assert created


# J4: the dashboard's credits and hours


def lede(html):
    return re.search(r'<p class="lede">(.*?)</p>', html, re.S).group(1)


def test_a_later_change_of_profession_keeps_recorded_hours_as_hours(client, nurse):
    path = LearningPathPageFactory(
        slug="appr", steps=1, certificate_policy=CertificatePolicy.AFTER_APPROVAL
    )
    complete_path(nurse, path, credits="1.5")
    nurse.learner_profile.degree = Degree.MD  # she corrects her profession afterwards
    nurse.learner_profile.save()
    client.force_login(nurse)
    html = client.get("/me/").content.decode()
    assert "Hours of participation in" in lede(html)
    assert "Credits claimed in" not in lede(html)
    assert "hours of participation" in html  # the completed path's line


def test_a_revoked_certificate_leaves_the_yearly_credits(client, learner, certificate):
    client.force_login(learner)
    before = lede(client.get("/me/").content.decode())
    assert "<strong>0</strong>" not in before
    revoke(certificate, None, "Claimed in error")
    after = lede(client.get("/me/").content.decode())
    assert "Credits claimed in" in after and "<strong>0</strong>" in after


# J3: the termination day is the learner's own day


def up_to_claim(user, path, zone):
    profile = user.learner_profile
    profile.time_zone = zone
    profile.save()
    services.enrol(user, path)
    for step in progress.path_steps(path):
        services.complete_step(user, path, step.guide_id)
    services.submit_attempt(user, path, correct_answers(path))
    services.submit_evaluation(user, path, evaluation_answers(path))


def terminate_on(path, day):
    LearningPathPage.objects.filter(pk=path.pk).update(
        termination_date=day,
        release_date=day - datetime.timedelta(days=60),
        last_reviewed=day - datetime.timedelta(days=30),
    )
    path.refresh_from_db()


def at(day, hour, minute=0):
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=datetime.UTC)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_honolulu_claims_on_the_termination_day_after_utc_midnight(client, learner, path):
    up_to_claim(learner, path, "Pacific/Honolulu")
    term = timezone.localdate()
    terminate_on(path, term)
    # 14:30 on the termination day in Honolulu is 00:30 UTC the day after.
    with at(term + datetime.timedelta(days=1), 0, 30):
        client.force_login(learner)
        page = client.get(path.url + "claim/").content.decode()
        assert "accreditation ended" not in page
        client.post(path.url + "claim/", {"credits": "1", "attested": "on"})
    assert CreditClaim.objects.filter(enrolment__user=learner).exists()


def test_auckland_is_refused_the_day_after_termination_before_utc_midnight(learner, path):
    up_to_claim(learner, path, "Pacific/Auckland")
    term = timezone.localdate()
    terminate_on(path, term)
    # 10:00 the next day in Auckland is 22:00 UTC on the termination day.
    with at(term, 22):
        assert path_problems(path) == []  # editors and the gate keep the server's date
        with pytest.raises(EnrolmentClosed, match=f"ended on {term:%-d %B %Y}"):
            services.claim_credit(learner, path, "1", True)
    assert not CreditClaim.objects.exists()


def test_enrolment_follows_the_learners_day_too(other_learner, path):
    other_learner.learner_profile.time_zone = "Pacific/Auckland"
    other_learner.learner_profile.save()
    term = timezone.localdate()
    terminate_on(path, term)
    with at(term, 22), pytest.raises(EnrolmentClosed, match="no longer accepts new enrolments"):
        services.enrol(other_learner, path)
    assert not Enrolment.objects.filter(user=other_learner).exists()


def test_a_step_guide_for_logged_in_users_keeps_the_path_open(learner, path):
    """ "Logged-in users" admits every learner (the journey needs a log-in):
    such a step is no problem, and completing it is not refused."""
    guide = progress.path_steps(path)[0].guide
    PageViewRestriction.objects.create(page=guide, restriction_type=PageViewRestriction.LOGIN)
    path = type(path).objects.get(pk=path.pk)

    assert not any("not public" in p for p in path_problems(path, timezone.localdate()))
    assert credit_available(path)
    services.enrol(learner, path)
    completion, created = services.complete_step(learner, path, guide.pk)
    assert created
