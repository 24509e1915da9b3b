"""The consult notifications: kinds (registered in MentoringConfig.ready) and
the calls to notifications.services.notify, made inside the services'
transactions. Delivery happens after commit, in a task or cron, never in the request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from notifications import kinds
from notifications.services import notify

from ..models import Answer, Question
from . import permissions

NEW_QUESTION = kinds.Kind(
    key="mentoring_consult_question",
    label="New questions for you",
    description="When someone asks about a guide you wrote, or your mentee asks you a question.",
    group="Mentoring",
)
NEW_ANSWER = kinds.Kind(
    key="mentoring_consult_answer",
    label="Answers to your questions",
    description="When a mentor answers a question you asked.",
    group="Mentoring",
)


def register_kinds() -> None:
    kinds.register(NEW_QUESTION)
    kinds.register(NEW_ANSWER)


def question_url(question: Question) -> str:
    return reverse("consult_question", args=[question.pk])


def question_asked(question: Question) -> None:
    """Tell whoever should answer: the guide's authors, or the mentor."""
    if question.guide is not None:
        recipient_ids = permissions.guide_author_user_ids(question.guide)
        where = f"your guide “{question.guide.title}”"
    else:
        assert question.relationship is not None
        recipient_ids = {question.relationship.mentor_id}
        where = "your mentoring relationship"
    recipient_ids.discard(question.asker_id)
    text = (
        f"A new question on {where}: “{question.title}”.\n\nOpen it to read it in full and answer."
    )
    for user in get_user_model()._default_manager.filter(pk__in=recipient_ids):
        notify(
            user,
            NEW_QUESTION.key,
            subject=f"New question: {question.title}",
            text=text,
            url=question_url(question),
            dedupe_key=f"consult-question-{question.pk}",
        )


def answer_given(answer: Answer) -> None:
    question = answer.question
    asker: Any = question.asker
    if answer.author_id == asker.pk:
        return
    notify(
        asker,
        NEW_ANSWER.key,
        subject=f"Your question has an answer: {question.title}",
        text=f"A mentor answered your question “{question.title}”.",
        url=question_url(question),
        dedupe_key=f"consult-answer-{answer.pk}",
    )
