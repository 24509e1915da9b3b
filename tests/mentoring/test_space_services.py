"""The relationship space's rules: agreement, goals and check-ins, sessions,
notes, closing and asking to be matched again."""

import datetime

from django.db import IntegrityError, transaction

import pytest

from mentoring.models import (
    CheckIn,
    EndReason,
    ExitReason,
    ExitSurvey,
    Goal,
    GoalStatus,
    NoteVisibility,
    Participation,
    ParticipationStatus,
    ProgrammeStatus,
    RelationshipStatus,
    Role,
    Session,
    SessionNote,
    SessionStatus,
    Topic,
)
from mentoring.space import closing, scheduling, services
from mentoring.space.errors import SpaceError
from notifications.models import Notification
from tests.factories import UserFactory

from .space_world import make_pair

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def pair():
    return make_pair()


def agree(pair, user=None, **changes):
    values = {
        "goals": "Find my feet as a new hospitalist.",
        "cadence": "monthly",
        "contact": "E-mail for planning.",
        "confidentiality": "What we say stays between us.",
    } | changes
    return services.save_agreement(pair.relationship, user or pair.mentee, **values)


def schedule(pair, user=None, start=NOW + datetime.timedelta(days=2), minutes=60, **kw):
    return scheduling.schedule_session(
        pair.relationship, user or pair.mentor, starts_at=start, minutes=minutes, now=NOW, **kw
    )


# ---------------------------------------------------------------------------
# The agreement.


def test_agreement_defaults_to_the_programme_cadence(pair):
    pair.relationship.programme.cadence = "weekly"
    draft = services.draft_agreement(pair.relationship)
    assert draft.pk is None and draft.cadence == "weekly" and draft.confidentiality


def test_both_accept_and_a_later_change_resets_both(pair):
    agreement, reset = agree(pair)
    assert not reset
    services.accept_agreement(pair.relationship, pair.mentee, agreement.version)
    agreement = services.accept_agreement(pair.relationship, pair.mentor, agreement.version)
    assert agreement.accepted_by_both
    # Accepting again changes nothing.
    first = agreement.mentor_accepted_at
    again = services.accept_agreement(pair.relationship, pair.mentor, agreement.version)
    assert again.mentor_accepted_at == first

    changed, reset = agree(pair, pair.mentor, cadence="fortnightly")
    assert reset and changed.version == agreement.version + 1
    assert changed.mentee_accepted_at is None and changed.mentor_accepted_at is None
    # Saving the same text again is not a change.
    same, reset = agree(pair, pair.mentor, cadence="fortnightly")
    assert not reset and same.version == changed.version


def test_accepting_a_version_that_changed_meanwhile_is_refused(pair):
    agreement, _ = agree(pair)
    agree(pair, pair.mentor, goals="Something else entirely.")
    with pytest.raises(SpaceError, match="changed since you opened it"):
        services.accept_agreement(pair.relationship, pair.mentee, agreement.version)


def test_agreement_needs_goals_and_confidentiality(pair):
    with pytest.raises(SpaceError) as error:
        agree(pair, goals="   ")
    assert error.value.field == "goals"
    with pytest.raises(SpaceError) as error:
        agree(pair, confidentiality="")
    assert error.value.field == "confidentiality"


def test_only_members_can_change_anything(pair):
    stranger = UserFactory()
    with pytest.raises(SpaceError, match="Only the two members"):
        agree(pair, stranger)
    with pytest.raises(SpaceError, match="Only the two members"):
        schedule(pair, stranger)


# ---------------------------------------------------------------------------
# Goals and check-ins.


def test_goals_and_check_ins_by_either_side(pair):
    goal = services.add_goal(
        pair.relationship, pair.mentee, title="Lead a ward round", topic=Topic.CLINICAL
    )
    assert (
        services.add_goal(
            pair.relationship, pair.mentee, title=" Lead  a ward round ", topic=Topic.CLINICAL
        )
        == goal
    )  # a double submission
    services.add_check_in(goal, pair.mentee, note="Led two with support.", progress=40)
    services.add_check_in(goal, pair.mentor, note="Watched one: confident.", progress=60)
    assert list(goal.check_ins.values_list("progress", flat=True)) == [40, 60]
    services.set_goal_status(goal, pair.mentor, GoalStatus.ACHIEVED)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED and goal.status_changed_at is not None


def test_check_in_progress_is_a_percentage_also_in_the_database(pair):
    goal = services.add_goal(pair.relationship, pair.mentee, title="Negotiate", topic=Topic.CAREER)
    with pytest.raises(SpaceError) as error:
        services.add_check_in(goal, pair.mentee, note="x", progress=101)
    assert error.value.field == "progress"
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(goal=goal, author=pair.mentee, note="x", progress=150)
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.create(relationship=pair.relationship, title="x", topic="astrology")


# ---------------------------------------------------------------------------
# Sessions.


def test_a_session_in_the_past_is_refused(pair):
    with pytest.raises(SpaceError, match="already passed") as error:
        schedule(pair, start=NOW - datetime.timedelta(minutes=1))
    assert error.value.field == "starts_at"
    assert not Session.objects.exists()


def test_overlapping_sessions_of_the_pair_are_refused_but_not_after_cancelling(pair):
    first = schedule(pair)
    with pytest.raises(SpaceError, match="overlaps"):
        schedule(pair, start=first.starts_at + datetime.timedelta(minutes=30))
    # Back to back is fine.
    schedule(pair, start=first.ends_at)
    scheduling.cancel_session(first, pair.mentee, now=NOW)
    schedule(pair, start=first.starts_at + datetime.timedelta(minutes=15), minutes=30)


def test_another_pair_may_meet_at_the_same_time(pair):
    schedule(pair)
    other = make_pair(tag="-2")
    schedule(other)
    assert Session.objects.count() == 2


def test_the_same_form_twice_is_one_session(pair):
    assert schedule(pair) == schedule(pair)
    assert Session.objects.count() == 1


def test_video_link_must_be_https(pair):
    with pytest.raises(SpaceError) as error:
        schedule(pair, video_url="http://meet.example.org/abc")
    assert error.value.field == "video_url"
    with pytest.raises(SpaceError):
        schedule(pair, video_url="javascript:alert(1)")
    session = schedule(pair, video_url="https://meet.example.org/abc")
    assert session.video_url == "https://meet.example.org/abc"
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(video_url="ftp://x.example.org")


def test_reschedule_and_cancel_bump_the_sequence_and_tell_the_other_side(pair):
    session = schedule(pair)
    assert session.sequence == 0
    assert Notification.objects.filter(
        user=pair.mentee, kind="mentoring_session_scheduled"
    ).exists()
    moved, changed = scheduling.reschedule_session(
        session,
        pair.mentee,
        starts_at=session.starts_at + datetime.timedelta(days=1),
        minutes=45,
        now=NOW,
    )
    assert changed and moved.sequence == 1 and moved.minutes == 45
    assert Notification.objects.filter(user=pair.mentor, kind="mentoring_session_changed").exists()
    same, changed = scheduling.reschedule_session(
        moved, pair.mentee, starts_at=moved.starts_at, minutes=45, now=NOW
    )
    assert not changed and same.sequence == 1
    cancelled = scheduling.cancel_session(moved, pair.mentor, now=NOW)
    assert cancelled.status == SessionStatus.CANCELLED and cancelled.sequence == 2
    assert scheduling.cancel_session(cancelled, pair.mentor, now=NOW).sequence == 2
    assert (
        Notification.objects.filter(user=pair.mentee, kind="mentoring_session_cancelled").count()
        == 1
    )
    with pytest.raises(SpaceError, match="Only a scheduled session"):
        scheduling.reschedule_session(
            cancelled, pair.mentee, starts_at=cancelled.starts_at, minutes=30, now=NOW
        )


def test_mark_held_only_once_started(pair):
    session = schedule(pair)
    with pytest.raises(SpaceError, match="once it has started"):
        scheduling.mark_held(session, pair.mentee, now=NOW)
    held = scheduling.mark_held(session, pair.mentee, now=session.starts_at)
    assert held.status == SessionStatus.HELD
    with pytest.raises(SpaceError, match="held"):
        scheduling.cancel_session(held, pair.mentee, now=session.ends_at)


# ---------------------------------------------------------------------------
# Notes.


def test_private_notes_are_only_visible_to_their_author(pair):
    session = schedule(pair)
    services.add_note(session, pair.mentee, text="Shared by Ngozi", visibility="shared")
    services.add_note(session, pair.mentee, text="Ngozi's private worry", visibility="private")
    services.add_note(session, pair.mentor, text="Paul's private reminder", visibility="private")
    staff = UserFactory(is_staff=True, is_superuser=True)

    def texts(user):
        return set(SessionNote.objects.visible_to(user).values_list("text", flat=True))

    assert texts(pair.mentee) == {"Shared by Ngozi", "Ngozi's private worry"}
    assert texts(pair.mentor) == {"Shared by Ngozi", "Paul's private reminder"}
    assert texts(staff) == {"Shared by Ngozi"}
    assert texts(None) == set()


def test_no_notes_on_a_cancelled_session_and_no_empty_notes(pair):
    session = schedule(pair)
    with pytest.raises(SpaceError) as error:
        services.add_note(session, pair.mentee, text="  ", visibility=NoteVisibility.SHARED)
    assert error.value.field == "text"
    scheduling.cancel_session(session, pair.mentee, now=NOW)
    with pytest.raises(SpaceError, match="cancelled"):
        services.add_note(session, pair.mentee, text="x", visibility=NoteVisibility.SHARED)


def test_only_the_author_deletes_a_note(pair):
    session = schedule(pair)
    note = services.add_note(session, pair.mentee, text="Mine", visibility="shared")
    assert not services.delete_note(note.pk, session, pair.mentor)
    assert services.delete_note(note.pk, session, pair.mentee)
    assert not SessionNote.objects.exists()


# ---------------------------------------------------------------------------
# Closing and asking again.


def close(pair, user, reason=ExitReason.NO_TIME, now=NOW):
    return closing.close_relationship(
        pair.relationship, user, reason=reason, rating=4, would_recommend=True, now=now
    )


def test_closing_ends_the_relationship_once_and_cancels_what_is_planned(pair):
    upcoming = schedule(pair)
    relationship = close(pair, pair.mentor)
    assert relationship.status == RelationshipStatus.ENDED
    assert relationship.ended_at == NOW and relationship.ended_by == pair.mentor
    assert relationship.end_reason == EndReason.MENTOR_LEFT
    upcoming.refresh_from_db()
    assert upcoming.status == SessionStatus.CANCELLED and upcoming.sequence == 1
    closed = Notification.objects.get(user=pair.mentee, kind="mentoring_relationship_closed")
    assert "1 upcoming session was cancelled" in closed.text
    # Twice: nothing more happens.
    later = NOW + datetime.timedelta(hours=1)
    again = close(pair, pair.mentor, now=later)
    assert again.ended_at == NOW
    assert ExitSurvey.objects.count() == 1
    # The other side may answer their survey afterwards.
    close(pair, pair.mentee, reason=ExitReason.GOALS_MET, now=later)
    assert set(ExitSurvey.objects.values_list("role", flat=True)) == {Role.MENTOR, Role.MENTEE}
    # The space is read-only now.
    with pytest.raises(SpaceError, match="ended"):
        schedule(pair, start=NOW + datetime.timedelta(days=5))


def test_goals_met_is_a_completed_relationship(pair):
    relationship = close(pair, pair.mentee, reason=ExitReason.GOALS_MET)
    assert relationship.end_reason == EndReason.COMPLETED


def test_exit_survey_rating_is_checked(pair):
    with pytest.raises(SpaceError) as error:
        closing.close_relationship(
            pair.relationship, pair.mentee, reason="goals_met", rating=9, would_recommend=False
        )
    assert error.value.field == "rating"
    pair.relationship.refresh_from_db()
    assert pair.relationship.status == RelationshipStatus.ACTIVE


def test_the_mentee_asks_to_be_matched_again(pair):
    with pytest.raises(SpaceError, match="Close this relationship first"):
        closing.ask_to_be_matched_again(pair.relationship, pair.mentee)
    close(pair, pair.mentor)
    with pytest.raises(SpaceError, match="Only the mentee"):
        closing.ask_to_be_matched_again(pair.relationship, pair.mentor)
    Participation.objects.create(
        programme=pair.relationship.programme,
        user=pair.mentee,
        role=Role.MENTEE,
        status=ParticipationStatus.WITHDRAWN,
    )
    request = closing.ask_to_be_matched_again(pair.relationship, pair.mentee)
    assert closing.ask_to_be_matched_again(pair.relationship, pair.mentee) == request
    participation = Participation.objects.get(user=pair.mentee, role=Role.MENTEE)
    assert participation.status == ParticipationStatus.ACTIVE


def test_no_rematch_in_a_closed_programme(pair):
    close(pair, pair.mentee)
    programme = pair.relationship.programme
    programme.status = ProgrammeStatus.CLOSED
    programme.save()
    with pytest.raises(SpaceError, match="not taking new matches"):
        closing.ask_to_be_matched_again(pair.relationship, pair.mentee)


# ---------------------------------------------------------------------------
# What programme staff may know.


def test_the_staff_summary_has_counts_and_no_words(pair):
    from mentoring.space.summary import relationship_summary

    agreement, _ = agree(pair)
    services.accept_agreement(pair.relationship, pair.mentee, agreement.version)
    services.accept_agreement(pair.relationship, pair.mentor, agreement.version)
    held = schedule(pair)
    scheduling.mark_held(held, pair.mentee, now=held.starts_at)
    cancelled = schedule(pair, start=NOW + datetime.timedelta(days=4))
    scheduling.cancel_session(cancelled, pair.mentee, now=NOW)
    schedule(pair, start=NOW + datetime.timedelta(days=6))
    services.add_goal(pair.relationship, pair.mentee, title="Nights", topic=Topic.CLINICAL)
    summary = relationship_summary(pair.relationship)
    assert summary.agreement_accepted
    assert (summary.sessions_held, summary.sessions_scheduled, summary.sessions_cancelled) == (
        1,
        1,
        1,
    )
    assert (summary.goals_open, summary.goals_achieved) == (1, 0)
    assert "Nights" not in repr(summary) and "hospitalist" not in repr(summary)


def test_the_kinds_are_in_the_mentoring_group_on_the_settings_page(client, pair):
    client.force_login(pair.mentee)
    text = client.get("/me/notifications/settings/").content.decode()
    assert "Mentoring" in text
    assert "A mentoring session in the next 24 hours" in text
    assert "Your mentoring relationship is closed" in text
