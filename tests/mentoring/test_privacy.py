"""Mentoring data in the privacy export and on account deletion."""

import json

import pytest

from learning.privacy.deletion import delete_account
from mentoring.models import MatchRequest, MenteeProfile, Participation, Relationship
from tests.factories import LearnerProfileFactory
from tests.factories.mentoring import MatchRequestFactory, RelationshipFactory

from .conftest import mentee_in, mentor_in

pytestmark = pytest.mark.django_db


def test_export_has_the_persons_mentoring_data_and_only_theirs(client, programme):
    mentee = mentee_in(programme, own_experiences=["trained_abroad"], goal_text="Find my feet")
    LearnerProfileFactory(user=mentee)
    mentor = mentor_in(programme)
    other = mentee_in(programme, own_experiences=["career_break"])
    MatchRequestFactory(programme=programme, mentee=mentee, mentor=mentor, message="Hello there")
    RelationshipFactory(programme=programme, mentee=other, mentor=mentor)

    client.force_login(mentee)
    data = json.loads(client.get("/me/privacy/export.json").content)["mentoring"]
    assert data["mentee_profile"]["own_experiences"] == ["trained_abroad"]
    assert data["mentee_profile"]["goal_text"] == "Find my feet"
    assert data["programmes"][0]["role"] == "mentee"
    assert data["requests"][0]["message"] == "Hello there"
    assert data["relationships"] == []  # the other mentee's relationship is not theirs
    assert "career_break" not in json.dumps(data)

    client.force_login(mentor)
    LearnerProfileFactory(user=mentor)
    data = json.loads(client.get("/me/privacy/export.json").content)["mentoring"]
    assert data["requests"][0]["as"] == "mentor"
    assert data["requests"][0]["reasons_shown"] == []
    assert len(data["relationships"]) == 1
    assert "career_break" not in json.dumps(data) and "trained_abroad" not in json.dumps(data)


def test_deleting_the_account_removes_mentoring_rows(programme):
    mentee = mentee_in(programme)
    LearnerProfileFactory(user=mentee)
    mentor = mentor_in(programme)
    MatchRequestFactory(programme=programme, mentee=mentee, mentor=mentor)
    delete_account(mentee, confirmation="correct-horse-battery")
    assert not MenteeProfile.objects.filter(user_id=mentee.pk).exists()
    assert not Participation.objects.filter(user_id=mentee.pk).exists()
    assert not MatchRequest.objects.filter(mentee_id=mentee.pk).exists()
    assert not Relationship.objects.filter(mentee_id=mentee.pk).exists()
