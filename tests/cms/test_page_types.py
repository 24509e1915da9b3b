import datetime

from django.core.exceptions import ValidationError

from wagtail.models import Page

import pytest

from cms.models import GuideIndexPage, GuidePage, HomePage
from tests.factories import GuidePageFactory, MentorFactory, body_json

pytestmark = pytest.mark.django_db


def test_fresh_database_has_home_and_guide_library():
    home = HomePage.objects.get()
    guides = GuideIndexPage.objects.get()
    assert guides.get_parent().specific == home
    assert home.url == "/"
    assert guides.url == "/guides/"


def test_guides_only_live_in_the_guide_library():
    home = HomePage.objects.get()
    library = GuideIndexPage.objects.get()
    assert GuidePage.can_create_at(library)
    assert not GuidePage.can_create_at(home)
    assert GuidePage.allowed_subpage_models() == []
    assert GuideIndexPage.allowed_subpage_models() == [GuidePage]


def test_singletons_cannot_be_added_twice():
    home = HomePage.objects.get()
    root = Page.get_first_root_node()
    assert not GuideIndexPage.can_create_at(home)  # max_count = 1, it exists
    assert not HomePage.can_create_at(root)
    assert not HomePage.can_create_at(GuideIndexPage.objects.get())


def test_reading_minutes_computed_from_body_and_overridable():
    words = " ".join(["word"] * 450)
    guide = GuidePageFactory(body=body_json([words]), authors=[MentorFactory()])
    assert guide.reading_minutes_computed == 3  # 450 words at 200 a minute
    assert guide.reading_minutes == 3
    guide.reading_minutes_override = 7
    guide.save()
    assert GuidePage.objects.get(pk=guide.pk).reading_minutes == 7


def test_review_due_defaults_to_three_years_and_cannot_exceed_it():
    guide = GuidePageFactory(
        last_reviewed=datetime.date(2025, 3, 1), release_date=datetime.date(2025, 1, 1)
    )
    assert guide.review_due == datetime.date(2028, 3, 1)
    guide.review_due = datetime.date(2028, 3, 2)
    with pytest.raises(ValidationError) as excinfo:
        guide.full_clean()
    assert "within 3 years" in str(excinfo.value)
    guide.review_due = datetime.date(2027, 1, 1)
    guide.full_clean()


def test_review_due_on_leap_day():
    guide = GuidePageFactory(
        last_reviewed=datetime.date(2024, 2, 29), release_date=datetime.date(2024, 1, 1)
    )
    assert guide.review_due == datetime.date(2027, 2, 28)
