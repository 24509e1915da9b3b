"""Curbside consults: questions to a guide's author ("ask the author", public)
or to one's mentor (private to the pair), their answers, and reports of either
to the moderators. The rules live in ``mentoring.consults.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .matches import Relationship

TITLE_MAX = 160
BODY_MAX = 4000
ANSWER_MAX = 4000


class QuestionStatus(models.TextChoices):
    OPEN = "open", "Waiting for an answer"
    ANSWERED = "answered", "Answered"
    HIDDEN = "hidden", "Hidden by a moderator"


class ReportReason(models.TextChoices):
    PATIENT_DATA = "patient_data", "It contains patient details"
    UNSAFE = "unsafe", "Clinically unsafe or misleading"
    DISRESPECTFUL = "disrespectful", "Rude, offensive or harassing"
    ADVERTISING = "advertising", "Advertising or promotion"
    OTHER = "other", "Something else"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Waiting for a moderator"
    UPHELD = "upheld", "Upheld: the text was hidden"
    DISMISSED = "dismissed", "Dismissed: the text stays"


class QuestionQuerySet(models.QuerySet["Question"]):
    def public(self) -> QuestionQuerySet:
        """Questions anyone may read: on a guide, not hidden."""
        return self.filter(guide__isnull=False).exclude(status=QuestionStatus.HIDDEN)


class Question(models.Model):
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consult_questions"
    )
    guide = models.ForeignKey(
        "cms.GuidePage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consult_questions",
        help_text="A public question to the guide's author.",
    )
    relationship = models.ForeignKey(
        Relationship,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consult_questions",
        help_text="A private question to the mentee's mentor.",
    )
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField(max_length=BODY_MAX)
    status = models.CharField(
        max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    identifiers_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the asker confirmed that the text flagged by the identifier "
        "check holds no patient identifiers.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    faq_revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The guide's draft revision that added this question as a FAQ.",
    )
    faq_added_at = models.DateTimeField(null=True, blank=True)
    faq_added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(guide__isnull=False) & Q(relationship__isnull=True))
                | (Q(guide__isnull=True) & Q(relationship__isnull=False)),
                name="mentoring_question_guide_or_relationship",
                violation_error_message="A question is asked either on a guide or "
                "inside a mentoring relationship.",
            ),
            models.CheckConstraint(
                condition=Q(faq_added_at__isnull=True) | Q(guide__isnull=False),
                name="mentoring_question_faq_on_guide_only",
                violation_error_message="Only a question on a guide can become its FAQ.",
            ),
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(body=""),
                name="mentoring_question_not_empty",
            ),
        ]
        indexes = [models.Index(fields=["guide", "status"], name="mentoring_q_guide")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.guide_id is not None

    @property
    def is_hidden(self) -> bool:
        return self.status == QuestionStatus.HIDDEN


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consult_answers",
        help_text="Empty once the author deleted their account: shown as a former member.",
    )
    body = models.TextField(max_length=ANSWER_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="mentoring_answer_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question}"


class Report(models.Model):
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consult_reports",
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=16, choices=ReportReason.choices)
    note = models.TextField(blank=True, max_length=1000)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(question__isnull=False) & Q(answer__isnull=True))
                | (Q(question__isnull=True) & Q(answer__isnull=False)),
                name="mentoring_report_one_target",
                violation_error_message="A report is about one question or one answer.",
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.OPEN) | Q(handled_at__isnull=False),
                name="mentoring_report_handled_has_time",
            ),
            models.UniqueConstraint(
                fields=["reporter", "question"],
                condition=Q(status=ReportStatus.OPEN),
                name="mentoring_one_open_report_per_question",
            ),
            models.UniqueConstraint(
                fields=["reporter", "answer"],
                condition=Q(status=ReportStatus.OPEN),
                name="mentoring_one_open_report_per_answer",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="mentoring_report_queue")]

    def __str__(self) -> str:
        return f"Report: {self.get_reason_display()}"

    @property
    def target_question(self) -> Question:
        """The question reported, or the one the reported answer belongs to."""
        if self.question is not None:
            return self.question
        assert self.answer is not None
        return self.answer.question

    @property
    def reported_text(self) -> str:
        if self.answer is not None:
            return self.answer.body
        assert self.question is not None
        return f"{self.question.title}\n\n{self.question.body}"
