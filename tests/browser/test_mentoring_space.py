"""The mentoring space in Chromium on a phone: the mentee schedules a session
in her own time zone and writes a private note; every page fits the screen,
passes axe's serious checks and breaks no Content Security Policy rule; the
mentor sees the session at his own time and never the private note."""

import datetime
import re
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

import pytest

from mentoring.models import Session
from mentoring.space import services
from tests.mentoring.space_world import make_pair

from .conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
PRIVATE = "Private: I worry about the night rota"


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def cookie_for(live_server, user):
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def test_a_session_and_a_private_note_on_a_phone(live_server, run_in_browser):
    pair = make_pair()
    services.save_agreement(
        pair.relationship,
        pair.mentor,
        goals="Settle into nights as a new registrar.",
        cadence="fortnightly",
        contact="E-mail.",
        confidentiality="What we say stays between us.",
    )
    mentee_cookie = cookie_for(live_server, pair.mentee)
    mentor_cookie = cookie_for(live_server, pair.mentor)
    space = f"{live_server.url}/mentoring/space/{pair.relationship.pk}/"
    day = (timezone.now() + datetime.timedelta(days=14)).date()
    seen = {}

    def fits(page):
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
        assert serious_violations(page) == [], page.url

    def scenario(page):
        csp = []
        page.on(
            "console",
            lambda msg: "Content Security Policy" in msg.text and csp.append(msg.text),
        )
        page.set_viewport_size(PHONE)
        page.context.add_cookies([mentee_cookie])
        page.goto(space)
        expect(page.get_by_role("heading", name="Agreement")).to_be_visible()
        fits(page)
        page.get_by_role("button", name="I accept this agreement").click()
        expect(page.get_by_text("You accepted the agreement.")).to_be_visible()
        page.get_by_role("link", name="Schedule a session").click()
        fits(page)
        expect(page.get_by_text("In your time zone: Africa/Lagos.")).to_be_visible()
        page.get_by_label("Date").fill(day.isoformat())
        page.get_by_label("Start time").fill("18:30")
        page.get_by_label("Video-call link").fill("https://meet.example.org/ngozi")
        page.get_by_role("button", name="Schedule").click()
        expect(page.get_by_text("The session is scheduled.")).to_be_visible()
        expect(page.get_by_text("18:30–19:30 WAT your time")).to_be_visible()
        fits(page)
        page.get_by_label("Note").fill(PRIVATE)
        page.get_by_label("Private: only I can read it").check()
        page.get_by_role("button", name="Save note").click()
        expect(page.get_by_text(PRIVATE)).to_be_visible()
        fits(page)
        seen["mentee_csp"] = list(csp)

        page.context.clear_cookies()
        page.context.add_cookies([mentor_cookie])
        page.goto(space)
        fits(page)
        seen["mentor_space"] = page.content()
        page.get_by_role("link", name=day.strftime("%A") + " " + str(day.day), exact=False).click()
        # Read the session's page once it has loaded, not while the click's
        # navigation is under way (page.content() then returns an empty page).
        page.wait_for_url(re.compile(r"/sessions/[^/]+/$"))
        page.wait_for_load_state()
        seen["mentor_session"] = page.content()
        seen["mentor_csp"] = list(csp)

    run_in_browser(scenario)
    session = Session.objects.get()
    assert session.starts_at.astimezone(datetime.UTC).hour == 17  # 18:30 WAT is 17:30 UTC
    assert PRIVATE not in seen["mentor_space"] and PRIVATE not in seen["mentor_session"]
    chicago = session.starts_at.astimezone(ZoneInfo("America/Chicago"))
    assert f"{chicago:%H:%M}–" in seen["mentor_session"]
    assert f"{chicago.tzname()} your time (America/Chicago)" in seen["mentor_session"]
    assert seen["mentee_csp"] == [] and seen["mentor_csp"] == []
