"""The mentoring app's enums. Topic, career stage and experience carry the
matching engine's values (``mentoring.matching``), so rows convert one to one."""

from django.db import models


class ProgrammeKind(models.TextChoices):
    ONGOING = "ongoing", "Open all year"
    COHORT = "cohort", "Cohort with dates"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class MatchingMode(models.TextChoices):
    MENTEE_CHOOSES = "mentee_chooses", "The mentee chooses among suggestions; the mentor accepts"
    STAFF_MATCH = "staff_match", "Programme staff match mentees with mentors"


class Audience(models.TextChoices):
    ANYONE = "anyone", "Anyone signed in"
    MEMBERS = "members", "Members of the institution only"


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Role(models.TextChoices):
    MENTEE = "mentee", "Mentee"
    MENTOR = "mentor", "Mentor"


class ParticipationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Topic(models.TextChoices):
    CLINICAL = "clinical", "Clinical judgment"
    CAREER = "career", "Career navigation"
    PRACTICE = "practice", "Practice management"


class CareerStage(models.TextChoices):
    STUDENT = "student", "Medical student"
    RESIDENT = "resident", "Resident or fellow"
    EARLY_CAREER = "early_career", "Early career (first years in practice)"
    EXPERIENCED = "experienced", "Experienced"


class Experience(models.TextChoices):
    TRAINED_ABROAD = "trained_abroad", "Trained abroad (international medical graduate)"
    WOMAN_IN_SPECIALTY = "woman_in_specialty", "A woman in my specialty"
    RURAL_PRACTICE = "rural_practice", "Rural or low-resource practice"
    UNDER_REPRESENTED = "under_represented", "From a group under-represented in medicine"
    CAREER_BREAK = "career_break", "A career break"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the mentor"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired (no answer in 7 days)"
    WITHDRAWN = "withdrawn", "Withdrawn by the mentee"
    # Closed because the mentor left the programme: not an answer, so the mentor
    # is suggested to the mentee again if they come back.
    MENTOR_LEFT = "left", "Closed (the mentor left the programme)"


class RelationshipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class EndReason(models.TextChoices):
    COMPLETED = "completed", "The programme or the goals were completed"
    MENTEE_LEFT = "mentee_left", "The mentee chose to end it"
    MENTOR_LEFT = "mentor_left", "The mentor chose to end it"
    NOT_A_FIT = "not_a_fit", "Not a good fit"
    STAFF_ENDED = "staff_ended", "Ended by programme staff"
    OTHER = "other", "Other"
