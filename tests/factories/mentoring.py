"""Factories for mentoring: programmes, participation, mentee profiles, mentor
offers, requests and relationships::

    ProgrammeFactory(cohort=True)             # a cohort with dates, open
    MenteeProfileFactory(user=doctor)         # a doctor asking for a mentor
    MentorOfferFactory(user=mentor_user)      # what a mentor offers
    ParticipationFactory(programme=p, user=u, role=Role.MENTOR)
    MatchRequestFactory(programme=p, mentee=a, mentor=b)   # pending, sent now
    RelationshipFactory(programme=p, mentee=a, mentor=b)   # active
"""

from datetime import date, timedelta

from django.utils import timezone

import factory
from factory.django import DjangoModelFactory

from mentoring.models import (
    EXPIRE_AFTER_DAYS,
    CareerStage,
    MatchRequest,
    MenteeProfile,
    MentorOffer,
    Participation,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
    Relationship,
    Role,
    Topic,
)
from tests.factories.content import InstitutionFactory
from tests.factories.users import UserFactory

TUESDAY_EVENING = [{"weekday": 1, "start": "18:00", "end": "21:00"}]


class ProgrammeFactory(DjangoModelFactory):
    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"Mentoring programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    description = "Monthly mentoring for doctors in their first years of practice."
    kind = ProgrammeKind.ONGOING
    status = ProgrammeStatus.OPEN
    mentees_per_mentor = 2

    class Meta:
        model = Programme

    class Params:
        cohort = factory.Trait(
            kind=ProgrammeKind.COHORT,
            starts_on=date(2026, 9, 1),
            ends_on=date(2027, 6, 30),
        )


class MenteeProfileFactory(DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    career_stage = CareerStage.EARLY_CAREER
    specialty = "Internal medicine"
    goals = factory.LazyFunction(lambda: [Topic.CAREER.value])
    languages = factory.LazyFunction(lambda: ["English"])
    time_zone = "America/Chicago"
    availability = factory.LazyFunction(lambda: list(TUESDAY_EVENING))

    class Meta:
        model = MenteeProfile


class MentorOfferFactory(DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    topics = factory.LazyFunction(lambda: [Topic.CAREER.value, Topic.CLINICAL.value])
    specialties = factory.LazyFunction(lambda: ["Internal medicine"])
    languages = factory.LazyFunction(lambda: ["English"])
    time_zone = "America/Chicago"
    availability = factory.LazyFunction(lambda: list(TUESDAY_EVENING))
    capacity = 2

    class Meta:
        model = MentorOffer


class ParticipationFactory(DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MENTEE

    class Meta:
        model = Participation


class MatchRequestFactory(DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    mentee = factory.SubFactory(UserFactory)
    mentor = factory.SubFactory(UserFactory)
    score = 80.0
    reasons = factory.LazyFunction(lambda: ["internal medicine", "3 hours a week overlap"])
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda r: r.created_at + timedelta(days=EXPIRE_AFTER_DAYS))

    class Meta:
        model = MatchRequest


class RelationshipFactory(DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    mentee = factory.SubFactory(UserFactory)
    mentor = factory.SubFactory(UserFactory)
    started_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Relationship
