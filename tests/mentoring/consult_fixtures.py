"""Fixtures shared by the consult tests (imported by name by each module)."""

import pytest

from tests.factories import MentorFactory, UserFactory
from tests.factories.mentoring import RelationshipFactory


@pytest.fixture
def other_mentor(db):
    """A mentor who did not write the guide: may add answers."""
    return MentorFactory(
        user=UserFactory(username="mentor-c", mentor=True), name="Chidi Okafor", slug="chidi"
    )


@pytest.fixture
def moderator(db):
    """Institution staff: moderates public consults."""
    from tests.factories import InstitutionFactory

    user = UserFactory(username="staff-mod", staff=True)
    InstitutionFactory().staff.add(user)
    return user


@pytest.fixture
def pair(db):
    """An active mentoring relationship (mentee, mentor)."""
    return RelationshipFactory(
        mentee=UserFactory(username="mentee-m"), mentor=UserFactory(username="mentor-m")
    )


CLEAN = {
    "title": "Repeat troponin after a normal first one?",
    "body": "A man in his fifties with two hours of chest pain has a normal first "
    "high-sensitivity troponin. When do you repeat it?",
}
