"""A learner's browser meets the disclosure block before the content: above the
first line of a guide's body, and above a path's objectives and steps. Checked
in Chromium by position in the page (DOM order and layout boxes), on a desktop
and a phone width, with axe-core finding no serious WCAG violation."""

import pytest

from learning.models import PathCommercialSupport, SupportKind
from tests.factories import GuidePageFactory, LearningPathPageFactory, MentorFactory, body_json

from .conftest import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRST_LINE = "Sepsis kills when it is recognised late."

# True when `a` comes before `b` in the document (Node.DOCUMENT_POSITION_FOLLOWING).
BEFORE = """([a, b]) => {
    const first = document.querySelector(a), second = document.querySelector(b);
    return !!(first.compareDocumentPosition(second) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""


@pytest.fixture
def content():
    author = MentorFactory(
        name="Helen Test", credentials="MD", relationships=[("Acme Pharma", "consultant")]
    )
    guides = [
        GuidePageFactory(
            title=f"Sepsis part {i}",
            slug=f"sepsis-part-{i}",
            authors=[author],
            body=body_json([FIRST_LINE, "Measure lactate early."]),
        )
        for i in (1, 2)
    ]
    path = LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=guides)
    PathCommercialSupport.objects.create(
        page=path, company="Beta Devices", kind=SupportKind.IN_KIND
    )
    return {"guide": guides[0].url, "path": path.url}


def disclosure_is_above(page, target):
    """DOM order and layout: the block's bottom edge is above ``target``'s top."""
    assert page.evaluate(BEFORE, ["#disclosure", target]), f"#disclosure after {target} in DOM"
    block = page.locator("#disclosure").bounding_box()
    other = page.locator(target).first.bounding_box()
    assert block["y"] + block["height"] <= other["y"], (block, other, target)


@pytest.mark.parametrize("width", [1280, 375])
def test_disclosure_comes_before_the_content(live_server, run_in_browser, content, width):
    def scenario(page):
        page.set_viewport_size({"width": width, "height": 900})

        page.goto(live_server.url + content["guide"])
        first_line = ".guide-body p"  # the first paragraph of the body
        assert page.locator(first_line).first.inner_text() == FIRST_LINE
        assert page.locator("#disclosure").get_by_text("Acme Pharma: Consultant").is_visible()
        disclosure_is_above(page, first_line)
        disclosure_is_above(page, "#objectives-heading")
        assert serious_violations(page) == []

        page.goto(live_server.url + content["path"])
        assert page.locator("#disclosure").get_by_text("Beta Devices").is_visible()
        disclosure_is_above(page, "#objectives-heading")
        disclosure_is_above(page, "#steps-heading")
        disclosure_is_above(page, ".step-list")
        # Readable on a phone: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_violations(page) == []
        assert page.console_errors == []

    run_in_browser(scenario)
