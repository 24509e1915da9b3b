"""People in control of content: the mentors who write guides, and the path
planners and CME reviewers, with their disclosures (``cms.models.disclosures``)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify

from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import RevisionMixin
from wagtail.search import index

from cms.alt_text import MAX_ALT_LENGTH, clean_image_alt
from cms.choices import PracticeSetting
from cms.names import clean_instance_fields, clean_person_name, clean_printed_text
from cms.responsive_images import with_images

from ..panels import RestrictedPanel
from .disclosures import Disclosure


class MentorQuerySet(models.QuerySet):
    def for_directory(self):
        return (
            self.filter(is_active=True, in_directory=True)
            .with_photos("avatar-md")
            .order_by("sort_name")
        )

    def with_photos(self, *presets):
        """Each person's photo with the renditions of ``presets``
        (``cms.responsive_images``): rendering them runs no query."""
        return with_images(self, "photo", *presets)

    def with_disclosures(self):
        """Each person's disclosures, newest first, with their relationships:
        ``current_disclosure`` and ``disclosure_history`` then run no query."""
        return self.prefetch_related(
            Prefetch(
                "disclosures",
                queryset=Disclosure.objects.newest_first().prefetch_related("relationships"),
                to_attr="prefetched_disclosures",
            )
        )


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
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A friendly head-and-shoulders photo, cropped square around its focal point.",
    )
    photo_alt = models.CharField(
        "photo alt text",
        max_length=MAX_ALT_LENGTH,
        blank=True,
        help_text="Required with a photo: what it shows, for readers who cannot see it "
        "(e.g. “Dr Ana Alvarez smiling in a hospital corridor”). Left empty, the image's "
        "own description is used if it has one.",
    )
    interests = models.TextField(
        "mentoring interests", blank=True, help_text="One interest per line."
    )
    in_directory = models.BooleanField(
        "listed in the mentor directory",
        default=True,
        help_text="Untick for planners and CME reviewers who do not mentor: they are named on "
        "the activities they control, but get no public profile.",
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
                FieldPanel("photo_alt"),
                FieldPanel("bio"),
                FieldPanel("interests"),
            ],
            heading="Public profile",
        ),
        RestrictedPanel(
            [FieldPanel("user"), FieldPanel("in_directory"), FieldPanel("is_active")],
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(photo__isnull=True) | ~models.Q(photo_alt=""),
                name="mentor_photo_has_alt_text",
            )
        ]
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
        errors = {}
        try:
            clean_instance_fields(
                self, {"name": clean_person_name, "credentials": clean_printed_text}
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        clean_image_alt(self, "photo", "photo_alt", errors)
        if errors:
            raise ValidationError(errors)
        if not self.slug:
            self.slug = slugify(self.name)[:80]

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        parts = self.name.split()
        self.sort_name = (" ".join(parts[-1:] + parts[:-1]) if parts else self.name).lower()
        super().save(*args, **kwargs)

    # Disclosure -----------------------------------------------------------

    @cached_property
    def disclosure_history(self) -> list[Disclosure]:
        """Every disclosure this person has signed, newest first."""
        prefetched = getattr(self, "prefetched_disclosures", None)
        if prefetched is not None:
            return prefetched
        return list(self.disclosures.newest_first().prefetch_related("relationships"))

    @property
    def current_disclosure(self) -> Disclosure | None:
        """The newest disclosure, which supersedes every earlier one (it may be expired)."""
        history = self.disclosure_history
        return history[0] if history else None

    @property
    def disclosure_date(self):
        current = self.current_disclosure
        return current.given_on if current else None

    @property
    def disclosure_expires(self):
        current = self.current_disclosure
        return current.expires_on if current else None

    def disclosure_is_current(self, on=None) -> bool:
        current = self.current_disclosure
        return current is not None and current.is_current(on or timezone.localdate())

    @property
    def relationship_list(self):
        current = self.current_disclosure
        return current.relationship_list if current else []
