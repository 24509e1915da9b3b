"""Consults in the privacy export and in account deletion (cms.personal_data).

Export (section ``mentoring_consults``): the person's questions (with the
answers to them the site shows them: not those a moderator hid), their
answers and their reports.

Deletion: the person's questions are deleted, with the answers to them (a
question is the asker's own account of their work). Their answers to other
people's questions stay, so the asker keeps the advice, shown as by "a former
member": the author link is cleared. Their reports stay for the moderation
record without the reporter or the note. The notices that told the guides'
authors or the mentor of their questions are deleted with them, e-mailed
or not (they quote the title)."""

from __future__ import annotations

from typing import Any

from notifications.services import withdraw

from ..models import Answer, Question, Report
from .notices import NEW_QUESTION


def export_section(user: Any) -> dict[str, Any]:
    questions = (
        Question.objects.filter(asker=user)
        .select_related("guide")
        .prefetch_related("answers")
        .order_by("created_at", "pk")
    )
    return {
        "questions": [
            {
                "title": q.title,
                "body": q.body,
                "asked_on": q.guide.title if q.guide is not None else "your mentor",
                "status": q.status,
                "created_at": q.created_at,
                "identifiers_confirmed_at": q.identifiers_confirmed_at,
                # As the asker sees them on the site: an answer a moderator
                # hid (patient details, say) is not theirs to take away.
                "answers": [
                    {"body": a.body, "created_at": a.created_at}
                    for a in q.answers.all()
                    if not a.hidden
                ],
            }
            for q in questions
        ],
        "answers": [
            {
                "question": a.question.title,
                "body": a.body,
                "created_at": a.created_at,
                "hidden": a.hidden,
            }
            for a in Answer.objects.filter(author=user)
            .select_related("question")
            .order_by("created_at", "pk")
        ],
        "reports": [
            {
                "about": "an answer" if r.answer_id else "a question",
                "reason": r.reason,
                "note": r.note,
                "status": r.status,
                "created_at": r.created_at,
            }
            for r in Report.objects.filter(reporter=user).order_by("created_at", "pk")
        ],
    }


def erase(user: Any) -> None:
    """Run inside the account deletion's transaction, before the user row is
    deleted or anonymised."""
    asked = list(Question.objects.filter(asker=user).values_list("pk", flat=True))
    # The authors' notices quote the question's title: they go with it.
    withdraw(NEW_QUESTION.key, [f"consult-question-{pk}" for pk in asked])
    Question.objects.filter(pk__in=asked).delete()
    Answer.objects.filter(author=user).update(author=None)
    Report.objects.filter(reporter=user).update(reporter=None, note="")
