import datetime

from django.utils import timezone

import pytest

from cms.models import Topic
from cms.rules import disclosure_problems
from tests.factories import GuidePageFactory, MentorFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def test_guide_shows_relationships_and_mitigation(client):
    mentor = MentorFactory(
        name="Priya Test", credentials="MD", relationships=[("Meridian Devices", "advisor")]
    )
    guide = GuidePageFactory(authors=[mentor])
    html = client.get(guide.url).content.decode()
    assert "Meridian Devices: Advisory board" in html
    assert "All relevant financial relationships have been mitigated." in html


def test_guide_shows_no_relevant_relationships(client):
    mentor = MentorFactory(name="Noah None", credentials="DO")
    guide = GuidePageFactory(authors=[mentor])
    html = client.get(guide.url).content.decode()
    assert "Noah None, DO has no relevant financial relationships" in html
    assert "mitigated" not in html


def test_twelve_month_rule_boundary():
    today = timezone.localdate()
    current = MentorFactory(disclosure_date=today - datetime.timedelta(days=365))
    stale = MentorFactory(disclosure_date=today - datetime.timedelta(days=366))
    never = MentorFactory(disclosure_date=None)
    assert disclosure_problems(Topic.CLINICAL, [current], on=today) == []
    [problem] = disclosure_problems(Topic.CLINICAL, [stale], on=today)
    assert "expired" in problem and stale.name in problem
    [problem] = disclosure_problems(Topic.CLINICAL, [never], on=today)
    assert "has not given a disclosure" in problem


@pytest.mark.parametrize("topic", [Topic.CAREER, Topic.PRACTICE])
def test_career_and_practice_guides_are_exempt(topic):
    stale = MentorFactory(disclosure_date=days_ago(800))
    assert disclosure_problems(topic, [stale]) == []
