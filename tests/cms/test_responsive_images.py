"""Images on the public site: each a <picture> with WebP renditions and a JPEG
fallback in several widths (srcset, sizes), width and height (no layout
shift), lazy below the fold, and the page's lead image loaded at once with
high priority. The renditions really are WebP and JPEG, at the widths the
srcset says."""

import json

import pytest

from tests.factories import GuidePageFactory, MentorFactory, PictureFactory

from .pictures import assert_picture, fetch_image, images_outside_pictures, pictures

pytestmark = pytest.mark.django_db

LEAD_ALT = "Resident and attending physician reviewing a chest X-ray together"
BODY_ALT = "Handover board listing six patients by bed number"
PHOTO_ALT = "Ana Alvarez smiling in a hospital corridor"


@pytest.fixture
def mentor():
    return MentorFactory(
        name="Ana Alvarez",
        slug="ana-alvarez",
        photo=PictureFactory(file__width=600, file__height=600, file__filename="ana.jpg"),
        photo_alt=PHOTO_ALT,
    )


@pytest.fixture
def guide(mentor):
    figure = PictureFactory(file__width=1000, file__height=500, file__filename="board.png")
    body = [
        {"type": "paragraph", "value": "<p>Start with the sickest patient.</p>"},
        {
            "type": "image",
            "value": {"image": figure.pk, "alt_text": BODY_ALT, "caption": "", "credit": ""},
        },
    ]
    return GuidePageFactory(
        title="Handover that holds",
        slug="handover-that-holds",
        authors=[mentor],
        lead_image=PictureFactory(file__width=1920, file__height=1080),
        lead_image_alt=LEAD_ALT,
        body=json.dumps(body),
    )


def test_a_guide_page_lead_image_byline_and_body_image(client, guide):
    html = client.get(guide.url).content.decode()
    lead, byline, body = pictures(html)
    assert_picture(lead, "lead", alt=LEAD_ALT, loading="eager", fetchpriority="high", ratio=(16, 9))
    # Beside the mentor's name the photo is decorative.
    img = assert_picture(byline, "avatar-md", alt="", loading="lazy", ratio=(1, 1))
    assert img["class"] == "avatar avatar--md"
    # The body image keeps its own proportions (1000 x 500), and is never
    # scaled up: its widest rendition is the image itself.
    assert_picture(
        body, "body", alt=BODY_ALT, loading="lazy", ratio=(2, 1), expected_widths=[480, 800, 1000]
    )
    assert [i for i in images_outside_pictures(html) if "/media/" in i.get("src", "")] == []


def test_a_decorative_body_image_has_empty_alt_text(client, mentor):
    figure = PictureFactory()
    body = [
        {
            "type": "image",
            "value": {"image": figure.pk, "decorative": True, "alt_text": "", "caption": ""},
        }
    ]
    guide = GuidePageFactory(authors=[mentor], body=json.dumps(body))
    (_, picture) = pictures(client.get(guide.url).content.decode())
    assert picture.img["alt"] == ""


def test_guide_cards_show_the_lead_image_lazily(client, guide):
    for url in ["/guides/", "/", "/mentors/ana-alvarez/"]:
        cards = [
            p
            for p in pictures(client.get(url).content.decode())
            if "avatar" not in p.img.get("class", "")
        ]
        assert len(cards) == 1, url
        # The card's title says what the guide is about: the image is decorative there.
        assert_picture(cards[0], "card", alt="", loading="lazy", ratio=(16, 9))


def test_the_mentor_directory_and_profile(client, mentor):
    (card,) = pictures(client.get("/mentors/").content.decode())
    assert_picture(card, "avatar-md", alt="", loading="lazy", ratio=(1, 1))
    (photo,) = pictures(client.get("/mentors/ana-alvarez/").content.decode())
    # At the top of the profile: read by screen readers, loaded at once.
    img = assert_picture(photo, "avatar-lg", alt=PHOTO_ALT, loading="eager", ratio=(1, 1))
    assert img["class"] == "avatar avatar--lg"


def test_without_images_the_initials_stay(client):
    MentorFactory(name="Ben Brooks", slug="ben-brooks")
    html = client.get("/mentors/").content.decode()
    assert pictures(html) == []
    assert '<span class="avatar avatar--md" aria-hidden="true">BB</span>' in html


def test_renditions_are_webp_and_jpeg_at_the_widths_the_srcset_says(client, guide):
    lead = pictures(client.get(guide.url).content.decode())[0]
    for url, width in lead.candidates(lead.source("image/webp")["srcset"]):
        content_type, image = fetch_image(client, url)
        assert (content_type, image.format) == ("image/webp", "WEBP")
        assert image.size == (width, round(width * 9 / 16))
    for url, width in lead.candidates(lead.img["srcset"]):
        content_type, image = fetch_image(client, url)
        assert (content_type, image.format) == ("image/jpeg", "JPEG")
        assert image.width == width
