"""Rows to the matching engine's profiles (``mentoring.matching``)."""

from __future__ import annotations

from .availability import to_availability
from .matching import CareerStage, Experience, MenteeProfile, MentorProfile, Topic
from .models import MenteeProfile as MenteeRow
from .models import MentorOffer, Participation, Programme


def to_mentee(profile: MenteeRow) -> MenteeProfile:
    return MenteeProfile(
        user_id=profile.user_id,
        career_stage=CareerStage(profile.career_stage),
        specialty=profile.specialty,
        goals=frozenset(Topic(t) for t in profile.goals),
        languages=tuple(profile.languages),
        timezone=profile.time_zone,
        availability=to_availability(profile.availability),
        goal_text=profile.goal_text,
        wants_shared=frozenset(Experience(e) for e in profile.wants_shared),
        own_experiences=frozenset(Experience(e) for e in profile.own_experiences),
        department=profile.department,
        institution=profile.institution_name,
    )


def capacity_in(
    programme: Programme, participation: Participation | None, offer: MentorOffer
) -> int:
    """How many mentees a mentor takes in the programme: the staff's number for
    them if set, else the smaller of the programme's default and their offer."""
    if participation is not None and participation.capacity:
        return participation.capacity
    return min(programme.mentees_per_mentor, offer.capacity)


def to_mentor(offer: MentorOffer, capacity: int, current: int) -> MentorProfile:
    return MentorProfile(
        user_id=offer.user_id,
        topics=frozenset(Topic(t) for t in offer.topics),
        specialties=frozenset(offer.specialties),
        languages=tuple(offer.languages),
        timezone=offer.time_zone,
        capacity=capacity,
        availability=to_availability(offer.availability),
        current_mentees=current,
        shares=frozenset(Experience(e) for e in offer.shares),
        department=offer.department,
        institution=offer.institution_name,
        excludes_own_department=offer.excludes_own_department,
    )
