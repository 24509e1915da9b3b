"""The mentoring services: joining, suggestions, requests, answers, and their refusals."""

from datetime import timedelta

from django.utils import timezone

import pytest

from mentoring.exceptions import MentoringError
from mentoring.models import (
    Audience,
    MatchingMode,
    MatchRequest,
    Participation,
    ParticipationStatus,
    ProgrammeStatus,
    Relationship,
    RequestStatus,
    Role,
)
from mentoring.notices import REQUEST_ACCEPTED, REQUEST_DECLINED, REQUEST_RECEIVED
from mentoring.services import asking, participation
from tests.factories import UserFactory
from tests.factories.mentoring import MenteeProfileFactory, MentorOfferFactory, ProgrammeFactory

from .conftest import mentee_in, mentor_in

pytestmark = pytest.mark.django_db


# --- Joining ------------------------------------------------------------------


def test_joining_needs_a_profile_then_is_idempotent(programme):
    user = UserFactory()
    with pytest.raises(MentoringError, match="fill in your mentee profile"):
        participation.join(user, programme, Role.MENTEE)
    MenteeProfileFactory(user=user)
    first = participation.join(user, programme, Role.MENTEE)
    again = participation.join(user, programme, Role.MENTEE)
    assert first.pk == again.pk
    assert Participation.objects.filter(user=user).count() == 1


def test_a_draft_or_closed_programme_takes_nobody():
    user = UserFactory()
    MenteeProfileFactory(user=user)
    for status in (ProgrammeStatus.DRAFT, ProgrammeStatus.CLOSED):
        with pytest.raises(MentoringError, match="not taking new participants"):
            participation.join(user, ProgrammeFactory(status=status), Role.MENTEE)


def test_a_members_only_programme_takes_verified_addresses_at_its_domains():
    from allauth.account.models import EmailAddress

    programme = ProgrammeFactory(
        audience=Audience.MEMBERS, member_email_domains="lakeshore.org\n@lakeshore.edu"
    )
    outsider = UserFactory(email="someone@elsewhere.org")
    MenteeProfileFactory(user=outsider)
    with pytest.raises(MentoringError, match="for members of"):
        participation.join(outsider, programme, Role.MENTEE)
    # An unverified address at the domain is not enough...
    EmailAddress.objects.create(user=outsider, email="someone@lakeshore.edu", verified=False)
    with pytest.raises(MentoringError):
        participation.join(outsider, programme, Role.MENTEE)
    # ... a verified one is.
    EmailAddress.objects.filter(user=outsider, email="someone@lakeshore.edu").update(verified=True)
    assert participation.join(outsider, programme, Role.MENTEE).is_active
    # The institution's staff are members.
    staff = UserFactory()
    programme.institution.staff.add(staff)
    MentorOfferFactory(user=staff)
    assert participation.join(staff, programme, Role.MENTOR).is_active


def test_withdrawing_closes_waiting_requests_and_joining_again_restores(programme):
    mentee = mentee_in(programme)
    mentor = mentor_in(programme)
    request = asking.send_request(mentee, programme, mentor.pk)
    assert participation.withdraw(mentee, programme, Role.MENTEE)
    assert not participation.withdraw(mentee, programme, Role.MENTEE)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert participation.join(mentee, programme, Role.MENTEE).status == ParticipationStatus.ACTIVE


def test_a_mentor_leaving_closes_what_waits_for_them_without_declining(programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    request = asking.send_request(mentee, programme, mentor.pk)
    participation.withdraw(mentor, programme, Role.MENTOR)
    request.refresh_from_db()
    assert request.status == RequestStatus.MENTOR_LEFT and request.responded_at
    assert asking.suggestions_for(mentee, programme) == []
    participation.join(mentor, programme, Role.MENTOR)
    assert [m.mentor_id for m in asking.suggestions_for(mentee, programme)] == [mentor.pk]


# --- Suggestions --------------------------------------------------------------


def test_suggestions_rank_mentors_and_leave_out_who_declined(programme):
    mentee = mentee_in(
        programme, wants_shared=["trained_abroad"], own_experiences=["trained_abroad"]
    )
    fits = mentor_in(programme, shares=["trained_abroad"])
    other = mentor_in(programme)
    no_language = mentor_in(programme, languages=["Tagalog"])
    outsider = UserFactory()
    MentorOfferFactory(user=outsider)  # an offer, but not in this programme
    found = asking.suggestions_for(mentee, programme)
    assert [m.mentor_id for m in found] == [fits.pk, other.pk]
    assert "both trained abroad" in found[0].summary
    assert no_language.pk not in [m.mentor_id for m in found]
    request = asking.send_request(mentee, programme, fits.pk)
    asking.decline(request.pk, fits)
    assert [m.mentor_id for m in asking.suggestions_for(mentee, programme)] == [other.pk]


def test_a_full_mentor_is_not_suggested(programme):
    mentee = mentee_in(programme)
    mentor = mentor_in(programme, capacity=1)
    Relationship.objects.create(
        programme=programme, mentee=mentee_in(programme), mentor=mentor, started_at=timezone.now()
    )
    assert asking.suggestions_for(mentee, programme) == []


# --- Requests -----------------------------------------------------------------


def test_sending_a_request_keeps_score_reasons_and_tells_the_mentor(
    programme, sent, django_capture_on_commit_callbacks
):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        request = asking.send_request(mentee, programme, mentor.pk, "  Hello!  ", now=now)
    assert request.status == RequestStatus.PENDING
    assert request.message == "Hello!"
    assert request.score > 0 and "Internal medicine" in request.reasons
    assert request.expires_at == now + timedelta(days=7)
    assert [(call[0], call[1]) for call in sent] == [(mentor, REQUEST_RECEIVED)]
    # The same click again changes nothing and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert asking.send_request(mentee, programme, mentor.pk).pk == request.pk
    assert len(sent) == 1


def test_one_waiting_request_at_a_time(programme):
    mentee = mentee_in(programme)
    first, second = mentor_in(programme), mentor_in(programme)
    asking.send_request(mentee, programme, first.pk)
    with pytest.raises(MentoringError, match="is still waiting"):
        asking.send_request(mentee, programme, second.pk)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("staff_match", "the staff match"),
        ("closed", "not taking requests"),
        ("not_joined", "not taking part"),
        ("has_mentor", "already have a mentor"),
        ("self", "your own mentor"),
        ("stranger", "not taking part in this programme"),
        ("no_language", "share no language"),
        ("own_department", "own department"),
    ],
)
def test_a_request_is_refused_with_a_reason(programme, setup, message):
    mentee = mentee_in(programme, department="Medicine", institution_name="Lakeshore")
    mentor = mentor_in(programme)
    target = mentor.pk
    if setup == "staff_match":
        programme.matching_mode = MatchingMode.STAFF_MATCH
        programme.save()
    elif setup == "closed":
        programme.status = ProgrammeStatus.CLOSED
        programme.save()
    elif setup == "not_joined":
        Participation.objects.filter(user=mentee).delete()
    elif setup == "has_mentor":
        Relationship.objects.create(
            programme=programme, mentee=mentee, mentor=mentor, started_at=timezone.now()
        )
    elif setup == "self":
        MentorOfferFactory(user=mentee)
        participation.join(mentee, programme, Role.MENTOR)
        target = mentee.pk
    elif setup == "stranger":
        target = UserFactory().pk
    elif setup == "no_language":
        target = mentor_in(programme, languages=["French"]).pk
    elif setup == "own_department":
        target = mentor_in(
            programme,
            department="medicine",
            institution_name="lakeshore",
            excludes_own_department=True,
        ).pk
    with pytest.raises(MentoringError, match=message):
        asking.send_request(mentee, programme, target)
    assert not MatchRequest.objects.filter(mentee=mentee).exists()


def test_accepting_starts_the_relationship_once(
    programme, sent, django_capture_on_commit_callbacks
):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    request = asking.send_request(mentee, programme, mentor.pk)
    sent.clear()  # the mentor's "request received"
    with django_capture_on_commit_callbacks(execute=True):
        relationship = asking.accept(request.pk, mentor)
    assert relationship.mentee == mentee and relationship.from_request == request
    assert asking.accept(request.pk, mentor).pk == relationship.pk  # a second click
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED and request.responded_at
    assert [call[1] for call in sent] == [REQUEST_ACCEPTED]
    assert sent[0][0] == mentee


def test_a_mentor_cannot_accept_past_their_capacity(programme):
    mentor = mentor_in(programme, capacity=1)
    first = asking.send_request(mentee_in(programme), programme, mentor.pk)
    second = asking.send_request(mentee_in(programme), programme, mentor.pk)
    asking.accept(first.pk, mentor)
    with pytest.raises(MentoringError, match="1 of your 1 places are taken"):
        asking.accept(second.pk, mentor)
    second.refresh_from_db()
    assert second.status == RequestStatus.PENDING
    assert Relationship.objects.filter(mentor=mentor).count() == 1


def test_capacity_is_the_staff_number_else_the_smaller_of_programme_and_offer(programme):
    from mentoring.services.pool import mentor_profiles

    programme.mentees_per_mentor = 3
    programme.save()
    mentor_in(programme, capacity=None)  # offer of 2 (factory), programme 3: 2
    mentor_in(programme, capacity=5)  # staff said 5
    assert [m.capacity for m in mentor_profiles(programme)] == [2, 5]


def test_only_the_mentor_answers_and_only_while_waiting(
    programme, sent, django_capture_on_commit_callbacks
):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    request = asking.send_request(mentee, programme, mentor.pk)
    sent.clear()  # the mentor's "request received"
    with pytest.raises(MentoringError, match="no such request"):
        asking.accept(request.pk, mentee)
    with pytest.raises(MentoringError, match="no such request"):
        asking.decline(request.pk, UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        asking.decline(request.pk, mentor, "I am away until spring.")
    asking.decline(request.pk, mentor)  # again: nothing changes
    request.refresh_from_db()
    assert request.decline_note == "I am away until spring."
    assert [call[1] for call in sent] == [REQUEST_DECLINED]
    with pytest.raises(MentoringError, match="no longer waiting: declined"):
        asking.accept(request.pk, mentor)


def test_an_expired_request_cannot_be_accepted(programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    past = timezone.now() - timedelta(days=8)
    request = asking.send_request(mentee, programme, mentor.pk, now=past)
    with pytest.raises(MentoringError, match="expired"):
        asking.accept(request.pk, mentor)


def test_the_mentee_withdraws_and_may_ask_again(programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    request = asking.send_request(mentee, programme, mentor.pk)
    with pytest.raises(MentoringError):
        asking.withdraw_request(request.pk, mentor)
    asking.withdraw_request(request.pk, mentee)
    asking.withdraw_request(request.pk, mentee)
    assert asking.send_request(mentee, programme, mentor.pk).pk != request.pk
