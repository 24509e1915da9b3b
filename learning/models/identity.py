"""What a learner gives so that their credit can be reported: state licences,
certifying boards with their board IDs, and consent to each body, dated and
revocable. Reported only where the learner has consented (learning.reporting)."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from learning.boards import Board, ConsentScope, UsState, rules_for

from .profiles import LearnerProfile

LICENCE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,29}")


class StateLicence(models.Model):
    profile = models.ForeignKey(LearnerProfile, on_delete=models.CASCADE, related_name="licences")
    state = models.CharField("licensing state", max_length=2, choices=UsState.choices)
    number = models.CharField(
        "licence number",
        max_length=30,
        help_text="Exactly as the state medical board prints it, e.g. A123456.",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["state"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "state"], name="one_licence_per_state"),
            models.CheckConstraint(condition=~Q(number=""), name="licence_number_given"),
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.number}"

    def clean(self) -> None:
        super().clean()
        if self.number and not LICENCE_NUMBER.fullmatch(self.number):
            raise ValidationError(
                {
                    "number": "Use the letters, digits, dots and hyphens of the number as the "
                    "board prints it (at most 30), without spaces."
                }
            )


class BoardCertification(models.Model):
    profile = models.ForeignKey(LearnerProfile, on_delete=models.CASCADE, related_name="boards")
    board = models.CharField("certifying board", max_length=10, choices=Board.choices)
    board_id = models.CharField("board ID", max_length=20)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["board"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "board"], name="one_id_per_board"),
            models.CheckConstraint(condition=~Q(board_id=""), name="board_id_given"),
        ]

    def __str__(self) -> str:
        return f"{self.board} {self.board_id}"

    def clean(self) -> None:
        super().clean()
        if self.board in Board.values and self.board_id:
            rules = rules_for(self.board)
            if not rules.valid_id(self.board_id):
                raise ValidationError(
                    {"board_id": f"This is not a valid {self.board} ID: enter {rules.id_hint}."}
                )


class ReportingConsentQuerySet(models.QuerySet["ReportingConsent"]):
    def active(self) -> "ReportingConsentQuerySet":
        return self.filter(withdrawn_at__isnull=True)


class ReportingConsent(models.Model):
    """One consent, from when it was given until it is withdrawn. A new
    consent after a withdrawal is a new record: the history stays."""

    profile = models.ForeignKey(LearnerProfile, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=10, choices=ConsentScope.choices)
    body = models.CharField(
        max_length=10, blank=True, help_text="The board or state code; blank for PARS."
    )
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ReportingConsentQuerySet.as_manager()

    class Meta:
        ordering = ["given_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "scope", "body"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_consent_per_body",
            ),
            models.CheckConstraint(
                condition=(Q(scope=ConsentScope.PARS) & Q(body=""))
                | (~Q(scope=ConsentScope.PARS) & ~Q(body="")),
                name="consent_names_its_body",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.body}".strip()
