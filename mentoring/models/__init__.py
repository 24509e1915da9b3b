"""The mentoring app's tables, split by concern."""

from .choices import (
    Audience,
    Cadence,
    CareerStage,
    EndReason,
    Experience,
    MatchingMode,
    ParticipationStatus,
    ProgrammeKind,
    ProgrammeStatus,
    RelationshipStatus,
    RequestStatus,
    Role,
    Topic,
)
from .consults import (
    Answer,
    Question,
    QuestionStatus,
    Report,
    ReportReason,
    ReportStatus,
)
from .matches import EXPIRE_AFTER_DAYS, REMIND_AFTER_DAYS, MatchRequest, Relationship
from .profiles import MenteeProfile, MentorOffer
from .programmes import MAX_CAPACITY, MIN_CAPACITY, Participation, Programme
from .sessions import Session, SessionNote
from .space import Agreement, CheckIn, ExitSurvey, Goal, RematchRequest
from .space_choices import ExitReason, GoalStatus, NoteVisibility, SessionStatus

__all__ = [
    # The relationship space (mentoring.models.space, sessions, space_choices).
    "Agreement",
    "CheckIn",
    "ExitReason",
    "ExitSurvey",
    "Goal",
    "GoalStatus",
    "NoteVisibility",
    "RematchRequest",
    "Session",
    "SessionNote",
    "SessionStatus",
    "EXPIRE_AFTER_DAYS",
    "MAX_CAPACITY",
    "MIN_CAPACITY",
    "REMIND_AFTER_DAYS",
    "Answer",
    "Audience",
    "Cadence",
    "CareerStage",
    "EndReason",
    "Experience",
    "MatchRequest",
    "MatchingMode",
    "MenteeProfile",
    "MentorOffer",
    "Participation",
    "ParticipationStatus",
    "Programme",
    "Question",
    "QuestionStatus",
    "ProgrammeKind",
    "ProgrammeStatus",
    "Relationship",
    "Report",
    "ReportReason",
    "ReportStatus",
    "RelationshipStatus",
    "RequestStatus",
    "Role",
    "Topic",
]
