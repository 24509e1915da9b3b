""" "Log in to enrol" from a cached path page: no CSRF token for a visitor who
is not signed in, the browser's same-origin evidence instead
(learning/journey/anonymous_enrol.py). Django's CSRF check is on in every
test here (``enforce_csrf_checks``), as it is for a real browser."""

from django.test import Client

import pytest

from learning.journey import pending
from learning.models import Enrolment
from tests.factories import LearnerFactory
from tests.factories.paths import LearningPathPageFactory

ENROL = "/paths/sepsis/enrol/"
SAME_ORIGIN = "http://testserver"


@pytest.fixture
def path(guide_by_a):
    return LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=[guide_by_a])


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


def test_a_visitor_from_this_site_is_remembered_and_sent_to_log_in(browser, path):
    response = browser.post(ENROL, headers={"Origin": SAME_ORIGIN})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert browser.session[pending.SESSION_KEY]["path"] == path.pk


def test_sec_fetch_site_same_origin_is_enough(browser, path):
    response = browser.post(ENROL, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 302
    assert pending.SESSION_KEY in browser.session


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "https://elsewhere.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://testserver"},  # another scheme is another origin
    ],
)
def test_a_post_from_another_site_or_of_unknown_origin_is_refused(browser, path, headers):
    response = browser.post(ENROL, headers=headers)
    assert response.status_code == 403
    assert pending.SESSION_KEY not in browser.session


def test_a_signed_in_learner_still_needs_the_token(browser, path):
    learner = LearnerFactory()
    browser.force_login(learner)
    refused = browser.post(ENROL, headers={"Origin": SAME_ORIGIN})
    assert refused.status_code == 403
    assert not Enrolment.objects.filter(user=learner).exists()
    page = browser.get("/paths/sepsis/")
    token = page.context["csrf_token"]
    enrolled = browser.post(
        ENROL, {"csrfmiddlewaretoken": str(token)}, headers={"Origin": SAME_ORIGIN}
    )
    assert enrolled.status_code == 302
    assert Enrolment.objects.filter(user=learner, path=path).exists()


def test_other_routes_keep_the_token_check(browser, path):
    response = browser.post("/paths/sepsis/continue/", headers={"Origin": SAME_ORIGIN})
    assert response.status_code == 403
