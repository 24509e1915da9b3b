"""A mentoring pair for the relationship-space tests: a Chicago mentor and a
Lagos mentee in an open programme, with e-mail addresses (for invitations)."""

from dataclasses import dataclass

from mentoring.models import Relationship
from tests.factories import UserFactory
from tests.factories.mentoring import (
    MenteeProfileFactory,
    MentorOfferFactory,
    ProgrammeFactory,
    RelationshipFactory,
)


@dataclass
class Pair:
    relationship: Relationship
    mentee: object
    mentor: object


def make_pair(mentee_zone="Africa/Lagos", mentor_zone="America/Chicago", tag="", **programme):
    mentee = UserFactory(first_name="Ngozi", last_name="Eze", email=f"ngozi{tag}@example.org")
    mentor = UserFactory(first_name="Paul", last_name="Novak", email=f"paul{tag}@example.org")
    MenteeProfileFactory(user=mentee, time_zone=mentee_zone)
    MentorOfferFactory(user=mentor, time_zone=mentor_zone)
    relationship = RelationshipFactory(
        programme=ProgrammeFactory(**programme), mentee=mentee, mentor=mentor
    )
    return Pair(relationship, mentee, mentor)
