"""A doctor asks a guide's author a question in a real browser: the identifier
check highlights what it found and keeps the text, the doctor edits it out,
the question is sent; every page on the way is accessible (axe-core)."""

from django.test import Client

import pytest

from tests.factories import GuidePageFactory, MentorFactory, UserFactory

from .conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_asking_the_author_with_an_identifier_highlighted_then_removed(live_server, run_in_browser):
    mentor = MentorFactory(name="Helen Test", credentials="MD", specialty="Cardiology")
    guide = GuidePageFactory(title="Chest pain at night", slug="chest-pain", authors=[mentor])
    guide_url = guide.url  # the browser's thread must not use the ORM
    client = Client()
    client.force_login(UserFactory(username="asking-doctor"))
    cookie = {
        "name": "sessionid",
        "value": client.cookies["sessionid"].value,
        "url": live_server.url,
    }

    def scenario(page):
        page.context.add_cookies([cookie])
        page.goto(live_server.url + guide_url)
        assert page.get_by_role("heading", name="Ask the author").is_visible()
        assert serious_violations(page) == []
        page.get_by_label("Title").fill("Repeat troponin?")
        page.get_by_label("Your question").fill(
            "Mr Patel, 58, MRN 4455667, normal first troponin. When do I repeat it?"
        )
        page.get_by_role("button", name="Check and send my question").click()
        page.wait_for_url("**/consults/guides/*/ask/")
        assert page.get_by_role("heading", name="Possible patient identifiers").is_visible()
        marks = page.locator("#identifier-findings li mark").all_inner_texts()
        assert marks == ["Mr Patel, 58", "MRN 4455667"]
        assert page.get_by_label("Title").input_value() == "Repeat troponin?"
        assert serious_violations(page) == []

        page.get_by_label("Your question").fill(
            "A man in his fifties has a normal first troponin. When do I repeat it?"
        )
        page.get_by_role("button", name="Check and send my question").click()
        page.wait_for_url("**/consults/questions/*/")
        assert page.get_by_text("Your question was sent to the guide's author.").is_visible()
        assert page.get_by_role("heading", name="Repeat troponin?").is_visible()
        assert serious_violations(page) == []
        # The refused submission answers 400, which the browser logs; nothing else.
        assert [e for e in page.console_errors if "status of 400" not in e] == []
        assert len(page.console_errors) == 1

    run_in_browser(scenario)
