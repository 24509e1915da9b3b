"""A learning path's lead image: refused in the editor without meaningful alt
text, shown at the top of the path page (at once, high priority) and on its
card in the catalogue (lazily)."""

from django.db import IntegrityError, transaction

import pytest

from learning.models import LearningPathPage
from tests.cms.pictures import assert_picture, pictures
from tests.factories import LearningPathPageFactory, PictureFactory

from .test_path_editing import add_url, path_form_data

pytestmark = pytest.mark.django_db

ALT = "Illustration of a heart-rhythm trace running across a teal background"


@pytest.mark.parametrize("action", [{}, {"action-publish": "1"}])
def test_a_path_lead_image_without_alt_text_is_refused(client, superuser, action):
    image = PictureFactory(file__filename="DSC01234.jpg")
    client.force_login(superuser)
    data = path_form_data(
        "Sepsis in the first hour",
        "sepsis-first-hour",
        lead_image=image.pk,
        lead_image_alt="",
        **action,
    )
    response = client.post(add_url(), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["lead_image_alt"]
    assert errors[0].startswith("Add alt text.")
    assert 'value="Sepsis in the first hour"' in response.content.decode()
    assert not LearningPathPage.objects.filter(slug="sepsis-first-hour").exists()


def test_a_path_lead_image_with_alt_text_saves(client, superuser):
    image = PictureFactory()
    client.force_login(superuser)
    data = path_form_data(
        "Sepsis in the first hour", "sepsis-first-hour", lead_image=image.pk, lead_image_alt=ALT
    )
    assert client.post(add_url(), data).status_code == 302
    path = LearningPathPage.objects.get(slug="sepsis-first-hour")
    assert (path.lead_image, path.lead_image_alt) == (image, ALT)


def test_the_database_refuses_a_path_lead_image_without_alt_text():
    path = LearningPathPageFactory(steps=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        LearningPathPage.objects.filter(pk=path.pk).update(
            lead_image=PictureFactory(), lead_image_alt=""
        )


def test_the_path_page_and_its_card(client):
    path = LearningPathPageFactory(
        slug="sepsis", steps=1, lead_image=PictureFactory(), lead_image_alt=ALT
    )
    (lead,) = pictures(client.get(path.url).content.decode())
    assert_picture(
        lead,
        "lead",
        alt=ALT,
        loading="eager",
        fetchpriority="high",
        ratio=(16, 9),
        # A 1200-pixel image: its widest rendition is the image itself.
        expected_widths=[480, 800, 1200],
    )
    (card,) = pictures(client.get("/paths/").content.decode())
    assert_picture(card, "card", alt="", loading="lazy", ratio=(16, 9))
