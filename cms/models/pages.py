"""Page types: the home page, the guide library and the mentor directory."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from cms.alt_text import clean_image_alt
from cms.blocks import (
    GuideBodyBlock,
    ObjectiveListBlock,
    ReferenceListBlock,
    stream_text,
)
from cms.blocks.text import reading_minutes_for
from cms.choices import TOPIC_BLURBS, AudienceLevel, Topic
from cms.forms import GuidePageForm
from cms.publishing import refuse_unpublishable_guide
from cms.querysets import GuideFilter, GuidePageQuerySet
from cms.rules import dates_out_of_range

from .lead_image import (
    lead_image_alt_field,
    lead_image_constraint,
    lead_image_field,
    lead_image_panel,
)
from .people import Mentor
from .routing import CachedRoutingMixin, RouteCachedMixin, SingleChildTypeRoutingMixin

REVIEW_INTERVAL_YEARS = 3
GUIDES_PER_PAGE = 12


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class HomePage(CachedRoutingMixin, Page):
    hero_heading = models.CharField(
        max_length=160, default="Hallway wisdom from physicians who have been there"
    )
    hero_text = models.TextField(
        blank=True,
        default="Guides and accredited learning paths written by experienced mentors, "
        "for the judgment calls textbooks leave out.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("hero_heading"),
        FieldPanel("hero_text"),
        InlinePanel("featured_guides", label="Featured guide", max_num=3),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    template = "cms/home_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        featured = [
            item.guide
            for item in self.featured_guides.select_related("guide").all()
            if item.guide and item.guide.live
        ]
        featured_ids = [g.pk for g in featured]
        context["featured_guides"] = (
            GuidePage.objects.filter(pk__in=featured_ids).for_listing()
            if featured_ids
            else GuidePage.objects.none()
        )
        context["latest_guides"] = (
            GuidePage.objects.live()
            .public()
            .exclude(pk__in=featured_ids)
            .for_listing()
            .order_by("-release_date", "-pk")[:6]
        )
        context["topics"] = [
            {"value": t.value, "label": t.label, "blurb": TOPIC_BLURBS[t]} for t in Topic
        ]
        context["guide_index"] = GuideIndexPage.objects.live().first()
        # Other apps add their sections (learning: the featured paths and
        # "Continue where you left off") without this app importing them.
        for provide in hooks.get_hooks("home_page_context"):
            context.update(provide(request, self) or {})
        return context


class HomeFeaturedGuide(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_guides")
    guide = models.ForeignKey("cms.GuidePage", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("guide", "cms.GuidePage")]


class GuideIndexPage(RouteCachedMixin, SingleChildTypeRoutingMixin, Page):
    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.GuidePage"]
    max_count = 1

    template = "cms/guide_index_page.html"

    def child_page_model(self):
        return GuidePage

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        guide_filter = GuideFilter.from_query(request.GET)
        guides = GuidePage.objects.child_of(self).live().public().filtered(guide_filter)
        page = Paginator(guides.for_listing().order_by("title"), GUIDES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context.update(
            guide_filter=guide_filter,
            guides=page,
            topics=Topic.choices,
            specialties=GuidePage.specialty_choices(),
            audiences=AudienceLevel.choices,
        )
        return context


class GuideSpecialty(TaggedItemBase):
    content_object = ParentalKey(
        "cms.GuidePage", on_delete=models.CASCADE, related_name="tagged_specialties"
    )


class GuidePage(Page):
    summary = models.TextField(max_length=600, help_text="One or two sentences for listings.")
    lead_image = lead_image_field()
    lead_image_alt = lead_image_alt_field()
    topic = models.CharField(max_length=20, choices=Topic.choices)
    specialties = ClusterTaggableManager(
        through=GuideSpecialty, blank=True, help_text="e.g. Emergency medicine, Pediatrics"
    )
    audience_level = models.CharField(max_length=20, choices=AudienceLevel.choices)
    objectives = StreamField(ObjectiveListBlock(), blank=True, verbose_name="learning objectives")
    body = StreamField(GuideBodyBlock())
    references = StreamField(ReferenceListBlock(), blank=True)
    reading_minutes_computed = models.PositiveSmallIntegerField(default=1, editable=False)
    reading_minutes_override = models.PositiveSmallIntegerField(
        "reading time override (minutes)",
        null=True,
        blank=True,
        help_text="Leave empty to compute it from the body (200 words a minute).",
    )
    release_date = models.DateField(default=timezone.localdate)
    last_reviewed = models.DateField(default=timezone.localdate)
    review_due = models.DateField(
        blank=True,
        help_text=f"At most {REVIEW_INTERVAL_YEARS} years after the last review. "
        "Leave empty for the maximum.",
    )

    objects = PageManager.from_queryset(GuidePageQuerySet)()

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        lead_image_panel(),
        InlinePanel("authors", label="Mentor author", min_num=1, max_num=4),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("topic"), FieldPanel("audience_level")]),
                FieldPanel("specialties"),
            ],
            heading="Classification",
        ),
        FieldPanel("objectives"),
        FieldPanel("body"),
        FieldPanel("references"),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("release_date"), FieldPanel("last_reviewed")]),
                FieldRowPanel([FieldPanel("review_due"), FieldPanel("reading_minutes_override")]),
            ],
            heading="Dates and reading time",
        )
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("topic"),
        index.FilterField("audience_level"),
    ]

    base_form_class = GuidePageForm
    parent_page_types = ["cms.GuideIndexPage"]
    subpage_types = []

    template = "cms/guide_page.html"

    class Meta:
        indexes = [models.Index(fields=["topic", "release_date"])]
        constraints = [lead_image_constraint("guide_lead_image_has_alt_text")]

    @property
    def reading_minutes(self):
        return self.reading_minutes_override or self.reading_minutes_computed

    @property
    def topic_label(self):
        return Topic(self.topic).label if self.topic in Topic.values else ""

    @property
    def audience_label(self):
        return AudienceLevel(self.audience_level).label if self.audience_level else ""

    @cached_property
    def author_mentors(self):
        """Mentors in author order; uses the prefetch from ``for_listing`` when present."""
        return [a.mentor for a in self.authors.all()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["specialties"] = list(self.specialties.order_by("name"))
        # The authors (``mentors``) and the learner's disclosure block come from
        # cms.disclosure_block.guide_disclosure_context (cms.control reads these
        # models, so they cannot import it). Other apps add to a guide's page
        # too (e.g. "Step 2 of 5" when it is read as part of a learning path)
        # without this app importing them.
        for provide in hooks.get_hooks("guide_page_context"):
            context.update(provide(request, self) or {})
        # Sections other apps add under the guide (mentoring's "Ask the
        # author"): each hook returns a dict naming its ``template``, or None.
        context["guide_sections"] = [
            section
            for provide in hooks.get_hooks("guide_page_sections")
            if (section := provide(request, self))
        ]
        return context

    def body_text(self):
        return stream_text(self.body)

    @classmethod
    def specialty_choices(cls):
        return list(
            GuideSpecialty.tag_model()
            .objects.filter(cms_guidespecialty_items__content_object__live=True)
            .distinct()
            .order_by("name")
            .values_list("slug", "name")
        )

    def clean(self):
        super().clean()
        errors = {}
        clean_image_alt(self, "lead_image", "lead_image_alt", errors)
        dates = dates_out_of_range(self, ("release_date", "last_reviewed", "review_due"))
        if dates:
            errors.update(dates)  # and nothing is worked out from them
        elif self.last_reviewed and self.release_date and self.last_reviewed < self.release_date:
            errors["last_reviewed"] = "The last review cannot be before the release date."
        elif self.last_reviewed:
            latest = add_years(self.last_reviewed, REVIEW_INTERVAL_YEARS)
            if not self.review_due:
                self.review_due = latest
            elif self.review_due > latest:
                errors["review_due"] = (
                    f"The review must be due within {REVIEW_INTERVAL_YEARS} "
                    f"years of the last review, by {latest:%-d %B %Y} at the latest."
                )
            elif self.review_due < self.last_reviewed:
                errors["review_due"] = "The review cannot be due before the last review."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Every publishing route ends here: a clinical guide goes live only
        # with every author's disclosure current (cms.publishing).
        refuse_unpublishable_guide(self, kwargs.get("update_fields"))
        self.reading_minutes_computed = reading_minutes_for(self.body_text())
        if not self.review_due and self.last_reviewed:
            self.review_due = add_years(self.last_reviewed, REVIEW_INTERVAL_YEARS)
        return super().save(*args, **kwargs)

    @property
    def review_overdue(self):
        return bool(self.review_due and self.review_due < timezone.localdate())


class GuideAuthor(Orderable):
    page = ParentalKey(GuidePage, on_delete=models.CASCADE, related_name="authors")
    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="authorships")

    panels = [FieldPanel("mentor")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "mentor"], name="unique_guide_author")
        ]

    def __str__(self):
        return str(self.mentor)
