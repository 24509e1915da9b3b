import pytest

from mentoring.models import Role
from tests.factories import UserFactory
from tests.factories.mentoring import (
    MenteeProfileFactory,
    MentorOfferFactory,
    ParticipationFactory,
    ProgrammeFactory,
)


def mentee_in(programme, username=None, **profile):
    user = UserFactory(**({"username": username} if username else {}))
    MenteeProfileFactory(user=user, **profile)
    ParticipationFactory(programme=programme, user=user, role=Role.MENTEE)
    return user


def mentor_in(programme, username=None, capacity=None, **offer):
    user = UserFactory(**({"username": username} if username else {}))
    MentorOfferFactory(user=user, **offer)
    ParticipationFactory(programme=programme, user=user, role=Role.MENTOR, capacity=capacity)
    return user


@pytest.fixture
def programme(db):
    return ProgrammeFactory(slug="first-years", title="First years in practice")


@pytest.fixture
def sent(monkeypatch):
    """The notices the services hand over, as (user, kind, subject, text, url, key)."""
    calls = []
    monkeypatch.setattr("mentoring.notices._send", lambda *args: calls.append(args))
    return calls
