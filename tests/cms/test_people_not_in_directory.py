"""Planners and CME reviewers who do not mentor are people in control of
content (they disclose and are named on the activities they control) but get
no public profile and are not listed in the mentor directory."""

import pytest

from tests.factories import MentorFactory

pytestmark = pytest.mark.django_db


def test_person_not_in_directory_has_no_profile_and_is_not_listed(client):
    mentor = MentorFactory(name="Listed Mentor", slug="listed-mentor")
    planner = MentorFactory(name="Quiet Planner", slug="quiet-planner", in_directory=False)
    assert client.get(mentor.get_absolute_url()).status_code == 200
    assert client.get(planner.get_absolute_url()).status_code == 404
    directory = client.get("/mentors/").content.decode()
    assert "Listed Mentor" in directory
    assert "Quiet Planner" not in directory
