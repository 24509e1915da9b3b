"""The mentoring pages, per situation, and what bad input gets back."""

from django.urls import reverse

import pytest

from mentoring.models import (
    MatchRequest,
    MenteeProfile,
    MentorOffer,
    Participation,
    ProgrammeStatus,
    Relationship,
    RequestStatus,
    Role,
)
from mentoring.services import asking
from tests.factories import MentorFactory, UserFactory
from tests.factories.mentoring import ProgrammeFactory

from .conftest import mentee_in, mentor_in

pytestmark = pytest.mark.django_db

PROFILE = {
    "career_stage": "early_career",
    "specialty": "Family medicine",
    "goals": ["career", "practice"],
    "goal_text": "Starting a rural practice after training abroad.",
    "languages": "Spanish, English",
    "time_zone": "America/Denver",
    "availability": "Tue 18:00-21:00\nSat 9-11",
    "department": "",
    "institution_name": "",
    "wants_shared": ["trained_abroad", "rural_practice"],
    "own_experiences": ["trained_abroad"],
}


def test_the_public_list_shows_open_programmes_only(client):
    ProgrammeFactory(title="Open doors", status=ProgrammeStatus.OPEN)
    ProgrammeFactory(title="Still a draft", status=ProgrammeStatus.DRAFT)
    page = client.get("/mentoring/").content.decode()
    assert "Open doors" in page and "Still a draft" not in page


def test_a_draft_programme_page_is_not_found(client):
    draft = ProgrammeFactory(status=ProgrammeStatus.DRAFT)
    assert client.get(f"/mentoring/{draft.slug}/").status_code == 404


def test_joining_as_a_mentee_goes_through_the_profile_and_back(client, programme):
    user = UserFactory()
    client.force_login(user)
    answer = client.post(f"/mentoring/{programme.slug}/join/mentee/")
    assert answer.status_code == 302
    assert answer["Location"] == f"/mentoring/profile/?join={programme.slug}"
    answer = client.post(answer["Location"], PROFILE)
    assert answer.status_code == 302
    assert answer["Location"] == f"/mentoring/{programme.slug}/suggestions/"
    profile = MenteeProfile.objects.get(user=user)
    assert profile.languages == ["Spanish", "English"]
    assert profile.availability == [
        {"weekday": 1, "start": "18:00", "end": "21:00"},
        {"weekday": 5, "start": "09:00", "end": "11:00"},
    ]
    assert Participation.objects.get(user=user).role == Role.MENTEE


def test_bad_profile_input_gets_clear_messages_and_keeps_what_was_typed(client):
    client.force_login(UserFactory())
    answer = client.post(
        "/mentoring/profile/",
        {
            **PROFILE,
            "availability": "Tuesdays after clinic",
            "languages": " , ",
            "time_zone": "Mars/Olympus",
        },
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "“Tuesdays after clinic” is not a window we can read" in page
    assert "Give at least one language you can meet in." in page
    assert "Starting a rural practice after training abroad." in page
    assert "Family medicine" in page
    assert not MenteeProfile.objects.exists()


def test_the_mentor_offer_form_saves_and_refuses_a_capacity_out_of_range(client):
    user = UserFactory()
    client.force_login(user)
    data = {
        "topics": ["clinical"],
        "specialties": "Emergency medicine, Rural medicine",
        "languages": "English",
        "time_zone": "Europe/Dublin",
        "availability": "Wed 19:00-21:00",
        "capacity": "11",
        "shares": ["rural_practice"],
    }
    answer = client.post("/mentoring/offer/", data)
    assert answer.status_code == 400
    assert "less than or equal to 10" in answer.content.decode()
    answer = client.post("/mentoring/offer/", {**data, "capacity": "3"})
    assert answer.status_code == 302
    offer = MentorOffer.objects.get(user=user)
    assert offer.specialties == ["Emergency medicine", "Rural medicine"] and offer.capacity == 3


def test_suggestions_show_reasons_and_asking_sends_a_request(client, programme):
    mentee = mentee_in(programme, wants_shared=["trained_abroad"])
    mentor = mentor_in(programme, shares=["trained_abroad"])
    mentor.first_name, mentor.last_name = "Imani", "Okafor"
    mentor.save()
    MentorFactory(user=mentor, name="Imani Okafor", slug="imani-okafor")
    client.force_login(mentee)
    page = client.get(f"/mentoring/{programme.slug}/suggestions/").content.decode()
    assert "Imani Okafor" in page and "trained abroad" in page
    assert "/mentors/imani-okafor/" in page
    answer = client.post(
        f"/mentoring/{programme.slug}/ask/{mentor.pk}/", {"message": "Could we talk?"}
    )
    assert answer["Location"] == "/mentoring/requests/"
    request = MatchRequest.objects.get()
    assert request.mentor == mentor and request.message == "Could we talk?"


def test_a_too_long_message_comes_back_with_the_text(client, programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    client.force_login(mentee)
    long = "Please " * 400
    answer = client.post(f"/mentoring/{programme.slug}/ask/{mentor.pk}/", {"message": long})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "at most 2000 characters" in page and long.strip() in page
    assert not MatchRequest.objects.exists()


def test_a_refused_request_is_explained_on_the_suggestions_page(client, programme):
    mentee = mentee_in(programme)
    first, second = mentor_in(programme), mentor_in(programme)
    asking.send_request(mentee, programme, first.pk)
    client.force_login(mentee)
    answer = client.post(f"/mentoring/{programme.slug}/ask/{second.pk}/", follow=True)
    assert "is still waiting" in answer.content.decode()
    assert MatchRequest.objects.count() == 1


def test_the_mentor_accepts_from_the_requests_page(client, programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    mentee.first_name, mentee.last_name = "Tomás", "Reyes"
    mentee.save()
    request = asking.send_request(mentee, programme, mentor.pk, "Hello")
    client.force_login(mentor)
    page = client.get("/mentoring/requests/").content.decode()
    assert "Tomás Reyes" in page and "Hello" in page
    # The mentee's reasons name private experiences: never shown to the mentor.
    assert "overlap" not in page
    answer = client.post(f"/mentoring/requests/{request.pk}/accept/")
    assert answer["Location"] == "/mentoring/requests/"
    assert Relationship.objects.get().mentee == mentee


def test_another_mentor_cannot_answer_or_see_the_request(client, programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    mentee.first_name, mentee.last_name = "Tomás", "Reyes"
    mentee.save()
    request = asking.send_request(mentee, programme, mentor.pk)
    client.force_login(mentor_in(programme))
    assert "Tomás Reyes" not in client.get("/mentoring/requests/").content.decode()
    for action in ("accept", "decline", "withdraw"):
        assert client.post(f"/mentoring/requests/{request.pk}/{action}/").status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_decline_and_withdraw_are_posts_that_redirect(client, programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    request = asking.send_request(mentee, programme, mentor.pk)
    client.force_login(mentee)
    assert client.get(f"/mentoring/requests/{request.pk}/withdraw/").status_code == 405
    assert client.post(f"/mentoring/requests/{request.pk}/withdraw/").status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_a_mentors_public_page_never_shows_what_they_share_privately(client, programme):
    mentor = mentor_in(programme, shares=["under_represented", "career_break"])
    MentorFactory(user=mentor, name="Imani Okafor", slug="imani-okafor")
    page = client.get(reverse("mentor_profile", args=["imani-okafor"])).content.decode()
    assert "Imani Okafor" in page
    for words in ("under-represented", "career break", "Under-represented"):
        assert words not in page


def test_personal_pages_send_visitors_to_log_in(client, programme):
    for url in ("/mentoring/profile/", "/mentoring/offer/", "/mentoring/requests/"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_a_too_long_decline_note_comes_back_with_the_text(client, programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    request = asking.send_request(mentee, programme, mentor.pk)
    client.force_login(mentor)
    note = "Sorry, " * 200
    answer = client.post(f"/mentoring/requests/{request.pk}/decline/", {"note": note})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "at most 1000 characters" in page and note.strip() in page
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_a_profile_post_cannot_write_someone_elses_profile(client):
    me, other = UserFactory(), UserFactory()
    client.force_login(me)
    answer = client.post("/mentoring/profile/", {**PROFILE, "user": other.pk, "id": 999})
    assert answer.status_code == 302
    assert MenteeProfile.objects.get().user == me
