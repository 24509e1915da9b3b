"""In Chromium, the images of a guide page (lead image, author photo, a body
figure) and of the mentor directory load: each ``<picture>`` shows its WebP
rendition (Chromium takes the first format it supports), lazy images load
when scrolled to, and the page's CSP lets all of them through."""

import json

import pytest

from tests.factories import GuidePageFactory, MentorFactory, PictureFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LOADED = """() => [...document.querySelectorAll('picture img')].map(img => ({
    alt: img.alt, loading: img.loading, complete: img.complete,
    naturalWidth: img.naturalWidth, currentSrc: img.currentSrc,
}))"""


@pytest.fixture
def guide():
    mentor = MentorFactory(
        name="Ana Alvarez",
        slug="ana-alvarez",
        photo=PictureFactory(file__width=400, file__height=400),
        photo_alt="Ana Alvarez smiling in a hospital corridor",
    )
    paragraphs = [
        {"type": "paragraph", "value": f"<p>Paragraph {i} about safe handover.</p>"}
        for i in range(30)
    ]
    figure = {
        "type": "image",
        "value": {
            "image": PictureFactory(file__width=900, file__height=600).pk,
            "alt_text": "Handover board listing six patients by bed number",
            "caption": "",
            "credit": "",
        },
    }
    return GuidePageFactory(
        slug="handover-that-holds",
        authors=[mentor],
        lead_image=PictureFactory(),
        lead_image_alt="Resident and attending physician reviewing a chest X-ray together",
        body=json.dumps([*paragraphs, figure]),
    )


def load_every_picture(page):
    """Scroll each image into view (lazy ones load then) and wait for all."""
    for img in page.locator("picture img").all():
        img.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('picture img')].every(i => i.complete)",
        timeout=30_000,
    )
    return page.evaluate(LOADED)


def test_images_load_on_a_guide_and_the_mentor_directory(live_server, run_in_browser, guide):
    guide_url = live_server.url + guide.url  # the scenario may not use the ORM

    def scenario(page):
        page.goto(guide_url)
        images = load_every_picture(page)
        assert [i["loading"] for i in images] == ["eager", "lazy", "lazy"]
        for image in images:
            assert image["naturalWidth"] > 0, image
            assert image["currentSrc"].endswith(".webp"), image

        page.goto(live_server.url + "/mentors/")
        (photo,) = load_every_picture(page)
        assert photo["naturalWidth"] > 0 and photo["currentSrc"].endswith(".webp")
        assert page.console_errors == []

    run_in_browser(scenario)
