"""A mentee on a phone: from the programme to their suggestions and a request,
with no Content Security Policy violation, no horizontal scrolling and no
serious accessibility problem on the mentoring pages."""

import pytest

from mentoring.models import MatchRequest, RequestStatus
from tests.factories.mentoring import ProgrammeFactory
from tests.mentoring.conftest import mentee_in, mentor_in

from .test_csp import sign_in, watch_csp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def programme():
    return ProgrammeFactory(slug="first-years", title="First years in practice")


def test_a_mentee_asks_a_suggested_mentor_on_a_phone(live_server, run_in_browser, programme):
    mentee = mentee_in(programme, username="phone-mentee", wants_shared=["trained_abroad"])
    mentor = mentor_in(programme, shares=["trained_abroad"])
    mentor.first_name, mentor.last_name = "Imani", "Okafor"
    mentor.save()
    base = live_server.url
    seen = {}

    def scenario(page):
        from .conftest import serious_violations

        violations = watch_csp(page)
        page.set_viewport_size(PHONE)
        sign_in(page, base, mentee.email)
        for path in ("/mentoring/", "/mentoring/profile/", "/mentoring/offer/"):
            page.goto(base + path)
            seen[path] = page.evaluate("document.documentElement.scrollWidth")
        page.goto(f"{base}/mentoring/{programme.slug}/suggestions/")
        seen["reasons"] = page.locator(".mentoring-reasons").first.inner_text()
        seen["axe"] = serious_violations(page)
        page.get_by_label("A few words to Imani Okafor").fill("Could we meet monthly?")
        page.get_by_role("button", name="Ask to be mentored by Imani Okafor").click()
        page.wait_for_url(base + "/mentoring/requests/")
        seen["after"] = page.locator("body").inner_text()
        seen["violations"] = violations

    run_in_browser(scenario)
    assert seen["violations"] == []
    for path in ("/mentoring/", "/mentoring/profile/", "/mentoring/offer/"):
        assert seen[path] <= PHONE["width"], path
    assert "trained abroad" in seen["reasons"]
    assert seen["axe"] == []
    assert "Your request is on its way to Imani Okafor" in seen["after"]
    request = MatchRequest.objects.get()
    assert request.status == RequestStatus.PENDING and request.message == "Could we meet monthly?"
