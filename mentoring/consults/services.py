"""Asking, answering, reporting and moderating consults: the only writers.

Each call checks permission (mentoring.consults.permissions) and re-runs the
identifier check on the server, whatever the form showed. Rate limits are the
views' business (ratelimit.py); these functions are what they protect."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.models import GuidePage

from ..models import (
    Answer,
    Question,
    QuestionStatus,
    Relationship,
    Report,
    ReportReason,
    ReportStatus,
)
from ..models.consults import ANSWER_MAX, BODY_MAX, TITLE_MAX
from . import notices, permissions
from .identifiers import Finding, find_identifiers

# A question sent again unchanged within this time is the same question.
REPEAT_WINDOW = datetime.timedelta(minutes=10)


class ConsultError(Exception):
    """Bad input: a message for the form (on ``field``), and the identifier
    check's findings when that was the reason."""

    def __init__(
        self, message: str, field: str | None = None, findings: list[Finding] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.findings = findings or []


class NotAllowed(Exception):
    """The person may not do this (the views answer 404 or 403)."""


def check_question_text(title: str, body: str, confirmed: bool) -> list[Finding]:
    """The findings in title and body (offsets into ``title + "\\n\\n" + body``);
    raises ConsultError when there are findings and no confirmation."""
    title, body = title.strip(), body.strip()
    if not title:
        raise ConsultError("Give your question a short title.", "title")
    if not body:
        raise ConsultError("Write your question.", "body")
    if len(title) > TITLE_MAX:
        raise ConsultError(f"Keep the title under {TITLE_MAX} characters.", "title")
    if len(body) > BODY_MAX:
        raise ConsultError(f"Keep the question under {BODY_MAX} characters.", "body")
    findings = find_identifiers(f"{title}\n\n{body}")
    if findings and not confirmed:
        raise ConsultError(
            "This may contain patient identifiers. Remove them, or tick the box to "
            "confirm there are none.",
            "body",
            findings,
        )
    return findings


def _create_question(asker: Any, title: str, body: str, confirmed: bool, **target: Any) -> Question:
    """Write the question and tell whoever answers. The same question sent
    again by the same person to the same guide or mentor within
    ``REPEAT_WINDOW`` (a double click, the form sent again) is the first one:
    it is returned, and nobody is told twice. The asker's row is locked while
    checking, so two identical posts at once are settled one after the other
    (on SQLite every write transaction already begins IMMEDIATE)."""
    check_question_text(title, body, confirmed)
    title, body = title.strip(), body.strip()
    with transaction.atomic():
        get_user_model().objects.select_for_update().only("pk").get(pk=asker.pk)
        now = timezone.now()
        repeat = (
            Question.objects.filter(
                asker=asker, title=title, body=body, created_at__gte=now - REPEAT_WINDOW, **target
            )
            .exclude(status=QuestionStatus.HIDDEN)
            .order_by("created_at", "pk")
            .first()
        )
        if repeat is not None:
            return repeat
        question = Question.objects.create(
            asker=asker,
            title=title,
            body=body,
            identifiers_confirmed_at=now if confirmed else None,
            created_at=now,
            **target,
        )
        notices.question_asked(question)
    return question


def ask_on_guide(
    asker: Any, guide: GuidePage, *, title: str, body: str, confirmed: bool = False
) -> Question:
    """A public question to the guide's authors ("ask the author")."""
    if not guide.live or not permissions.may_ask_on_guide(asker, guide):
        raise NotAllowed
    return _create_question(asker, title, body, confirmed, guide=guide)


def ask_in_relationship(
    asker: Any, relationship: Relationship, *, title: str, body: str, confirmed: bool = False
) -> Question:
    """A private question from the mentee to their mentor."""
    if not permissions.may_ask_in_relationship(asker, relationship):
        raise NotAllowed
    return _create_question(asker, title, body, confirmed, relationship=relationship)


def answer_question(author: Any, question: Question, *, body: str) -> Answer:
    if not permissions.may_answer(author, question):
        raise NotAllowed
    body = body.strip()
    if not body:
        raise ConsultError("Write your answer.", "body")
    if len(body) > ANSWER_MAX:
        raise ConsultError(f"Keep the answer under {ANSWER_MAX} characters.", "body")
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        if locked.is_hidden:
            raise NotAllowed
        answer = Answer.objects.create(question=locked, author=author, body=body)
        if locked.status == QuestionStatus.OPEN:
            locked.status = QuestionStatus.ANSWERED
            locked.save(update_fields=["status"])
        question.status = locked.status
        notices.answer_given(answer)
    return answer


def report(
    reporter: Any,
    *,
    question: Question | None = None,
    answer: Answer | None = None,
    reason: str,
    note: str = "",
) -> Report:
    """Report a question or an answer to the moderators. Reporting the same
    thing again while the first report is open changes nothing."""
    if (question is None) == (answer is None):
        raise ValueError("Report one question or one answer.")
    if question is not None and not permissions.may_report_question(reporter, question):
        raise NotAllowed
    if answer is not None and not permissions.may_report_answer(reporter, answer):
        raise NotAllowed
    if reason not in ReportReason.values:
        raise ConsultError("Choose a reason.", "reason")
    target: dict[str, Any] = {"question": question} if question is not None else {"answer": answer}
    open_reports = Report.objects.filter(reporter=reporter, status=ReportStatus.OPEN, **target)
    try:
        with transaction.atomic():
            existing = open_reports.first()
            if existing is not None:
                return existing
            return Report.objects.create(
                reporter=reporter, reason=reason, note=note.strip()[:1000], **target
            )
    except IntegrityError:
        # The same report sent twice at once: the database's unique
        # constraint kept one; the second sender gets that one.
        existing = open_reports.first()
        if existing is None:
            raise
        return existing


# --- Moderation ---------------------------------------------------------------


def _visible_status(question: Question) -> str:
    answered = question.answers.filter(hidden=False).exists()
    return QuestionStatus.ANSWERED if answered else QuestionStatus.OPEN


def _require_moderator(moderator: Any) -> None:
    if not permissions.may_moderate(moderator):
        raise NotAllowed


def set_question_hidden(moderator: Any, question: Question, hidden: bool) -> Question:
    _require_moderator(moderator)
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        status = QuestionStatus.HIDDEN if hidden else _visible_status(question)
        if question.status != status:
            question.status = status
            question.save(update_fields=["status"])
        if hidden:
            _close_reports(moderator, Report.objects.filter(question=question), ReportStatus.UPHELD)
    return question


def set_answer_hidden(moderator: Any, answer: Answer, hidden: bool) -> Answer:
    _require_moderator(moderator)
    with transaction.atomic():
        answer = Answer.objects.select_for_update().select_related("question").get(pk=answer.pk)
        if answer.hidden != hidden:
            answer.hidden = hidden
            answer.save(update_fields=["hidden"])
        question = answer.question
        if not question.is_hidden:
            status = _visible_status(question)
            if question.status != status:
                question.status = status
                question.save(update_fields=["status"])
        if hidden:
            _close_reports(moderator, Report.objects.filter(answer=answer), ReportStatus.UPHELD)
    return answer


def _close_reports(moderator: Any, reports: Any, status: str) -> int:
    return reports.filter(status=ReportStatus.OPEN).update(
        status=status, handled_by=moderator, handled_at=timezone.now()
    )


def uphold_report(moderator: Any, report: Report) -> None:
    """Hide what was reported; every open report about it is upheld."""
    if report.answer is not None:
        set_answer_hidden(moderator, report.answer, True)
    else:
        assert report.question is not None
        set_question_hidden(moderator, report.question, True)


def dismiss_report(moderator: Any, report: Report) -> None:
    """The text stays; this report is closed."""
    _require_moderator(moderator)
    _close_reports(moderator, Report.objects.filter(pk=report.pk), ReportStatus.DISMISSED)
