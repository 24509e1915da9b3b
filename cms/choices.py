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
