"""The mentor matching engine: pure Python, numpy and scipy, no Django.

The mentoring app turns its rows into ``MenteeProfile`` and ``MentorProfile``
and asks for a mentee's ``suggestions`` or a cohort's ``assign_cohort``.
"""

from .cohort import CohortAssignment, Unmatched, assign_cohort, check_pairs
from .overlap import overlap_hours
from .profiles import Availability, CareerStage, Experience, MenteeProfile, MentorProfile, Topic
from .score import HardLimit, Match, Reason, Weights, evaluate, hard_limit, score
from .suggest import suggestions, suggestions_for_all

__all__ = [
    "Availability",
    "CareerStage",
    "CohortAssignment",
    "Experience",
    "HardLimit",
    "Match",
    "MenteeProfile",
    "MentorProfile",
    "Reason",
    "Topic",
    "Unmatched",
    "Weights",
    "assign_cohort",
    "check_pairs",
    "evaluate",
    "hard_limit",
    "overlap_hours",
    "score",
    "suggestions",
    "suggestions_for_all",
]
