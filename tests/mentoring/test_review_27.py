"""Review 27: re-matching ends the old mentor's part in the mentee's mentoring;
a double-clicked check-in or note is saved once; mentors whose account is
deactivated are never suggested, asked or put in the cohort table."""

import datetime

from django.utils import timezone

import pytest

from mentoring.consults import services as consults
from mentoring.exceptions import MentoringError
from mentoring.models import (
    Answer,
    CheckIn,
    MatchRequest,
    Relationship,
    RelationshipStatus,
    SessionNote,
)
from mentoring.services import asking, cohort
from mentoring.space import closing, scheduling, services

from .conftest import mentee_in, mentor_in
from .space_world import make_pair

pytestmark = pytest.mark.django_db


# --- (a) re-matching ---------------------------------------------------------------


def test_after_a_rematch_the_old_mentor_reads_the_old_space_only_and_posts_nowhere(client):
    pair = make_pair()
    old = pair.relationship
    goal = services.add_goal(old, pair.mentee, title="Lead handover", topic="clinical")
    session = scheduling.schedule_session(
        old, pair.mentor, starts_at=timezone.now() + datetime.timedelta(days=2), minutes=30
    )
    question = consults.ask_in_relationship(
        pair.mentee, old, title="Night shifts", body="How do you plan sleep?", confirmed=True
    )
    closing.close_relationship(
        old, pair.mentee, reason="not_a_fit", rating=2, would_recommend=False
    )
    closing.ask_to_be_matched_again(old, pair.mentee)
    new_mentor = mentor_in(old.programme)
    request = asking.send_request(pair.mentee, old.programme, new_mentor.pk)
    new = asking.accept(request.pk, new_mentor)
    services.add_goal(new, pair.mentee, title="Negotiate a contract", topic="career")

    client.force_login(pair.mentor)
    base, new_base = f"/mentoring/space/{old.pk}/", f"/mentoring/space/{new.pk}/"
    # The old space stays readable (read-only), the new one does not exist for them.
    assert client.get(base).status_code == 200
    assert "Negotiate a contract" not in client.get(base).content.decode()
    assert client.get(new_base).status_code == 404
    assert client.get(f"/consults/relationships/{new.pk}/").status_code == 404
    # Nothing the old mentor posts in the old space is saved.
    client.post(
        f"{base}goals/{goal.pk}/", {"action": "check-in", "c-note": "Still here", "c-progress": "5"}
    )
    client.post(f"{base}sessions/{session.pk}/", {"text": "Late", "visibility": "shared"})
    client.post(f"{base}sessions/add/", {"date": "2099-01-01", "time": "10:00", "minutes": "60"})
    client.post(f"{new_base}goals/add/", {"title": "Intrude", "topic": "career"})
    assert not CheckIn.objects.filter(author=pair.mentor).exists()
    assert not SessionNote.objects.filter(author=pair.mentor).exists()
    assert old.sessions.count() == 1 and new.goals.count() == 1
    client.post(f"/consults/questions/{question.pk}/answer/", {"body": "Nap at 3."})
    assert not Answer.objects.filter(question=question).exists()
    old.refresh_from_db()
    assert old.status == RelationshipStatus.ENDED
    assert Relationship.objects.get(status=RelationshipStatus.ACTIVE) == new


# --- (b) double submits ------------------------------------------------------------


@pytest.fixture
def goal_page():
    pair = make_pair()
    pair.goal = services.add_goal(
        pair.relationship, pair.mentee, title="Lead handover", topic="clinical"
    )
    pair.url = f"/mentoring/space/{pair.relationship.pk}/goals/{pair.goal.pk}/"
    return pair


def test_a_double_clicked_check_in_is_saved_once(client, goal_page):
    client.force_login(goal_page.mentee)
    data = {"action": "check-in", "c-note": "Led one handover.", "c-progress": "30"}
    first = client.post(goal_page.url, data)
    second = client.post(goal_page.url, data)
    assert first.status_code == second.status_code == 302
    assert CheckIn.objects.filter(goal=goal_page.goal).count() == 1
    # A different check-in, or the same words from the other member, is a new one.
    client.post(goal_page.url, {**data, "c-progress": "40"})
    client.force_login(goal_page.mentor)
    client.post(goal_page.url, data)
    assert CheckIn.objects.filter(goal=goal_page.goal).count() == 3


def test_the_same_check_in_later_is_a_new_one(goal_page):
    first = services.add_check_in(goal_page.goal, goal_page.mentee, note="Same", progress=50)
    CheckIn.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    again = services.add_check_in(goal_page.goal, goal_page.mentee, note="Same", progress=50)
    assert again.pk != first.pk


def test_a_double_clicked_session_note_is_saved_once(client, goal_page):
    session = scheduling.schedule_session(
        goal_page.relationship,
        goal_page.mentor,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        minutes=30,
    )
    client.force_login(goal_page.mentee)
    url = f"/mentoring/space/{goal_page.relationship.pk}/sessions/{session.pk}/"
    data = {"text": "Bring the handover checklist", "visibility": "shared"}
    assert client.post(url, data).status_code == client.post(url, data).status_code == 302
    assert SessionNote.objects.filter(session=session).count() == 1


# --- (c) suggestions leave out mentors who cannot mentor -------------------------


def deactivated(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def test_a_deactivated_mentor_is_not_suggested_nor_asked(client, programme):
    mentee = mentee_in(programme)
    active = mentor_in(programme, username="active-mentor")
    gone = deactivated(mentor_in(programme, username="gone-mentor"))
    full = mentor_in(programme, username="full-mentor", capacity=1)
    Relationship.objects.create(
        programme=programme, mentee=mentee_in(programme), mentor=full, started_at=timezone.now()
    )
    client.force_login(mentee)
    response = client.get(f"/mentoring/{programme.slug}/suggestions/")
    shown = {row["mentor"].pk for row in response.context["rows"]}
    assert shown == {active.pk}
    answer = client.post(f"/mentoring/{programme.slug}/ask/{gone.pk}/", follow=True)
    assert "not taking part" in answer.content.decode()
    assert not MatchRequest.objects.filter(mentor=gone).exists()


def test_the_cohort_table_leaves_out_deactivated_mentors_and_mentees(programme):
    mentee = mentee_in(programme)
    gone_mentee = deactivated(mentee_in(programme))
    active = mentor_in(programme, capacity=5)
    gone = deactivated(mentor_in(programme, capacity=5))
    table = cohort.cohort_table(programme)
    assert {row.mentee.pk for row in table.rows} == {mentee.pk}
    assert {mentor.pk for mentor, _room in table.mentors} == {active.pk}
    with pytest.raises(MentoringError):
        cohort.confirm(programme, [(mentee.pk, gone.pk)])
    with pytest.raises(MentoringError):
        cohort.confirm(programme, [(gone_mentee.pk, active.pk)])
    assert not Relationship.objects.exists()
