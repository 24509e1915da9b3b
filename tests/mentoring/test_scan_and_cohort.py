"""The scheduled scan (reminders and expiry, with a controlled clock) and the
staff's cohort table."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

import pytest

from mentoring.exceptions import MentoringError
from mentoring.models import MatchRequest, Relationship, RequestStatus
from mentoring.notices import REQUEST_EXPIRED, REQUEST_REMINDER
from mentoring.services import asking, cohort
from mentoring.services.scan import scan

from .conftest import mentee_in, mentor_in

pytestmark = pytest.mark.django_db


def test_reminder_after_three_days_once(programme, sent, django_capture_on_commit_callbacks):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    start = timezone.now()
    request = asking.send_request(mentee, programme, mentor.pk, now=start)
    sent.clear()  # the mentor's "request received"
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(start + timedelta(days=2, hours=23)).reminded == 0
        assert scan(start + timedelta(days=3)).reminded == 1
        assert scan(start + timedelta(days=4)).reminded == 0
    request.refresh_from_db()
    assert request.reminded_at == start + timedelta(days=3)
    assert [(c[0], c[1]) for c in sent] == [(mentor, REQUEST_REMINDER)]


def test_expiry_after_seven_days_offers_the_next_suggestion(
    programme, sent, django_capture_on_commit_callbacks
):
    mentee = mentee_in(programme)
    first = mentor_in(programme, shares=["rural_practice"])
    second = mentor_in(programme)
    mentee.mentee_profile.wants_shared = ["rural_practice"]
    mentee.mentee_profile.save()
    start = timezone.now()
    request = asking.send_request(mentee, programme, first.pk, now=start)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(start + timedelta(days=6, hours=23)).expired == 0
        result = scan(start + timedelta(days=7))
        assert scan(start + timedelta(days=8)).expired == 0  # idempotent
    assert result.expired == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
    assert request.next_suggestion == second
    expired = [c for c in sent if c[1] == REQUEST_EXPIRED]
    assert len(expired) == 1 and expired[0][0] == mentee
    assert "Your next suggestion is" in expired[0][3]
    # The mentor who let it expire is not suggested again.
    assert [m.mentor_id for m in asking.suggestions_for(mentee, programme)] == [second.pk]


def test_a_request_already_answered_is_left_alone(programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    start = timezone.now()
    request = asking.send_request(mentee, programme, mentor.pk, now=start)
    asking.accept(request.pk, mentor, now=start + timedelta(days=1))
    assert scan(start + timedelta(days=30)) == scan(start + timedelta(days=31))
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED and request.reminded_at is None


def test_the_command_takes_a_moment(programme, capsys):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    start = timezone.now()
    asking.send_request(mentee, programme, mentor.pk, now=start)
    call_command("mentoring_scan", now=(start + timedelta(days=8)).isoformat())
    assert "Reminded 0, expired 1." in capsys.readouterr().out
    assert MatchRequest.objects.get().status == RequestStatus.EXPIRED


# --- Cohort -------------------------------------------------------------------


def test_the_table_pairs_everyone_who_can_be_paired(programme):
    a = mentee_in(programme, wants_shared=["career_break"])
    b = mentee_in(programme)
    c = mentee_in(programme, languages=["Portuguese"])
    fits_a = mentor_in(programme, capacity=1, shares=["career_break"])
    other = mentor_in(programme, capacity=1)
    table = cohort.cohort_table(programme)
    assert table.pairs == [(a.pk, fits_a.pk), (b.pk, other.pk)]
    unmatched = [row for row in table.rows if row.mentor is None]
    assert [row.mentee for row in unmatched] == [c]
    assert "no shared language" in unmatched[0].problem
    assert table.problems == []
    rows = {row.mentee: row for row in table.rows}
    assert "took a career break" in "; ".join(rows[a].reasons)


def test_staff_adjustments_are_checked_in_words(programme):
    a, b = mentee_in(programme), mentee_in(programme)
    mentor = mentor_in(programme, capacity=1)
    mentor.first_name, mentor.last_name = "Rosa", "Ng"
    mentor.save()
    table = cohort.cohort_table(programme, chosen={a.pk: mentor.pk, b.pk: mentor.pk})
    assert table.problems == ["Mentor Rosa Ng has room for 1 but is given 2"]
    with pytest.raises(MentoringError, match="Rosa Ng has room for 1 but is given 2"):
        cohort.confirm(programme, table.pairs)
    assert not Relationship.objects.exists()


def test_confirming_creates_the_relationships_and_takes_them_out_of_the_table(programme):
    a, b = mentee_in(programme), mentee_in(programme)
    mentor = mentor_in(programme, capacity=2)
    table = cohort.cohort_table(programme)
    created = cohort.confirm(programme, table.pairs)
    assert {(r.mentee, r.mentor) for r in created} == {(a, mentor), (b, mentor)}
    assert all(r.from_request is None for r in created)
    assert cohort.cohort_table(programme).rows == []
    # The same table confirmed twice: refused, nothing doubled.
    with pytest.raises(MentoringError, match="not in this cohort"):
        cohort.confirm(programme, table.pairs)
    assert Relationship.objects.count() == 2


def test_a_declined_pair_is_not_suggested_by_the_table(programme):
    mentee = mentee_in(programme)
    first, second = mentor_in(programme), mentor_in(programme)
    request = asking.send_request(mentee, programme, first.pk)
    asking.decline(request.pk, first)
    assert cohort.cohort_table(programme).pairs == [(mentee.pk, second.pk)]
    table = cohort.cohort_table(programme, chosen={mentee.pk: first.pk})
    assert table.problems and "declined or let expire" in table.problems[0]
