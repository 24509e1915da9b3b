"""Meaningful alt text is required in the editor: a guide's lead image, an
image in a guide's body and a mentor's photo are refused without it (or with
a file name, or a word like "image"), with the message on the field and the
rest of the form as the editor typed it; with alt text they save."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest

from cms.alt_text import alt_text_problem
from cms.models import GuideIndexPage, GuidePage, Mentor
from tests.factories import GuidePageFactory, PictureFactory

from .admin_forms import guide_form_data

pytestmark = pytest.mark.django_db

GOOD_ALT = "Resident and attending physician reviewing a chest X-ray together"


def add_url():
    return reverse(
        "wagtailadmin_pages:add", args=("cms", "guidepage", GuideIndexPage.objects.get().pk)
    )


def new_guide(mentor, **extra):
    return guide_form_data(
        "Night float survival", "night-float-survival", "career", [mentor.pk], **extra
    )


# --- The rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "image",
        "Photo",
        "picture of",
        "Lead image",
        "IMG_2041",
        "DSC01234.JPG",
        "PXL_20250101_101010",
        "Screenshot 2025-03-01 at 10.15.22",
        "chest-xray.png",
        "ECG",
        "x" * 251,
    ],
)
def test_alt_text_that_says_nothing_is_refused(text):
    assert alt_text_problem(text) is not None


def test_the_file_name_without_its_extension_is_refused():
    image = PictureFactory.build(file__filename="night_float-roster.jpg")
    assert "file name" in alt_text_problem("Night float roster", image)
    assert alt_text_problem("Night float roster pinned to a noticeboard", image) is None


@pytest.mark.parametrize(
    "text", [GOOD_ALT, "Abstract illustration of a winding road", "Portrait of Dr Ana Alvarez"]
)
def test_alt_text_that_describes_the_image_is_accepted(text):
    assert alt_text_problem(text) is None


# --- A guide's lead image ------------------------------------------------------------


@pytest.mark.parametrize("action", [{}, {"action-submit": "1"}])
@pytest.mark.parametrize(
    ("alt", "message"),
    [
        ("", "Add alt text."),
        ("IMG_2041", "is a file name"),
        ("Photo", "does not say what the image shows"),
    ],
)
def test_a_lead_image_without_meaningful_alt_text_is_refused(
    client, mentor_a, action, alt, message
):
    image = PictureFactory(file__filename="IMG_2041.jpg")
    client.force_login(mentor_a.user)
    response = client.post(
        add_url(), new_guide(mentor_a, lead_image=image.pk, lead_image_alt=alt, **action)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors["lead_image_alt"])
    html = response.content.decode()
    assert escape(form.errors["lead_image_alt"][0]) in html
    # Nothing the editor typed is lost.
    assert 'value="Night float survival"' in html
    assert not GuidePage.objects.filter(slug="night-float-survival").exists()


def test_a_lead_image_with_alt_text_saves(client, mentor_a):
    image = PictureFactory()
    client.force_login(mentor_a.user)
    response = client.post(
        add_url(), new_guide(mentor_a, lead_image=image.pk, lead_image_alt=GOOD_ALT)
    )
    assert response.status_code == 302
    guide = GuidePage.objects.get(slug="night-float-survival")
    assert (guide.lead_image, guide.lead_image_alt) == (image, GOOD_ALT)


def test_an_empty_alt_text_takes_the_images_own_description(client, mentor_a):
    """Wagtail's image description is the image's default alt text."""
    image = PictureFactory(description="Two clinicians talking at a nurses' station")
    client.force_login(mentor_a.user)
    response = client.post(add_url(), new_guide(mentor_a, lead_image=image.pk, lead_image_alt=""))
    assert response.status_code == 302
    guide = GuidePage.objects.get(slug="night-float-survival")
    assert guide.lead_image_alt == "Two clinicians talking at a nurses' station"


def test_a_guide_without_a_lead_image_needs_no_alt_text(client, mentor_a):
    client.force_login(mentor_a.user)
    assert client.post(add_url(), new_guide(mentor_a)).status_code == 302


def test_the_database_refuses_a_lead_image_without_alt_text(guide_by_a):
    image = PictureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        GuidePage.objects.filter(pk=guide_by_a.pk).update(lead_image=image, lead_image_alt="")


# --- An image in a guide's body -----------------------------------------------------


def body_with_image(image, alt_text="", decorative=False):
    return streamfield(
        [
            ("paragraph", rich_text("<p>Look at the patient, then at the monitor.</p>")),
            (
                "image",
                {
                    "image": image.pk,
                    "decorative": "on" if decorative else "",
                    "alt_text": alt_text,
                    "caption": "The handover board at 7 a.m.",
                    "credit": "",
                },
            ),
        ]
    )


def test_an_image_block_without_alt_text_is_refused(client, mentor_a):
    image = PictureFactory()
    client.force_login(mentor_a.user)
    data = new_guide(mentor_a)
    data.update(nested_form_data({"body": body_with_image(image)}))
    response = client.post(add_url(), data)
    assert response.status_code == 200
    assert "Add alt text." in response.content.decode()
    # The block's own error, as the editor shows it under the alt text field.
    error = response.context["form"].errors.as_data()["body"][0].as_json_data()
    (message,) = error["blockErrors"][1]["blockErrors"]["alt_text"]["messages"]
    assert message.startswith("Add alt text.")
    assert message.endswith("tick “Image is decorative” instead.")
    assert not GuidePage.objects.filter(slug="night-float-survival").exists()


@pytest.mark.parametrize(
    ("alt_text", "decorative", "shown_alt"),
    [(GOOD_ALT, False, GOOD_ALT), ("", True, "")],
)
def test_an_image_block_with_alt_text_or_marked_decorative_saves(
    client, mentor_a, alt_text, decorative, shown_alt
):
    image = PictureFactory()
    client.force_login(mentor_a.user)
    data = new_guide(mentor_a)
    data.update(nested_form_data({"body": body_with_image(image, alt_text, decorative)}))
    assert client.post(add_url(), data).status_code == 302
    guide = GuidePage.objects.get(slug="night-float-survival")
    block = guide.body[1].value
    assert (block["alt_text"], block["decorative"]) == (alt_text, decorative)
    # The preview (the draft as it will look) reads the alt text, or skips the image.
    preview = client.get(reverse("wagtailadmin_pages:view_draft", args=(guide.pk,)))
    assert f'alt="{escape(shown_alt)}"' in preview.content.decode()


def test_an_image_block_saved_before_the_decorative_tick_still_renders():
    """Bodies written before the tick existed: the stored block has no
    ``decorative`` key and keeps its alt text."""
    image = PictureFactory()
    guide = GuidePageFactory(
        body=f'[{{"type": "image", "value": {{"image": {image.pk}, "alt_text": "{GOOD_ALT}", '
        '"caption": "", "credit": ""}}]'
    )
    block = GuidePage.objects.get(pk=guide.pk).body[0].value
    assert (block["alt_text"], block["decorative"]) == (GOOD_ALT, False)


# --- A mentor's photo -----------------------------------------------------------------


def profile_form(mentor, **changes):
    data = {
        "name": mentor.name,
        "credentials": mentor.credentials,
        "slug": mentor.slug,
        "specialty": mentor.specialty,
        "institution_name": mentor.institution_name,
        "practice_setting": mentor.practice_setting,
        "bio": rich_text(mentor.bio),
        "interests": mentor.interests,
        "photo": "",
        "photo_alt": "",
    }
    data.update(changes)
    return data


def test_a_mentor_photo_without_alt_text_is_refused(client, mentor_a):
    image = PictureFactory()
    client.force_login(mentor_a.user)
    url = reverse("wagtailsnippets_cms_mentor:edit", args=(mentor_a.pk,))
    response = client.post(url, profile_form(mentor_a, photo=image.pk, specialty="Hospital care"))
    assert response.status_code == 200
    assert "Add alt text." in " ".join(response.context["form"].errors["photo_alt"])
    assert 'value="Hospital care"' in response.content.decode()
    mentor_a.refresh_from_db()
    assert mentor_a.photo is None and mentor_a.specialty != "Hospital care"


def test_a_mentor_photo_with_alt_text_saves(client, mentor_a):
    image = PictureFactory()
    client.force_login(mentor_a.user)
    url = reverse("wagtailsnippets_cms_mentor:edit", args=(mentor_a.pk,))
    alt = "Ana Alvarez smiling in a hospital corridor"
    response = client.post(url, profile_form(mentor_a, photo=image.pk, photo_alt=alt))
    assert response.status_code == 302
    mentor_a.refresh_from_db()
    assert (mentor_a.photo, mentor_a.photo_alt) == (image, alt)


def test_the_database_refuses_a_photo_without_alt_text(mentor_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentor.objects.filter(pk=mentor_a.pk).update(photo=PictureFactory(), photo_alt="")


def test_approve_in_the_editor_publishes_an_unchanged_guide_with_a_lead_image(
    client, mentor_a, reviewer
):
    """The lead image and its alt text, posted back unchanged, are no change:
    the reviewer's Approve publishes the submitted revision."""
    from .test_editor import approve_in_editor

    image = PictureFactory()
    client.force_login(mentor_a.user)
    data = new_guide(
        mentor_a, lead_image=image.pk, lead_image_alt=GOOD_ALT, **{"action-submit": "Submit"}
    )
    assert client.post(add_url(), data).status_code == 302
    client.logout()
    guide = GuidePage.objects.get(slug="night-float-survival")
    revisions = guide.revisions.count()
    approve_in_editor(client, reviewer, guide, lead_image=str(image.pk), lead_image_alt=GOOD_ALT)
    guide.refresh_from_db()
    assert guide.live and guide.revisions.count() == revisions
    assert (guide.lead_image, guide.lead_image_alt) == (image, GOOD_ALT)
