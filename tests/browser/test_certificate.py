"""From the credit claim to the verification page opened from the link printed
on the downloaded certificate PDF, in Chromium."""

import io
import re

import pypdf
import pytest

from learning.journey import progress, services
from learning.models import Certificate
from tests.factories import LearnerProfileFactory, LearningPathPageFactory, UserFactory
from tests.learning.conftest import correct_answers, evaluation_answers

from .conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def ready_to_claim(settings, live_server):
    settings.PUBLIC_BASE_URL = live_server.url  # what the PDF and QR code point at
    user = UserFactory(username="claimant")
    LearnerProfileFactory(user=user, full_name="Rosa Claimant", credentials="DO")
    path = LearningPathPageFactory(title="Sepsis in the rural ED", slug="rural-sepsis")
    services.enrol(user, path)
    for step in progress.path_steps(path):
        services.complete_step(user, path, step.guide_id)
    services.submit_attempt(user, path, correct_answers(path))
    services.submit_evaluation(user, path, evaluation_answers(path))
    return path


def test_claim_download_and_verify(live_server, run_in_browser, ready_to_claim):
    seen = {}

    def scenario(page):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("E-mail", exact=True).fill("claimant")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(live_server.url + "/paths/rural-sepsis/claim/")
        page.get_by_label(re.compile(r"^Credits claimed")).fill("1.5")
        page.get_by_label(re.compile(r"^I claim only the credit")).check()
        page.get_by_role("button", name="Claim credit and complete the path").click()
        page.get_by_text("You completed this path").wait_for()

        page.goto(live_server.url + "/me/")
        with page.expect_download() as download_info:
            page.get_by_role("link", name=re.compile("Download PDF")).click()
        pdf = download_info.value.path().read_bytes()
        text = " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
        url = re.search(
            re.escape(live_server.url) + r"/certificates/verify/[0-9A-Z]+/", text
        ).group(0)
        seen["text"] = text

        page.goto(url)
        page.get_by_text("Valid", exact=True).wait_for()
        assert page.get_by_text("Rosa Claimant, DO").is_visible()
        assert page.get_by_text("Sepsis in the rural ED").is_visible()
        assert serious_violations(page) == []
        seen["url"] = url

    run_in_browser(scenario)
    certificate = Certificate.objects.get(user__username="claimant")
    assert seen["url"].endswith(f"/certificates/verify/{certificate.verification_code}/")
    assert "1.5 AMA PRA Category 1 Credits" in seen["text"]
