"""A path's CME report in Chromium, at desktop and phone size: its charts
show, the Content Security Policy blocks nothing, "Show the numbers" opens a
table, nothing overflows the screen sideways, and axe-core finds no serious
or critical violation. REPORT_SCREENSHOTS=<folder> keeps screenshots."""

import os

from django.conf import settings
from django.test import Client

import pytest

from learning.journey import progress, services
from tests.factories import (
    InstitutionFactory,
    InstitutionStaffFactory,
    LearnerFactory,
    LearningPathPageFactory,
)
from tests.factories.users import complete_path, correct_answers

from .conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


@pytest.fixture
def report_world(django_capture_on_commit_callbacks):
    institution = InstitutionFactory(name="Alderbank CME Office")
    path = LearningPathPageFactory(title="Recognising sepsis", institution=institution, steps=3)
    staff = InstitutionStaffFactory(username="staff-alderbank")
    institution.staff.add(staff)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            complete_path(LearnerFactory(username=f"done-{n}"), path)
        for n in range(2):
            user = LearnerFactory(username=f"tested-{n}")
            services.enrol(user, path)
            for step in progress.path_steps(path):
                services.complete_step(user, path, step.guide_id)
            services.submit_attempt(user, path, correct_answers(path))
        services.enrol(LearnerFactory(username="started"), path)
    client = Client()
    client.force_login(staff)
    return {"path": path, "session": client.cookies[settings.SESSION_COOKIE_NAME].value}


def test_report_charts_at_desktop_and_phone_size(live_server, run_in_browser, report_world):
    base = live_server.url
    url = f"{base}/admin/cme-reports/{report_world['path'].pk}/"
    keep = os.environ.get("REPORT_SCREENSHOTS")
    seen = {}

    def scenario(page):
        violations = []
        page.on(
            "console",
            lambda msg: "Content Security Policy" in msg.text and violations.append(msg.text),
        )
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": report_world["session"],
                    "url": base,
                }
            ]
        )
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(url)
            page.wait_for_load_state("networkidle")
            funnel = page.get_by_role("img", name="Completion funnel")
            box = funnel.bounding_box()
            seen[f"{size}_funnel_width"] = box["width"] if box else 0
            seen[f"{size}_scroll"] = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            seen[f"{size}_axe"] = serious_violations(page)
            if keep:
                page.screenshot(path=os.path.join(keep, f"report-{size}.png"))
                sections = page.locator(".report-section")
                for n in range(sections.count()):
                    sections.nth(n).screenshot(path=os.path.join(keep, f"{size}-{n}.png"))
        page.get_by_text("Show the numbers").nth(1).click()
        seen["numbers"] = page.get_by_role("row", name="Credit claimed 3").is_visible()
        if keep:
            page.screenshot(path=os.path.join(keep, "report-phone-numbers.png"), full_page=False)
        seen["violations"] = violations

    run_in_browser(scenario)

    assert seen["violations"] == []
    for size, (width, _) in SIZES.items():
        assert seen[f"{size}_axe"] == [], size
        assert seen[f"{size}_scroll"] <= 0, f"{size}: the page scrolls sideways"
        assert 0 < seen[f"{size}_funnel_width"] <= width
    assert seen["numbers"]
