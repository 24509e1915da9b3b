"""MOC: a path's registration with certifying boards, and the MOC points a
certificate carries (fixed when it is issued, like everything printed on it)."""

from django.db import models
from django.db.models import Q

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from learning.boards import Board, credit_type_choices, credit_type_label

from .certificates import Certificate
from .pages import LearningPathPage


class PathMocRegistration(Orderable):
    """The path is registered in PARS for this board's MOC, for this many
    points of this credit type."""

    page = ParentalKey(LearningPathPage, on_delete=models.CASCADE, related_name="moc")
    board = models.CharField(max_length=10, choices=Board.choices)
    credit_type = models.CharField(
        "MOC credit type",
        max_length=20,
        choices=credit_type_choices(),
        help_text="The board's credit type, e.g. ABIM: Medical Knowledge.",
    )
    points = models.DecimalField(
        "MOC points", max_digits=5, decimal_places=2, help_text="As registered in PARS."
    )

    panels = [FieldRowPanel([FieldPanel("board"), FieldPanel("credit_type"), FieldPanel("points")])]

    class Meta(Orderable.Meta):
        verbose_name = "MOC registration"
        constraints = [
            models.UniqueConstraint(
                fields=["page", "board", "credit_type"], name="unique_moc_registration"
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="moc_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.points} {self.board} {credit_type_label(self.credit_type)} points"

    @property
    def credit_type_label(self) -> str:
        return credit_type_label(self.credit_type)


class CertificateMoc(models.Model):
    """MOC points earned with a certificate, for a board the learner chose to
    report to when they claimed. Snapshot: later edits never change it."""

    wagtail_reference_index_ignore = True
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="moc")
    board = models.CharField(max_length=10, choices=Board.choices)
    credit_type = models.CharField(max_length=20)
    points = models.DecimalField(max_digits=5, decimal_places=2)
    board_id = models.CharField(max_length=20, help_text="The learner's board ID when issued.")
    statement = models.TextField(help_text="The board's wording, as printed.")

    class Meta:
        ordering = ["board", "credit_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "board", "credit_type"], name="unique_certificate_moc"
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="certificate_moc_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.points} {self.board} {credit_type_label(self.credit_type)} points"

    @property
    def credit_type_label(self) -> str:
        return credit_type_label(self.credit_type)
