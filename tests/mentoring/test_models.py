"""The database refuses what the mentoring rules forbid, whatever the code above it does."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import pytest

from mentoring.models import (
    MatchRequest,
    MenteeProfile,
    Programme,
    ProgrammeKind,
    RelationshipStatus,
    RequestStatus,
    Role,
)
from tests.factories import InstitutionFactory, UserFactory
from tests.factories.mentoring import (
    MatchRequestFactory,
    MenteeProfileFactory,
    MentorOfferFactory,
    ParticipationFactory,
    ProgrammeFactory,
    RelationshipFactory,
)

pytestmark = pytest.mark.django_db


def test_a_cohort_needs_dates():
    institution = InstitutionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.create(
            institution=institution, title="Cohort", slug="c", kind=ProgrammeKind.COHORT
        )
    Programme.objects.create(
        institution=institution, title="All year", slug="o", kind=ProgrammeKind.ONGOING
    )


def test_a_programme_ends_after_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeFactory(cohort=True, starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 1))
    ProgrammeFactory(cohort=True, starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 2))


@pytest.mark.parametrize("capacity", [0, 11])
def test_mentees_per_mentor_is_1_to_10(capacity):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeFactory(mentees_per_mentor=capacity)


def test_the_model_validation_explains_a_cohort_without_dates():
    programme = ProgrammeFactory.build(
        institution=InstitutionFactory(), kind=ProgrammeKind.COHORT, slug="x"
    )
    with pytest.raises(ValidationError, match="A cohort needs a start date and an end date"):
        programme.full_clean()


def test_one_participation_per_programme_user_and_role():
    first = ParticipationFactory(role=Role.MENTEE)
    ParticipationFactory(programme=first.programme, user=first.user, role=Role.MENTOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationFactory(programme=first.programme, user=first.user, role=Role.MENTEE)


def test_only_a_mentor_has_a_capacity_override():
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationFactory(role=Role.MENTEE, capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationFactory(role=Role.MENTOR, capacity=11)
    assert ParticipationFactory(role=Role.MENTOR, capacity=3).capacity == 3


def test_one_pending_request_per_mentee_per_programme():
    first = MatchRequestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchRequestFactory(programme=first.programme, mentee=first.mentee)
    # Once answered, the mentee may ask someone else.
    MatchRequest.objects.filter(pk=first.pk).update(
        status=RequestStatus.DECLINED, responded_at=timezone.now()
    )
    MatchRequestFactory(programme=first.programme, mentee=first.mentee)
    # And another programme is another matter.
    MatchRequestFactory(mentee=first.mentee)


def test_nobody_requests_or_mentors_themselves():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchRequestFactory(mentee=user, mentor=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationshipFactory(mentee=user, mentor=user)


def test_an_answered_request_has_its_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchRequestFactory(status=RequestStatus.ACCEPTED)


def test_a_request_expires_after_it_is_sent():
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchRequestFactory(created_at=now, expires_at=now - timedelta(seconds=1))


def test_one_active_relationship_per_mentee_per_programme():
    first = RelationshipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationshipFactory(programme=first.programme, mentee=first.mentee)
    first.status = RelationshipStatus.ENDED
    first.ended_at = timezone.now()
    first.save()
    RelationshipFactory(programme=first.programme, mentee=first.mentee)


def test_an_ended_relationship_has_an_end_time_and_an_active_one_none():
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationshipFactory(status=RelationshipStatus.ENDED)
    with pytest.raises(IntegrityError), transaction.atomic():
        RelationshipFactory(ended_at=timezone.now())


def test_a_mentor_offer_takes_1_to_10_mentees():
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorOfferFactory(capacity=0)


def test_profile_validation_refuses_bad_windows_topics_and_zones():
    profile = MenteeProfileFactory.build(
        user=UserFactory(),
        availability=[{"weekday": 7, "start": "18:00", "end": "19:00"}],
        goals=["astrology"],
        time_zone="Mars/Olympus",
    )
    with pytest.raises(ValidationError) as caught:
        profile.full_clean()
    errors = caught.value.message_dict
    assert "weekday must be 0 (Monday) to 6 (Sunday)" in errors["availability"][0]
    assert errors["goals"] == ["Choose topics from the list."]
    assert "time_zone" in errors
    assert MenteeProfile.objects.count() == 0
