"""An answered question becomes a FAQ on its guide, as a draft.

"Add to my guide as a FAQ" appends a FAQ block (cms.blocks.FAQBlock) to the
guide's latest draft and saves it as a NEW REVISION: the live page does not
change. The author then opens the page editor and submits the draft to the CME
review workflow like any other edit. Only the guide's authors may do it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from wagtail.models import Revision

from ..models import Answer, Question
from . import permissions
from .services import ConsultError, NotAllowed

FAQ_QUESTION_MAX = 300


def faq_answer(question: Question, author: Any) -> Answer | None:
    """The answer the FAQ takes: the author's own latest, else the latest by any
    of the guide's authors, else the first visible answer."""
    answers = list(question.answers.filter(hidden=False).order_by("created_at", "pk"))
    if not answers:
        return None
    assert question.guide is not None
    authors = permissions.guide_author_user_ids(question.guide)
    own = [a for a in answers if a.author_id == author.pk]
    by_authors = [a for a in answers if a.author_id in authors]
    if own:
        return own[-1]
    if by_authors:
        return by_authors[-1]
    return answers[0]


def add_as_faq(user: Any, question: Question) -> Revision:
    """Append the question and its answer to the guide as a draft revision and
    record it on the question. Done once: asking again returns the same revision."""
    if not permissions.may_make_faq(user, question):
        raise NotAllowed
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.faq_revision is not None:
            return question.faq_revision
        answer = faq_answer(question, user)
        if answer is None:
            raise ConsultError("Answer the question first: a FAQ needs an answer.")
        assert question.guide is not None
        page = question.guide.specific
        if page.locked and page.locked_by_id != user.pk:
            raise ConsultError(
                "The guide is locked for editing by someone else. "
                "Try again when they have finished."
            )
        draft = page.get_latest_revision_as_object()
        draft.body.append(
            ("faq", {"question": question.title[:FAQ_QUESTION_MAX], "answer": answer.body})
        )
        revision = draft.save_revision(user=user, log_action=True)
        question.faq_revision = revision
        question.faq_added_at = timezone.now()
        question.faq_added_by = user
        question.save(update_fields=["faq_revision", "faq_added_at", "faq_added_by"])
    return revision
