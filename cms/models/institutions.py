"""Accredited providers that issue CME credit."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import RevisionMixin
from wagtail.search import index

from cms.credits import format_credits
from cms.names import clean_instance_fields, clean_person_name, clean_printed_text


class Institution(RevisionMixin, index.Indexed, models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accreditation_statement = models.TextField(
        help_text="As approved by the accrediting body, e.g. '... is accredited by the "
        "ACCME to provide continuing medical education for physicians.'"
    )
    credit_designation_statement = models.TextField(
        help_text="Use [N] where the number of credits goes."
    )
    signatory_name = models.CharField(max_length=160)
    signatory_title = models.CharField(max_length=160)
    signature = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A scan of the signatory's signature on a transparent background.",
    )
    accme_provider_id = models.CharField(
        "ACCME provider ID",
        max_length=7,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9]{7}\Z", "An ACCME provider ID is 7 digits (keep leading zeros).")
        ],
        help_text="The 7-digit ID ACCME's PARS knows this provider by, leading zeros included. "
        "Needed to report credit.",
    )
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="staff_institutions",
        help_text="Admin users who act for this institution.",
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldPanel("logo"),
        MultiFieldPanel(
            [
                FieldPanel("accreditation_statement"),
                FieldPanel("credit_designation_statement"),
                FieldPanel("accme_provider_id"),
            ],
            heading="Accreditation",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("signatory_name"), FieldPanel("signatory_title")]),
                FieldPanel("signature"),
            ],
            heading="Signatory",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")]),
                FieldPanel("website"),
            ],
            heading="Contact",
        ),
        FieldPanel("staff", permission="cms.manage_institution_staff"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("id"),
    ]

    class Meta:
        ordering = ["name"]
        permissions = [
            ("manage_institution_staff", "Can choose an institution's staff users"),
            ("change_own_institution", "Can edit the institutions they are staff of"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """The signatory is printed on every certificate (cms.names)."""
        super().clean()
        clean_instance_fields(
            self, {"signatory_name": clean_person_name, "signatory_title": clean_printed_text}
        )

    def credit_designation_for(self, credits):
        return self.credit_designation_statement.replace("[N]", format_credits(credits))
