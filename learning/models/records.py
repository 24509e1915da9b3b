"""Learner records. They outlive any edit to the content: foreign keys to
content are PROTECT, and what a record was made against is stored with it."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cms.credits import format_credits
from learning.querysets import EnrolmentQuerySet

from .choices import CertificateKind, ClaimStatus


def learner_name(user: models.Model) -> str:
    """The learner's printed name (their profile), else the account's name:
    what staff recognise in listings, never the bare username."""
    profile = getattr(user, "learner_profile", None)
    if profile is not None and profile.full_name:
        return str(profile.printed_name)
    return str(user.get_full_name() or user.get_username())  # type: ignore[attr-defined]


class Enrolment(models.Model):
    # Learner records are not "usages" of content in the admin.
    wagtail_reference_index_ignore = True
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments"
    )
    path = models.ForeignKey(
        "learning.LearningPathPage", on_delete=models.PROTECT, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the credit claim completed the path."
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "path"], name="one_enrolment_per_path")
        ]
        indexes = [
            # A path's report counts its enrolments and completions in a date range.
            models.Index(fields=["path", "enrolled_at"], name="enrolment_path_enrolled"),
            models.Index(fields=["path", "completed_at"], name="enrolment_path_completed"),
        ]
        ordering = ["-enrolled_at"]

    def __str__(self) -> str:
        return f"{self.learner_name} in {self.path.title}"

    @property
    def learner_name(self) -> str:
        return learner_name(self.user)

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class StepCompletion(models.Model):
    # Learner records are not "usages" of content in the admin.
    wagtail_reference_index_ignore = True
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="completions")
    guide = models.ForeignKey(
        "cms.GuidePage", on_delete=models.PROTECT, related_name="step_completions"
    )
    guide_revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The live revision of the guide the learner read.",
    )
    guide_revision_number = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Kept even if old revisions are purged."
    )
    guide_title = models.CharField(max_length=255)
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "guide"], name="one_completion_per_step")
        ]
        ordering = ["completed_at"]

    def __str__(self) -> str:
        return f"{self.enrolment} completed {self.guide_title}"


class TestAttempt(models.Model):
    # Learner records are not "usages" of content in the admin.
    wagtail_reference_index_ignore = True
    __test__ = False  # not a pytest test class

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(auto_now_add=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, help_text="Percent correct.")
    pass_mark = models.PositiveSmallIntegerField(help_text="The pass mark when it was taken.")
    passed = models.BooleanField()
    answers = models.JSONField(help_text="Question id to the chosen choice indexes.")
    results = models.JSONField(help_text="Question id to whether it was answered correctly.")
    path_revision_number = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "number"], name="unique_attempt_number"),
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(passed=True), name="one_passing_attempt"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="attempt_score_percent"
            ),
        ]
        ordering = ["enrolment", "number"]

    def __str__(self) -> str:
        return f"Attempt {self.number} by {self.enrolment}: {self.score}%"


class EvaluationResponse(models.Model):
    # Learner records are not "usages" of content in the admin.
    wagtail_reference_index_ignore = True
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="evaluation_response"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    answers = models.JSONField(help_text="Question id to the answer given.")
    questions = models.JSONField(help_text="The questions as they were asked.")

    def __str__(self) -> str:
        return f"Evaluation by {self.enrolment}"


class CreditClaim(models.Model):
    # Learner records are not "usages" of content in the admin.
    wagtail_reference_index_ignore = True
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="credit_claim"
    )
    credits = models.DecimalField(max_digits=5, decimal_places=2)
    max_credits = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="The path's maximum when claimed."
    )
    attested = models.BooleanField()
    kind = models.CharField(
        max_length=20,
        choices=CertificateKind.choices,
        blank=True,
        help_text="What the learner claimed, from their profession when they claimed: AMA PRA "
        "credits (physicians) or hours of participation. Blank for claims made before this "
        "was recorded: the profession when the certificate is issued decides.",
    )
    moc_boards = models.JSONField(
        default=list,
        blank=True,
        help_text="The boards the learner chose, when claiming, to have this completion "
        "reported to for MOC.",
    )
    claimed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=ClaimStatus.choices)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(credits__gt=0) & Q(credits__lte=models.F("max_credits")),
                name="claim_within_maximum",
            ),
            models.CheckConstraint(condition=Q(attested=True), name="claim_attested"),
        ]

    def __str__(self) -> str:
        return f"{self.credits} credits by {self.enrolment}"

    @property
    def credits_display(self) -> str:
        return format_credits(self.credits)
