"""The space's pages: who may open them, the private-note rule on every page
and in the privacy export, bad input on every form (a clear message, nothing
lost), and account deletion."""

import datetime
import json

from django.utils import timezone

import pytest

from mentoring.models import Agreement, Goal, RelationshipStatus, Session, SessionNote
from mentoring.space import scheduling, services
from notifications.models import Notification
from tests.factories import UserFactory

from .space_world import make_pair

pytestmark = pytest.mark.django_db

SHARED = "Shared: try the two-minute summary at handover"
MENTEE_PRIVATE = "Private: I felt out of my depth on nights"
MENTOR_PRIVATE = "Private: ask about her visa renewal next time"


@pytest.fixture
def space():
    pair = make_pair()
    services.save_agreement(
        pair.relationship,
        pair.mentee,
        goals="Grow confident leading handover.",
        cadence="monthly",
        contact="E-mail first.",
        confidentiality="What we say stays between us.",
    )
    goal = services.add_goal(
        pair.relationship, pair.mentee, title="Lead handover", topic="clinical"
    )
    services.add_check_in(goal, pair.mentee, note="Led one handover.", progress=30)
    now = timezone.now()
    past = scheduling.schedule_session(
        pair.relationship, pair.mentor, starts_at=now + datetime.timedelta(minutes=5), minutes=30
    )
    Session.objects.filter(pk=past.pk).update(
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now - datetime.timedelta(days=2) + datetime.timedelta(minutes=30),
    )
    past.refresh_from_db()
    upcoming = scheduling.schedule_session(
        pair.relationship, pair.mentor, starts_at=now + datetime.timedelta(days=3), minutes=60
    )
    services.add_note(past, pair.mentee, text=SHARED, visibility="shared")
    services.add_note(past, pair.mentee, text=MENTEE_PRIVATE, visibility="private")
    services.add_note(past, pair.mentor, text=MENTOR_PRIVATE, visibility="private")
    pair.past, pair.upcoming, pair.goal = past, upcoming, goal
    pair.url = f"/mentoring/space/{pair.relationship.pk}/"
    return pair


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_each_member_sees_shared_notes_and_only_their_own_private_ones(client, space):
    for url in (space.url, f"{space.url}sessions/{space.past.pk}/"):
        status, text = page(client, space.mentee, url)
        assert status == 200
        assert SHARED in text and MENTEE_PRIVATE in text and MENTOR_PRIVATE not in text
        status, text = page(client, space.mentor, url)
        assert status == 200
        assert SHARED in text and MENTOR_PRIVATE in text and MENTEE_PRIVATE not in text


@pytest.mark.parametrize("who", ["stranger", "staff", "superuser", "programme_staff"])
def test_anyone_else_gets_404_on_every_page(client, space, who):
    if who == "programme_staff":
        user = UserFactory(staff=True)
        space.relationship.programme.institution.staff.add(user)
    else:
        user = UserFactory(is_staff=who in ("staff", "superuser"), is_superuser=who == "superuser")
    client.force_login(user)
    base, s = space.url, space.past.pk
    for url in (
        base,
        f"{base}agreement/",
        f"{base}goals/add/",
        f"{base}goals/{space.goal.pk}/",
        f"{base}sessions/add/",
        f"{base}sessions/{s}/",
        f"{base}sessions/{s}/edit/",
        f"{base}sessions/{s}/invite.ics",
        f"{base}close/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert MENTEE_PRIVATE not in response.content.decode()
    for url in (f"{base}sessions/{s}/cancel/", f"{base}agreement/accept/", f"{base}rematch/"):
        assert client.post(url).status_code == 404, url


def test_the_space_shows_times_in_the_viewer_zone(client, space):
    start = space.upcoming.starts_at
    _, mentee_page = page(client, space.mentee, space.url)
    _, mentor_page = page(client, space.mentor, space.url)
    lagos = start.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    assert f"{lagos:%H:%M} WAT" in mentee_page
    assert "Africa/Lagos" in mentee_page
    assert "America/Chicago" in mentor_page
    assert f"{lagos:%H:%M} WAT" not in mentor_page


def test_privacy_export_holds_own_notes_only(client, space):
    client.force_login(space.mentor)
    data = json.loads(client.get("/me/privacy/export.json").content)
    section = data["mentoring_space"]
    dumped = json.dumps(section)
    assert MENTOR_PRIVATE in dumped
    assert MENTEE_PRIVATE not in dumped and SHARED not in dumped
    (entry,) = section
    assert entry["my_role"] == "mentor"
    assert entry["agreement"]["goals"] == "Grow confident leading handover."
    assert len(entry["sessions"]) == 2
    client.force_login(space.mentee)
    dumped = json.dumps(json.loads(client.get("/me/privacy/export.json").content))
    assert MENTEE_PRIVATE in dumped and SHARED in dumped and MENTOR_PRIVATE not in dumped
    assert "Led one handover." in dumped


def test_deleting_the_mentees_account_removes_the_space_and_tells_the_mentor(client, space):
    space.mentee.set_password("a-long-password-1")
    space.mentee.save()
    client.force_login(space.mentee)
    response = client.post("/me/privacy/delete/", {"confirmation": "a-long-password-1"})
    assert response.status_code == 302
    assert not SessionNote.objects.exists()
    assert not Session.objects.exists() and not Agreement.objects.exists()
    told = Notification.objects.get(user=space.mentor, kind="mentoring_relationship_closed")
    assert "closed their Curbside account" in told.text
    assert page(client, space.mentor, space.url)[0] == 404


# ---------------------------------------------------------------------------
# Bad input: the form comes back with a clear message and what was typed.


def post(client, user, url, data):
    client.force_login(user)
    response = client.post(url, data)
    return response, response.content.decode()


def test_agreement_form_bad_input(client, space):
    response, text = post(
        client,
        space.mentor,
        f"{space.url}agreement/",
        {"goals": "", "cadence": "hourly", "contact": "Call me maybe", "confidentiality": "x"},
    )
    assert response.status_code == 200
    assert "This field is required." in text and "Select a valid choice" in text
    assert "Call me maybe" in text


def test_agreement_change_after_acceptance_says_so(client, space):
    agreement = Agreement.objects.get()
    services.accept_agreement(space.relationship, space.mentee, agreement.version)
    services.accept_agreement(space.relationship, space.mentor, agreement.version)
    client.force_login(space.mentor)
    response = client.post(
        f"{space.url}agreement/",
        {
            "goals": "Handover and nights.",
            "cadence": "monthly",
            "contact": "",
            "confidentiality": "x",
        },
        follow=True,
    )
    assert "you both need to accept it again" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.mentee_accepted_at is None and agreement.mentor_accepted_at is None


def test_stale_acceptance_gets_a_message(client, space):
    client.force_login(space.mentee)
    response = client.post(f"{space.url}agreement/accept/", {"version": "99"}, follow=True)
    assert "changed since you opened it" in response.content.decode()
    response = client.post(f"{space.url}agreement/accept/", {"version": "9" * 5000}, follow=True)
    assert response.status_code == 200


def test_goal_forms_bad_input(client, space):
    response, text = post(
        client,
        space.mentee,
        f"{space.url}goals/add/",
        {"title": "Publish a case report", "topic": "clinical", "target_date": "31/31/2026"},
    )
    assert response.status_code == 200 and "Enter a date" in text
    assert "Publish a case report" in text
    url = f"{space.url}goals/{space.goal.pk}/"
    response, text = post(
        client, space.mentee, url, {"action": "check-in", "c-note": "Halfway", "c-progress": "150"}
    )
    assert response.status_code == 200 and "less than or equal to 100" in text and "Halfway" in text
    response, text = post(client, space.mentee, url, {"action": "status", "s-status": "won"})
    assert response.status_code == 200 and "Select a valid choice" in text
    response, text = post(client, space.mentee, url, {"action": "nonsense"})
    assert response.status_code == 200 and "Choose what to do" in text
    assert Goal.objects.get().status == "open"


def test_session_form_bad_input(client, space):
    url = f"{space.url}sessions/add/"
    yesterday = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()
    response, text = post(
        client,
        space.mentee,
        url,
        {
            "date": yesterday,
            "time": "10:00",
            "minutes": "60",
            "location": "Library",
            "video_url": "",
            "agenda": "Rota worries",
        },
    )
    assert response.status_code == 200 and "already passed" in text and "Rota worries" in text
    tomorrow = (timezone.now() + datetime.timedelta(days=10)).date().isoformat()
    response, text = post(
        client,
        space.mentee,
        url,
        {"date": tomorrow, "time": "10:00", "minutes": "60", "video_url": "http://zoom.example/x"},
    )
    assert response.status_code == 200 and "https://" in text and "http://zoom.example/x" in text
    response, text = post(
        client, space.mentee, url, {"date": "soon", "time": "25:99", "minutes": "7"}
    )
    assert response.status_code == 200
    assert "Enter a date" in text and "Enter a time" in text and "Select a valid choice" in text
    # Overlapping the planned session, typed in Lagos time.
    start = space.upcoming.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    response, text = post(
        client,
        space.mentee,
        url,
        {"date": start.date().isoformat(), "time": start.strftime("%H:%M"), "minutes": "30"},
    )
    assert response.status_code == 200 and "overlaps another session" in text
    assert Session.objects.count() == 2


def test_schedule_then_change_then_cancel_through_the_pages(client, space):
    client.force_login(space.mentee)
    day = (timezone.now() + datetime.timedelta(days=20)).date().isoformat()
    response = client.post(
        f"{space.url}sessions/add/",
        {"date": day, "time": "18:00", "minutes": "45", "video_url": "https://meet.example.org/a"},
    )
    session = Session.objects.latest("created_at")
    assert response.status_code == 302 and response["Location"].endswith(f"/sessions/{session.pk}/")
    assert session.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=1))).hour == 18
    response = client.post(
        f"{space.url}sessions/{session.pk}/edit/",
        {"date": day, "time": "19:00", "minutes": "45", "video_url": "https://meet.example.org/a"},
    )
    session.refresh_from_db()
    assert response.status_code == 302 and session.sequence == 1
    client.post(f"{space.url}sessions/{session.pk}/cancel/")
    session.refresh_from_db()
    assert session.status == "cancelled"
    response = client.post(f"{space.url}sessions/{session.pk}/held/", follow=True)
    assert "This session was cancelled." in response.content.decode()


def test_note_form_bad_input(client, space):
    url = f"{space.url}sessions/{space.past.pk}/"
    response, text = post(client, space.mentee, url, {"text": "Kept text", "visibility": "public"})
    assert response.status_code == 200 and "Select a valid choice" in text and "Kept text" in text
    response, text = post(client, space.mentee, url, {"text": "", "visibility": "shared"})
    assert response.status_code == 200 and "This field is required." in text


def test_close_form_bad_input_then_close_and_ask_again(client, space):
    url = f"{space.url}close/"
    response, text = post(
        client,
        space.mentee,
        url,
        {"reason": "bored", "rating": "7", "would_recommend": "", "comments": "Thank you, Paul"},
    )
    assert response.status_code == 200 and "Select a valid choice" in text
    assert "Thank you, Paul" in text
    space.relationship.refresh_from_db()
    assert space.relationship.status == RelationshipStatus.ACTIVE
    response, _ = post(
        client,
        space.mentee,
        url,
        {"reason": "scheduling", "rating": "3", "would_recommend": "yes", "comments": ""},
    )
    assert response.status_code == 302
    space.relationship.refresh_from_db()
    assert space.relationship.status == RelationshipStatus.ENDED
    status, text = page(client, space.mentee, space.url)
    assert "Ask to be matched again" in text and "read-only" in text
    response = client.post(f"{space.url}rematch/", follow=True)
    assert "back in the programme" in response.content.decode()
    (exported,) = json.loads(client.get("/me/privacy/export.json").content)["mentoring_space"]
    assert exported["asked_to_be_matched_again_at"] is not None
    assert exported["my_exit_survey"][0]["reason"] == "scheduling"
    # The mentor may still answer their own survey; the mentee may not answer twice.
    status, text = page(client, space.mentor, url)
    assert status == 200 and "Exit survey" in text
    response = client.get(url)
    assert response.status_code == 200
    client.force_login(space.mentee)
    assert client.get(url).status_code == 302


def test_posting_to_a_closed_space_or_cancelled_session_gets_a_message(client, space):
    client.force_login(space.mentee)
    scheduling.cancel_session(space.upcoming, space.mentee)
    response = client.post(
        f"{space.url}sessions/{space.upcoming.pk}/",
        {"text": "Late thought", "visibility": "shared"},
        follow=True,
    )
    assert "This session was cancelled" in response.content.decode()
    assert not SessionNote.objects.filter(text="Late thought").exists()
    response = client.post(f"{space.url}agreement/accept/", {"version": "²"}, follow=True)
    assert (
        response.status_code == 200 and "changed since you opened it" in response.content.decode()
    )
    space.relationship.status = RelationshipStatus.ENDED
    space.relationship.ended_at = timezone.now()
    space.relationship.save()
    response = client.post(
        f"{space.url}goals/{space.goal.pk}/",
        {"action": "check-in", "c-note": "After the end", "c-progress": "90"},
        follow=True,
    )
    assert "has ended" in response.content.decode()
    response = client.post(
        f"{space.url}sessions/add/", {"date": "2099-01-01", "time": "10:00", "minutes": "60"}
    )
    assert response.status_code == 200 and "has ended" in response.content.decode()
