"""Mentors: the physicians who write guides, with their financial disclosure."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, RevisionMixin
from wagtail.search import index

from cms.choices import PracticeSetting
from cms.names import clean_instance_fields, clean_person_name, clean_printed_text

from ..panels import RestrictedPanel

# A disclosure is current for twelve months from the day it was given.
DISCLOSURE_VALID_DAYS = 365


class MentorQuerySet(models.QuerySet):
    def for_directory(self):
        return self.filter(is_active=True).select_related("photo").order_by("sort_name")

    def with_disclosures(self):
        return self.prefetch_related("relationships")


class Mentor(RevisionMixin, index.Indexed, ClusterableModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentor_profile",
        help_text="The admin account this mentor signs in with.",
    )
    name = models.CharField(max_length=120)
    sort_name = models.CharField(
        max_length=120, editable=False, db_index=True, help_text="Family name first, for sorting."
    )
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=False)
    credentials = models.CharField(max_length=80, help_text="e.g. MD, DO, MBBS, FACEP")
    specialty = models.CharField(max_length=120)
    institution_name = models.CharField("institution", max_length=160, blank=True)
    practice_setting = models.CharField(max_length=20, choices=PracticeSetting.choices, blank=True)
    international_graduate = models.BooleanField(
        "international medical graduate",
        default=False,
        help_text="Shown on the profile so international graduates can find a mentor "
        "who has walked the same road.",
    )
    bio = RichTextField(features=["bold", "italic", "link"], blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interests = models.TextField(
        "mentoring interests", blank=True, help_text="One interest per line."
    )
    disclosure_date = models.DateField(
        "disclosure given on",
        null=True,
        blank=True,
        help_text="The date of the most recent financial-relationships disclosure. "
        "It must be renewed every 12 months before clinical guides can be submitted.",
    )
    is_active = models.BooleanField(default=True)

    objects = MentorQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("credentials")]),
                FieldPanel("slug"),
                FieldRowPanel([FieldPanel("specialty"), FieldPanel("institution_name")]),
                FieldRowPanel(
                    [FieldPanel("practice_setting"), FieldPanel("international_graduate")]
                ),
                FieldPanel("photo"),
                FieldPanel("bio"),
                FieldPanel("interests"),
            ],
            heading="Public profile",
        ),
        MultiFieldPanel(
            [
                FieldPanel("disclosure_date"),
                InlinePanel(
                    "relationships",
                    label="Relevant financial relationship",
                    help_text="List every relevant financial relationship with an ineligible "
                    "company in the past 24 months. Leave the list empty to declare none.",
                ),
            ],
            heading="Disclosure of financial relationships",
        ),
        RestrictedPanel(
            [FieldPanel("user"), FieldPanel("is_active")],
            heading="Account",
            permission="cms.manage_mentors",
        ),
    ]

    search_fields = [
        index.SearchField("name"),
        index.SearchField("specialty"),
        index.AutocompleteField("name"),
        index.FilterField("id"),
    ]

    class Meta:
        ordering = ["sort_name"]
        permissions = [
            ("manage_mentors", "Can manage all mentor profiles"),
            ("change_own_mentor", "Can edit their own mentor profile"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def initials(self):
        parts = [p for p in self.name.split() if p[:1].isalpha()]
        return "".join(p[0] for p in parts[:1] + parts[-1:]).upper() if parts else "?"

    @property
    def interest_list(self):
        return [line.strip() for line in self.interests.splitlines() if line.strip()]

    def get_absolute_url(self):
        return reverse("mentor_profile", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        clean_instance_fields(self, {"name": clean_person_name, "credentials": clean_printed_text})
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        if self.disclosure_date and self.disclosure_date > timezone.localdate():
            raise ValidationError(
                {"disclosure_date": "A disclosure cannot be dated in the future."}
            )

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        parts = self.name.split()
        self.sort_name = (" ".join(parts[-1:] + parts[:-1]) if parts else self.name).lower()
        super().save(*args, **kwargs)

    # Disclosure -----------------------------------------------------------

    @property
    def disclosure_expires(self):
        if self.disclosure_date is None:
            return None
        return self.disclosure_date + datetime.timedelta(days=DISCLOSURE_VALID_DAYS)

    def disclosure_is_current(self, on=None):
        on = on or timezone.localdate()
        return self.disclosure_expires is not None and on <= self.disclosure_expires

    @cached_property
    def relationship_list(self):
        return list(self.relationships.all())


class FinancialRelationship(Orderable):
    mentor = ParentalKey(Mentor, on_delete=models.CASCADE, related_name="relationships")
    company = models.CharField("ineligible company", max_length=160)
    nature = models.CharField(
        "nature of the relationship",
        max_length=160,
        help_text="e.g. Advisory board, Speaker's bureau, Research grant, Consultant, Stock",
    )

    panels = [FieldRowPanel([FieldPanel("company"), FieldPanel("nature")])]

    def __str__(self):
        return f"{self.company} ({self.nature})"
