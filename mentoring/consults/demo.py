"""Demo consults for ``seed_demo`` (registered in startup.py): the demo
doctor's answered question on the demo mentor's handoff guide, and an
open one, so "Ask the author" has something to show. Idempotent."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model

from cms.demo.registry import register_seeder
from cms.models import GuidePage

from ..models import Answer, Question, QuestionStatus

GUIDE_SLUG = "i-pass-handoffs"

ANSWERED = (
    "How much detail belongs in the action list?",
    "On nights I receive handoffs where the action list is either empty or a copy of the "
    "whole plan. How specific should the to-do items be, and should they include things "
    "that are only 'if needed'?",
    "Keep the action list to what the night clinician has to do, each with a time or a "
    "trigger: 'recheck potassium at 22:00 and replace if below 3.5'. Things that happen "
    "only if something changes belong in situation awareness and contingency planning "
    "instead ('if the blood pressure falls below 90 systolic, give a fluid bolus and "
    "call the ICU'). If an item has no owner and no time, it is not yet an action.",
)
OPEN = (
    "Handing over to a colleague from another specialty",
    "When I hand over surgical patients to a medical colleague at the weekend, what should "
    "I add to I-PASS so that they are comfortable with drains and wound checks?",
)


@register_seeder("mentoring_consults", order=30)
def seed_consults(stdout: Callable[[str], None]) -> None:
    guide = GuidePage.objects.live().filter(slug=GUIDE_SLUG).first()
    User = get_user_model()
    doctor = User.objects.filter(username="doctor").first()
    mentor = User.objects.filter(username="mentor").first()
    if guide is None or doctor is None or mentor is None:
        return
    title, body, answer = ANSWERED
    question, created = Question.objects.get_or_create(
        guide=guide, title=title, defaults={"asker": doctor, "body": body}
    )
    if created:
        Answer.objects.create(question=question, author=mentor, body=answer)
        question.status = QuestionStatus.ANSWERED
        question.save(update_fields=["status"])
        stdout(f"  consults: an answered question on {guide.title}")
    title, body = OPEN
    Question.objects.get_or_create(
        guide=guide, title=title, defaults={"asker": doctor, "body": body}
    )
