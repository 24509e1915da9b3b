"""Once a mentoring relationship has ended, its record is read-only for both
members: shared session notes, check-ins, goals, the agreement and sessions.
They still read it (shared notes and their own private ones) and export it,
but every delete or edit is refused in the service layer, and a hand-made
POST gets a clear message on a normal page (never a 500, never silently),
with nothing changed. The controls are not shown. One exception: a member
may still delete their own private notes, which nobody else ever reads."""

import datetime
import json
import re

from django.utils import timezone

import pytest

from mentoring.models import Agreement, CheckIn, Goal, RelationshipStatus, Session, SessionNote
from mentoring.space import closing, permissions, scheduling, services
from mentoring.space.errors import SpaceError
from tests.factories import UserFactory

from .space_world import make_pair

pytestmark = pytest.mark.django_db

ENDED = "has ended"
READ_ONLY = "This mentoring relationship has ended, so its space is read-only now."
MENTEE_SHARED = "Shared: the handover checklist we wrote together"
MENTEE_PRIVATE = "Private: what I did not dare say on nights"
MENTOR_PRIVATE = "Private: suggest the leadership course"


@pytest.fixture
def ended():
    """A pair with an agreement, a goal with a check-in, a past session with
    notes of both members; then the mentee closes the relationship."""
    pair = make_pair()
    rel = pair.relationship
    services.save_agreement(
        rel,
        pair.mentee,
        goals="Lead handover.",
        cadence="monthly",
        contact="",
        confidentiality="Us.",
    )
    pair.goal = services.add_goal(rel, pair.mentee, title="Lead handover", topic="clinical")
    pair.check_in = services.add_check_in(pair.goal, pair.mentee, note="Led one.", progress=30)
    now = timezone.now()
    pair.session = scheduling.schedule_session(
        rel, pair.mentor, starts_at=now + datetime.timedelta(minutes=5), minutes=30
    )
    # It took place two days ago (closing cancels only upcoming sessions).
    start = now - datetime.timedelta(days=2)
    Session.objects.filter(pk=pair.session.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(minutes=30)
    )
    pair.mentee_note = services.add_note(
        pair.session, pair.mentee, text=MENTEE_SHARED, visibility="shared"
    )
    pair.mentee_private = services.add_note(
        pair.session, pair.mentee, text=MENTEE_PRIVATE, visibility="private"
    )
    pair.mentor_note = services.add_note(
        pair.session, pair.mentor, text=MENTOR_PRIVATE, visibility="private"
    )
    closing.close_relationship(rel, pair.mentee, reason="goals_met", rating=5, would_recommend=True)
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.ENDED
    pair.url = f"/mentoring/space/{rel.pk}/"
    pair.session_url = f"{pair.url}sessions/{pair.session.pk}/"
    return pair


def _notes():
    return set(SessionNote.objects.values_list("text", flat=True))


# ---------------------------------------------------------------------------
# The rule, in the permissions module and the services.


def test_permissions_say_an_ended_record_cannot_change(ended):
    rel = ended.relationship
    assert not permissions.record_is_open(rel)
    assert not permissions.may_change_record(rel, ended.mentee)
    assert not permissions.may_change_record(rel, ended.mentor)
    assert not permissions.may_change_record(rel, UserFactory())
    # Reading stays open to both members.
    assert permissions.member_role(rel, ended.mentee) == "mentee"
    assert permissions.member_role(rel, ended.mentor) == "mentor"


def test_permissions_let_members_change_an_active_record():
    pair = make_pair()
    assert permissions.record_is_open(pair.relationship)
    assert permissions.may_change_record(pair.relationship, pair.mentee)
    assert permissions.may_change_record(pair.relationship, pair.mentor)
    assert not permissions.may_change_record(pair.relationship, UserFactory())


def test_service_refuses_to_delete_a_shared_note_after_the_end(ended):
    with pytest.raises(SpaceError, match=ENDED):
        services.delete_note(ended.mentee_note.pk, ended.session, ended.mentee)
    assert SessionNote.objects.filter(pk=ended.mentee_note.pk).exists()
    assert not permissions.may_delete_note(ended.relationship, ended.mentee, ended.mentee_note)


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_own_private_notes_may_still_be_deleted_after_the_end(ended, who):
    # Nobody else reads them: deleting one takes nothing from the other's record.
    user = getattr(ended, who)
    note = ended.mentee_private if who == "mentee" else ended.mentor_note
    assert permissions.may_delete_note(ended.relationship, user, note)
    assert services.delete_note(note.pk, ended.session, user) is True
    assert not SessionNote.objects.filter(pk=note.pk).exists()
    assert MENTEE_SHARED in _notes()


def test_nobody_deletes_anyone_elses_private_note(ended):
    assert not permissions.may_delete_note(ended.relationship, ended.mentor, ended.mentee_private)
    assert services.delete_note(ended.mentee_private.pk, ended.session, ended.mentor) is False
    assert SessionNote.objects.filter(pk=ended.mentee_private.pk).exists()


def test_service_still_answers_not_found_for_someone_elses_note(ended):
    # The mentor cannot delete the mentee's note: "not yours", as before the end.
    assert services.delete_note(ended.mentee_note.pk, ended.session, ended.mentor) is False
    assert SessionNote.objects.filter(pk=ended.mentee_note.pk).exists()


def test_service_refuses_every_other_edit_after_the_end(ended):
    rel, mentee, mentor = ended.relationship, ended.mentee, ended.mentor
    refused = [
        lambda: services.add_note(ended.session, mentee, text="Late", visibility="shared"),
        lambda: services.add_check_in(ended.goal, mentee, note="Late", progress=90),
        lambda: services.set_goal_status(ended.goal, mentor, "achieved"),
        lambda: services.add_goal(rel, mentee, title="New", topic="clinical"),
        lambda: services.save_agreement(
            rel, mentor, goals="Other.", cadence="weekly", contact="", confidentiality="Us."
        ),
        lambda: services.accept_agreement(rel, mentor, 1),
        lambda: scheduling.schedule_session(
            rel, mentor, starts_at=timezone.now() + datetime.timedelta(days=9), minutes=30
        ),
    ]
    for call in refused:
        with pytest.raises(SpaceError, match=ENDED):
            call()
    assert CheckIn.objects.count() == 1 and Goal.objects.count() == 1
    assert Goal.objects.get().status == "open"
    assert Agreement.objects.get().goals == "Lead handover."
    assert _notes() == {MENTEE_SHARED, MENTEE_PRIVATE, MENTOR_PRIVATE}


# ---------------------------------------------------------------------------
# Hand-made POSTs: a clear message on a normal page, nothing changed.


def test_hand_made_delete_post_of_a_shared_note_is_refused_with_a_message(client, ended):
    note = ended.mentee_note
    client.force_login(ended.mentee)
    url = f"{ended.session_url}notes/{note.pk}/delete/"
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == ended.session_url
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert READ_ONLY in text
    assert "Your note is deleted." not in text
    assert note.text in text  # still there, still readable
    assert SessionNote.objects.filter(pk=note.pk).exists()


def test_hand_made_posts_to_every_edit_url_are_refused(client, ended):
    client.force_login(ended.mentee)
    before = (_notes(), CheckIn.objects.count(), Session.objects.count())
    posts = {
        f"{ended.session_url}notes/{ended.mentee_note.pk}/delete/": {},  # a shared note
        ended.session_url: {"text": "After the end", "visibility": "shared"},
        f"{ended.url}goals/{ended.goal.pk}/": {
            "action": "check-in",
            "c-note": "After the end",
            "c-progress": "90",
        },
        f"{ended.url}agreement/": {
            "goals": "Other.",
            "cadence": "weekly",
            "contact": "",
            "confidentiality": "Us.",
        },
        f"{ended.url}agreement/accept/": {"version": "1"},
        f"{ended.session_url}edit/": {"date": "2099-01-01", "time": "10:00", "minutes": "45"},
        f"{ended.session_url}cancel/": {},
    }
    for url, data in posts.items():
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
        assert READ_ONLY in response.content.decode(), url
    assert (_notes(), CheckIn.objects.count(), Session.objects.count()) == before


# ---------------------------------------------------------------------------
# Reading, exporting, and no controls that would only be refused.


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_session_page_shows_notes_without_delete_or_edit_controls(client, ended, who):
    client.force_login(getattr(ended, who))
    response = client.get(ended.session_url)
    text = response.content.decode()
    assert response.status_code == 200
    own = MENTEE_PRIVATE if who == "mentee" else MENTOR_PRIVATE
    assert MENTEE_SHARED in text and own in text
    # Only one's own private note keeps its delete button.
    mine = ended.mentee_private if who == "mentee" else ended.mentor_note
    deletes = re.findall(r"/notes/(\d+)/delete/", text)
    assert deletes == [str(mine.pk)]
    assert "Change time or place" not in text and "Save note" not in text


def test_deleting_ones_own_private_note_after_the_end_through_the_page(client, ended):
    client.force_login(ended.mentee)
    url = f"{ended.session_url}notes/{ended.mentee_private.pk}/delete/"
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == ended.session_url
    text = client.get(response["Location"]).content.decode()
    assert "Your note is deleted." in text
    assert MENTEE_PRIVATE not in text and MENTEE_SHARED in text


def test_active_session_page_still_offers_delete(client):
    pair = make_pair()
    session = scheduling.schedule_session(
        pair.relationship,
        pair.mentor,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        minutes=30,
    )
    services.add_note(session, pair.mentee, text="Mine", visibility="shared")
    client.force_login(pair.mentee)
    text = client.get(f"/mentoring/space/{pair.relationship.pk}/sessions/{session.pk}/")
    assert "Delete my note" in text.content.decode()


def test_members_still_export_their_record_after_the_end(client, ended):
    client.force_login(ended.mentee)
    (section,) = json.loads(client.get("/me/privacy/export.json").content)["mentoring_space"]
    assert section["status"] == "ended"
    (session,) = section["sessions"]
    assert {n["text"] for n in session["my_notes"]} == {MENTEE_SHARED, MENTEE_PRIVATE}
    assert section["goals"][0]["my_check_ins"][0]["note"] == "Led one."
