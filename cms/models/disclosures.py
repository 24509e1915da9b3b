"""Disclosures of financial relationships, and what CME reviewers decided about them.

ACCME Standards for Integrity and Independence in Accredited Continuing
Education (2020), Standard 3: everyone in control of content (faculty,
planners, reviewers) discloses every financial relationship with an
ineligible company in the previous 24 months. The provider decides which are
relevant to each activity, mitigates those before the person takes up the
role, and records how.

These records are never changed once written: a new disclosure supersedes the
previous one and a new decision supersedes the previous decision, so the whole
history stays for the CME office and its accreditor. Writing goes through
``cms.disclosures`` (services); ``save`` refuses to overwrite and ``delete``
refuses to remove a record.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cms.choices import (
    OWNER_OR_EMPLOYEE,
    MitigationMethod,
    OwnerException,
    RelationshipNature,
)

# A disclosure is current for twelve months from the day it was signed, and
# covers the 24 months before it.
DISCLOSURE_VALID_DAYS = 365
LOOKBACK_MONTHS = 24


class RecordIsPermanent(Exception):
    """A disclosure, relationship or decision may not be changed or deleted."""


class PermanentRecord(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordIsPermanent(
                f"{type(self).__name__} records are never changed: record a new one instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordIsPermanent(f"{type(self).__name__} records are never deleted.")


class DisclosureQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-given_on", "-recorded_at", "-pk")


class Disclosure(PermanentRecord):
    """One signed disclosure by one person: either a list of relationships or
    an explicit attestation that there are none."""

    person = models.ForeignKey("cms.Mentor", on_delete=models.PROTECT, related_name="disclosures")
    given_on = models.DateField("signed on")
    none_to_disclose = models.BooleanField(
        "no financial relationships to disclose",
        help_text="The person attests that they have had no financial relationship with any "
        "ineligible company in the past 24 months.",
    )
    signed_name = models.CharField(
        "signed by (typed name)",
        max_length=160,
        help_text="The name the person typed to sign the disclosure.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who entered it: the person themselves or CME staff on their behalf.",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-recorded_at", "-pk"]
        # "CME staff" enter and renew anyone's disclosure and read every
        # history; CME reviewers record relevance, mitigation and exceptions
        # (cms.permissions).
        permissions = [
            ("manage_disclosures", "Can enter disclosures for anyone and see every history"),
            ("record_mitigation", "Can record relevance, mitigation and Standard 3 exceptions"),
        ]
        indexes = [models.Index(fields=["person", "-given_on"], name="disclosure_person_newest")]
        constraints = [
            models.CheckConstraint(condition=~Q(signed_name=""), name="disclosure_is_signed"),
        ]

    def __str__(self):
        return f"{self.person} disclosure of {self.given_on:%-d %B %Y}"

    @property
    def expires_on(self) -> datetime.date:
        return self.given_on + datetime.timedelta(days=DISCLOSURE_VALID_DAYS)

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.given_on <= on <= self.expires_on

    @property
    def relationship_list(self):
        return list(self.relationships.all())


class DisclosedRelationship(PermanentRecord):
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, related_name="relationships"
    )
    company = models.CharField("ineligible company", max_length=160)
    nature = models.CharField(
        "nature of the relationship", max_length=20, choices=RelationshipNature.choices
    )
    detail = models.CharField(
        max_length=200,
        blank=True,
        help_text="Optional: more about the relationship, e.g. 'advisory board on anticoagulants'.",
    )
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(
        null=True, blank=True, help_text="Leave empty if the relationship is ongoing."
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="relationship_ends_after_it_starts",
            ),
            models.CheckConstraint(condition=~Q(company=""), name="relationship_names_company"),
        ]

    def __str__(self):
        return f"{self.company}: {self.nature_label}"

    @property
    def nature_label(self) -> str:
        label = RelationshipNature(self.nature).label
        return f"{label} ({self.detail})" if self.detail else label

    @property
    def ongoing(self) -> bool:
        return self.ended_on is None

    @property
    def makes_owner_or_employee(self) -> bool:
        """An ongoing employment, executive role or ownership of a private company."""
        return self.ongoing and self.nature in OWNER_OR_EMPLOYEE


class RelevanceDecision(PermanentRecord):
    """A CME reviewer's decision about one disclosed relationship for one piece
    of content (a learning path or a guide): relevant or not, and if relevant,
    how it was mitigated. The newest decision for a (page, relationship) pair
    is the one in force."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    relationship = models.ForeignKey(
        DisclosedRelationship, on_delete=models.PROTECT, related_name="decisions"
    )
    relevant = models.BooleanField()
    mitigation = models.CharField(max_length=20, choices=MitigationMethod.choices, blank=True)
    reason = models.TextField(help_text="Why: the reviewer's reasoning, kept in the audit history.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["page", "relationship"], name="decision_page_rel")]
        constraints = [
            models.CheckConstraint(
                condition=Q(relevant=False) | ~Q(mitigation=""),
                name="relevant_relationship_is_mitigated",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="decision_gives_reason"),
        ]

    def __str__(self):
        verdict = "relevant" if self.relevant else "not relevant"
        return f"{self.relationship} {verdict} to page {self.page_id}"

    @property
    def mitigation_label(self) -> str:
        return MitigationMethod(self.mitigation).label if self.mitigation else ""


class OwnerEmployeeException(PermanentRecord):
    """A Standard 3 exception that lets an owner or employee of an ineligible
    company control one piece of content, with the reason. The newest record
    for a (page, person) pair is in force; ``withdrawn`` ends it."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "cms.Mentor", on_delete=models.PROTECT, related_name="owner_exceptions"
    )
    exception = models.CharField(max_length=20, choices=OwnerException.choices, blank=True)
    withdrawn = models.BooleanField(default=False)
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn=True) | ~Q(exception=""), name="exception_names_which"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="exception_gives_reason"),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_exception_display() or 'withdrawn'}"
