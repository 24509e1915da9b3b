"""A demo mentoring programme at the demo institution: four mentors' offers,
and the ``doctor`` demo user as a mentee whose request waits for a mentor.
Registered with ``seed_demo``; idempotent: what exists is left alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from cms.demo.registry import register_seeder
from cms.models import Institution

from ..models import (
    Cadence,
    MatchRequest,
    MenteeProfile,
    MentorOffer,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
    Role,
)
from ..services import asking, participation

Say = Callable[[str], object]

SLUG = "first-years-in-practice"
DESCRIPTION = (
    "For doctors in their first three years as attendings, wherever they trained. "
    "Pick a mentor from your suggestions, meet once a month for an hour by video, and "
    "bring whatever is on your mind: a hard case, a contract, a rota that does not work, "
    "or the question of what comes next."
)


def _window(day: int, start: str, end: str) -> dict[str, Any]:
    return {"weekday": day, "start": start, "end": end}


# username, first, last, offer
MENTORS: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "mentor",
        "Daniel",
        "Reyes",
        {
            "topics": ["clinical", "career"],
            "specialties": ["Hospital medicine", "Internal medicine"],
            "languages": ["English", "Spanish"],
            "time_zone": "America/Chicago",
            "availability": [_window(1, "18:00", "20:00"), _window(3, "18:00", "20:00")],
            "capacity": 3,
            "shares": ["trained_abroad"],
        },
    ),
    (
        "mentor-grace",
        "Grace",
        "Mensah",
        {
            "topics": ["career", "practice"],
            "specialties": ["Family medicine"],
            "languages": ["English", "French"],
            "time_zone": "America/Denver",
            "availability": [_window(5, "08:00", "11:00")],
            "capacity": 2,
            "shares": ["rural_practice", "woman_in_specialty", "trained_abroad"],
        },
    ),
    (
        "mentor-luis",
        "Luis",
        "Ortega",
        {
            "topics": ["clinical", "practice"],
            "specialties": ["Internal medicine"],
            "languages": ["Spanish", "English"],
            "time_zone": "America/Los_Angeles",
            "availability": [_window(1, "17:00", "19:00")],
            "capacity": 2,
            "shares": ["under_represented"],
        },
    ),
    (
        "mentor-ingrid",
        "Ingrid",
        "Holm",
        {
            "topics": ["career"],
            "specialties": ["Emergency medicine"],
            "languages": ["English", "Norwegian"],
            "time_zone": "Europe/Oslo",
            "availability": [_window(5, "15:00", "18:00")],
            "capacity": 2,
            "shares": ["career_break", "woman_in_specialty"],
        },
    ),
]

DOCTOR_PROFILE: dict[str, Any] = {
    "career_stage": "early_career",
    "specialty": "Internal medicine",
    "goals": ["career", "practice"],
    "goal_text": "I started as a hospitalist last year and want help planning the next "
    "few years, and with running a service without burning out.",
    "languages": ["English", "Mandarin"],
    "time_zone": "America/Chicago",
    "availability": [_window(1, "19:00", "21:00"), _window(5, "09:00", "11:00")],
    "wants_shared": ["woman_in_specialty"],
}


@register_seeder("mentoring", order=20)
@transaction.atomic
def seed_mentoring(stdout: Say) -> None:
    institution = Institution.objects.order_by("pk").first()
    User = get_user_model()
    if institution is None or not User.objects.filter(username="doctor").exists():
        return
    programme, created = Programme.objects.get_or_create(
        slug=SLUG,
        defaults={
            "institution": institution,
            "title": "First years in practice",
            "description": DESCRIPTION,
            "kind": ProgrammeKind.ONGOING,
            "cadence": Cadence.MONTHLY,
            "mentees_per_mentor": 3,
            "status": ProgrammeStatus.OPEN,
        },
    )
    if created:
        stdout(f"  mentoring programme {programme.title}")
    for username, first, last, offer in MENTORS:
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@curbside.example",
            },
        )
        if made:
            user.set_unusable_password()
            user.save()
        MentorOffer.objects.get_or_create(user=user, defaults=offer)
        participation.join(user, programme, Role.MENTOR)
    doctor = User.objects.get(username="doctor")
    MenteeProfile.objects.get_or_create(user=doctor, defaults=DOCTOR_PROFILE)
    participation.join(doctor, programme, Role.MENTEE)
    if not MatchRequest.objects.filter(programme=programme, mentee=doctor).exists():
        best = asking.suggestions_for(doctor, programme, limit=1)
        if best:
            asking.send_request(
                doctor,
                programme,
                best[0].mentor_id,
                "Hello! I would value your view on my first years as a hospitalist.",
            )
            stdout("  mentee doctor: a request waiting for a mentor")
