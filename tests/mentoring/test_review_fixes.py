"""Fixes from review: a session date at the edge of the calendar is a message
on the form, a mentor leaving closes what waits for them without counting as
a decline (and tells the mentee), and a consult question sent twice is one
question."""

import datetime
import functools
import time

from django.utils import timezone

import pytest

from mentoring import notices
from mentoring.consults import notices as consult_notices
from mentoring.consults import services as consults
from mentoring.models import (
    MatchRequest,
    Participation,
    ParticipationStatus,
    Question,
    RequestStatus,
    Role,
)
from mentoring.notices import REQUEST_DECLINED
from mentoring.reports.programme import build_report
from mentoring.services import asking, participation
from mentoring.space import scheduling
from mentoring.space.errors import SpaceError
from mentoring.space.zones import to_utc
from notifications.models import Notification
from tests.factories import UserFactory

from . import consult_fixtures
from .conftest import mentee_in, mentor_in
from .consult_fixtures import CLEAN
from .space_world import make_pair
from .test_concurrency import race

pytestmark = pytest.mark.django_db

pair = consult_fixtures.pair

AHEAD = "Schedule sessions at most a year ahead."
OUTSIDE = "is outside the dates we can schedule"


# --- 5. Session dates at the edge of the calendar -------------------------------


@pytest.fixture
def space_pair():
    return make_pair()  # mentee Africa/Lagos (UTC+1), mentor America/Chicago (UTC-6)


def test_year_9999_on_the_schedule_page_is_a_message(client, space_pair):
    url = f"/mentoring/space/{space_pair.relationship.pk}/sessions/add/"
    # In Chicago, 20:00 on the last day of the calendar is already past it in
    # UTC; in Lagos it is not, and the service says how far ahead is allowed.
    for member, message in (
        (space_pair.mentor, f"31 December 9999 {OUTSIDE}"),
        (space_pair.mentee, AHEAD),
    ):
        client.force_login(member)
        response = client.post(url, {"date": "9999-12-31", "time": "20:00", "minutes": 60})
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page
        assert 'value="9999-12-31"' in page  # what was typed is kept
    assert not space_pair.relationship.sessions.exists()


def test_year_9999_on_the_edit_page_is_a_message(client, space_pair):
    session = scheduling.schedule_session(
        space_pair.relationship,
        space_pair.mentor,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        minutes=60,
    )
    client.force_login(space_pair.mentor)
    response = client.post(
        f"/mentoring/space/{space_pair.relationship.pk}/sessions/{session.pk}/edit/",
        {"date": "9999-12-31", "time": "20:00", "minutes": 60},
    )
    assert response.status_code == 200
    assert f"31 December 9999 {OUTSIDE}" in response.content.decode()
    session.refresh_from_db()
    assert session.sequence == 0 and session.starts_at.year != 9999


def test_the_first_day_of_the_calendar_east_of_utc_is_a_message(client, space_pair):
    # 00:05 on 1 January of year 1 in Lagos (local mean time then, UTC+00:13:35)
    # is before the first day of the calendar in UTC.
    client.force_login(space_pair.mentee)
    response = client.post(
        f"/mentoring/space/{space_pair.relationship.pk}/sessions/add/",
        {"date": "0001-01-01", "time": "00:05", "minutes": 60},
    )
    assert response.status_code == 200
    assert f"1 January 1 {OUTSIDE}" in response.content.decode()


def test_to_utc_refuses_a_time_outside_the_calendar():
    with pytest.raises(SpaceError, match=OUTSIDE) as refused:
        to_utc(datetime.datetime(9999, 12, 31, 20, 0), "America/Chicago", "time")
    assert refused.value.field == "time"


def test_a_start_at_the_end_of_the_calendar_is_refused_not_overflowed(space_pair):
    with pytest.raises(SpaceError, match=AHEAD):
        scheduling.schedule_session(
            space_pair.relationship,
            space_pair.mentor,
            starts_at=datetime.datetime(9999, 12, 31, 23, 30, tzinfo=datetime.UTC),
            minutes=60,
        )


# --- 8. A mentor leaving the programme ------------------------------------------


def test_a_mentor_leaving_tells_the_mentee_and_does_not_count_as_a_decline(client, programme):
    mentee = mentee_in(programme, "mentee-x")
    mentor = mentor_in(programme, "mentor-y")
    mentor.first_name, mentor.last_name = "Rosa", "Ng"
    mentor.save()
    asking.send_request(mentee, programme, mentor.pk, "hello")

    client.force_login(mentor)
    client.post(f"/mentoring/{programme.slug}/leave/mentor/")
    assert not participation.withdraw(mentor, programme, Role.MENTOR)  # again: nothing

    # The mentee is told once, in the inbox, with the way to their suggestions.
    told = Notification.objects.filter(user=mentee)
    assert [n.kind for n in told] == [REQUEST_DECLINED]
    assert "Rosa Ng has left First years in practice" in told.get().text
    client.force_login(mentee)
    assert "Your mentoring request has closed" in client.get("/me/notifications/").content.decode()
    page = client.get("/mentoring/requests/").content.decode()
    assert "Closed (the mentor left the programme)" in page
    assert "See your other suggestions" in page
    assert MatchRequest.objects.get().status == RequestStatus.MENTOR_LEFT

    # The mentor comes back: they are suggested again, and the mentee may ask.
    participation.join(mentor, programme, Role.MENTOR)
    page = client.get(f"/mentoring/{programme.slug}/suggestions/").content.decode()
    assert "Rosa Ng" in page
    answer = client.post(f"/mentoring/{programme.slug}/ask/{mentor.pk}/", {"message": "again"})
    assert answer["Location"] == "/mentoring/requests/"
    assert MatchRequest.objects.filter(status=RequestStatus.PENDING, mentor=mentor).count() == 1


def test_a_real_decline_still_keeps_the_mentor_out_of_the_suggestions(programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    request = asking.send_request(mentee, programme, mentor.pk)
    asking.decline(request.pk, mentor)
    assert mentor.pk not in [m.mentor_id for m in asking.suggestions_for(mentee, programme)]


def test_each_mentee_waiting_for_the_leaving_mentor_is_told_once(programme):
    mentor = mentor_in(programme)
    mentees = [mentee_in(programme) for _ in range(3)]
    for mentee in mentees:
        asking.send_request(mentee, programme, mentor.pk)
    participation.withdraw(mentor, programme, Role.MENTOR)
    told = Notification.objects.filter(user__in=mentees, kind=REQUEST_DECLINED)
    assert sorted(told.values_list("user_id", flat=True)) == sorted(m.pk for m in mentees)
    for request in MatchRequest.objects.all():  # a retried notice writes nothing more
        notices.request_closed_mentor_left(request)
    assert told.count() == 3
    assert Participation.objects.get(user=mentor).status == (ParticipationStatus.WITHDRAWN)


def test_the_report_does_not_count_a_mentor_leaving_as_an_answer(programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    asking.send_request(mentee, programme, mentor.pk)
    participation.withdraw(mentor, programme, Role.MENTOR)
    figures = build_report(programme, timezone.now()).overall
    assert figures.requests_by_status[RequestStatus.MENTOR_LEFT] == 1
    assert figures.requests_by_status[RequestStatus.DECLINED] == 0
    assert figures.answered == 0


# --- 9. A consult question sent twice ---------------------------------------------


def _new_question_notices(user):
    return Notification.objects.filter(user=user, kind=consult_notices.NEW_QUESTION.key)


def test_a_double_click_on_ask_the_author_is_one_question(client, guide_by_a, mentor_a, doctor):
    client.force_login(doctor)
    url = f"/consults/guides/{guide_by_a.pk}/ask/"
    first, second = client.post(url, CLEAN), client.post(url, CLEAN)
    question = Question.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/consults/questions/{question.pk}/"
    assert _new_question_notices(mentor_a.user).count() == 1
    page = client.get(second["Location"]).content.decode()
    assert CLEAN["title"] in page


def test_a_private_question_sent_twice_is_one_question(client, pair):
    client.force_login(pair.mentee)
    url = f"/consults/relationships/{pair.pk}/"
    client.post(url, CLEAN)
    client.post(url, CLEAN)
    assert Question.objects.filter(relationship=pair).count() == 1
    assert _new_question_notices(pair.mentor).count() == 1


def test_different_text_another_asker_or_a_later_repeat_are_new_questions(guide_by_a, doctor):
    first = consults.ask_on_guide(doctor, guide_by_a, **CLEAN)
    assert consults.ask_on_guide(doctor, guide_by_a, **CLEAN) == first
    other_text = consults.ask_on_guide(doctor, guide_by_a, **dict(CLEAN, title="Another one?"))
    other_asker = consults.ask_on_guide(UserFactory(), guide_by_a, **CLEAN)
    Question.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - consults.REPEAT_WINDOW - datetime.timedelta(minutes=1)
    )
    later = consults.ask_on_guide(doctor, guide_by_a, **CLEAN)
    assert len({first.pk, other_text.pk, other_asker.pk, later.pk}) == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_identical_questions_at_the_same_instant_are_one(
    guide_by_a, mentor_a, doctor, monkeypatch
):
    # Each thread waits a moment after taking the asker's lock and before
    # looking for a repeat: without the lock both would look, find nothing
    # and write.
    class SlowClock:
        @staticmethod
        def now():
            time.sleep(0.3)
            return timezone.now()

    monkeypatch.setattr(consults, "timezone", SlowClock)
    ask = functools.partial(consults.ask_on_guide, **CLEAN)
    results, _ = race([(ask, (doctor, guide_by_a)) for _ in range(4)])
    assert len({question.pk for question in results}) == 1
    assert Question.objects.count() == 1
    assert _new_question_notices(mentor_a.user).count() == 1
