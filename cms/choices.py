from django.db import models


class Topic(models.TextChoices):
    CLINICAL = "clinical", "Clinical judgment"
    CAREER = "career", "Career navigation"
    PRACTICE = "practice", "Practice management"


TOPIC_BLURBS = {
    Topic.CLINICAL: "Reasoning at the bedside: recognising the sick patient, avoiding bias, "
    "and the conversations that matter.",
    Topic.CAREER: "From the match to your first contract and beyond: choices, mentors "
    "and staying well.",
    Topic.PRACTICE: "Running a safe, sustainable practice: documentation, teams, money "
    "and quality.",
}


class AudienceLevel(models.TextChoices):
    STUDENT = "student", "Medical student"
    RESIDENT = "resident", "Resident"
    EARLY_CAREER = "early_career", "Early-career physician"
    EXPERIENCED = "experienced", "Experienced physician"


class PracticeSetting(models.TextChoices):
    ACADEMIC = "academic", "Academic medical center"
    COMMUNITY = "community", "Community hospital"
    RURAL = "rural", "Rural or critical access"
    PRIVATE = "private", "Private or group practice"


# ACCME Standards for Integrity and Independence in Accredited Continuing
# Education (2020), Standard 3: the kinds of financial relationship with an
# ineligible company that must be disclosed, whatever the amount.
class RelationshipNature(models.TextChoices):
    EMPLOYEE = "employee", "Employee"
    EXECUTIVE = "executive", "Executive role"
    OWNER = "owner", "Ownership interest (privately held company)"
    STOCK = "stock", "Individual stocks or stock options (publicly traded company)"
    RESEARCHER = "researcher", "Researcher"
    CONSULTANT = "consultant", "Consultant"
    ADVISOR = "advisor", "Advisor"
    SPEAKER = "speaker", "Speaker"
    CONTRACTOR = "contractor", "Independent contractor (including contracted research)"
    ROYALTIES = "royalties", "Royalties or patent beneficiary"
    OTHER = "other", "Other"


# Owners and employees of ineligible companies may not control accredited
# content (Standard 3.2) unless one of the three exceptions applies. Stock in
# a publicly traded company and patent royalties do not make someone an owner.
OWNER_OR_EMPLOYEE = frozenset(
    {RelationshipNature.EMPLOYEE, RelationshipNature.EXECUTIVE, RelationshipNature.OWNER}
)


class OwnerException(models.TextChoices):
    UNRELATED = (
        "unrelated",
        ("The content is not related to the business lines or products of the company"),
    )
    BASIC_SCIENCE = (
        "basic_science",
        (
            "The content is limited to basic science research or research methodology, "
            "and the person makes no care recommendations"
        ),
    )
    DEVICE_TECHNICIAN = (
        "device_technician",
        (
            "The person teaches the safe and proper use of a medical device as a technician, "
            "and does not recommend whether or when the device is used"
        ),
    )


class MitigationMethod(models.TextChoices):
    PEER_REVIEW = (
        "peer_review",
        ("Content peer-reviewed by someone with no relevant financial relationships"),
    )
    EVIDENCE_CHECK = (
        "evidence_check",
        ("Recommendations checked against the best available evidence and guidelines"),
    )
    ROLE_CHANGED = (
        "role_changed",
        "Role changed so the person no longer controls the related content",
    )
    CONTENT_LIMITED = (
        "content_limited",
        ("Content limited to areas unrelated to the company's products"),
    )
    REMOVED = "removed", "Person removed from the content or its planning"
    OTHER = "other", "Other (described in the reason)"


class ContentRole(models.TextChoices):
    FACULTY = "faculty", "Faculty (author)"
    PLANNER = "planner", "Planner"
    REVIEWER = "reviewer", "CME reviewer"
