"""The path catalogue and the learning path page."""

import datetime
import decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from modelcluster.fields import ParentalKey
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from cms.alt_text import clean_image_alt
from cms.blocks import ObjectiveListBlock
from cms.models.lead_image import (
    lead_image_alt_field,
    lead_image_constraint,
    lead_image_field,
    lead_image_panel,
)
from cms.models.pages import REVIEW_INTERVAL_YEARS, add_years
from cms.models.routing import RouteCachedMixin, SingleChildTypeRoutingMixin
from cms.rules import dates_out_of_range
from learning.blocks import EvaluationBlock, PostTestBlock
from learning.forms.admin import LearningPathCopyForm, LearningPathPageForm
from learning.querysets import LearningPathQuerySet
from learning.rules import in_quarters

from .choices import CertificatePolicy, LearningFormat, PathContributorRole, SupportKind
from .publishing import PublishGateMixin

DEFAULT_REQUIREMENTS = (
    "A current version of Chrome, Edge, Firefox or Safari on a computer, tablet or phone, "
    "with JavaScript and cookies enabled, and a PDF reader to open certificates."
)


class PathIndexPage(RouteCachedMixin, SingleChildTypeRoutingMixin, Page):
    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["learning.LearningPathPage"]
    max_count = 1

    template = "learning/path_index_page.html"

    def child_page_model(self) -> type["LearningPathPage"]:
        return LearningPathPage

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # The journey adds the catalogue (learning.journey.views.path_page.catalogue_context)
        # without this model importing it.
        for provide in hooks.get_hooks("path_index_page_context"):
            context.update(provide(request, self) or {})
        return context


# Kept in the cache by address with its view restrictions (RouteCachedMixin,
# cms.models.routing): the signed-in journey's pages (the path, "mark
# complete", the post-test) read it without a query.
class LearningPathPage(RouteCachedMixin, PublishGateMixin, RoutablePageMixin, Page):
    summary = models.TextField(max_length=600)
    lead_image = lead_image_field()
    lead_image_alt = lead_image_alt_field()
    target_audience = models.CharField(max_length=300, blank=True)
    estimated_minutes = models.PositiveIntegerField(
        "estimated time to complete (minutes)",
        null=True,
        blank=True,
        help_text="Reading every step, the post-test and the evaluation. Credits may not exceed "
        "this time in hours.",
    )
    hardware_software = models.TextField(
        "hardware and software requirements", blank=True, default=DEFAULT_REQUIREMENTS
    )
    joint_provider = models.CharField(
        "jointly provided with",
        max_length=200,
        blank=True,
        help_text="The non-accredited organization this activity is jointly provided with, "
        "if any. The accreditation statement then names both.",
    )
    objectives = StreamField(ObjectiveListBlock(), blank=True, verbose_name="learning objectives")
    max_credits = models.DecimalField(
        "maximum credits",
        max_digits=5,
        decimal_places=2,
        default=decimal.Decimal("0"),
        validators=[MinValueValidator(decimal.Decimal("0"))],
        help_text="AMA PRA Category 1 Credits™, in quarter credits. 0 for a path without credit.",
    )
    institution = models.ForeignKey(
        "cms.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="paths",
        verbose_name="accrediting institution",
    )
    learning_format = models.CharField(
        max_length=20, choices=LearningFormat.choices, default=LearningFormat.ENDURING
    )
    release_date = models.DateField(default=timezone.localdate)
    last_reviewed = models.DateField(null=True, blank=True)
    termination_date = models.DateField(
        null=True,
        blank=True,
        help_text=f"At most {REVIEW_INTERVAL_YEARS} years after the release or the last review.",
    )
    certificate_policy = models.CharField(
        max_length=20, choices=CertificatePolicy.choices, default=CertificatePolicy.ON_COMPLETION
    )
    claim_window_days = models.PositiveSmallIntegerField(
        "claim deadline (days after completing)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="How long after finishing the evaluation a learner may still claim. "
        "Empty: until the termination date. Staff can extend it for one learner.",
    )
    # Reporting (ACCME's PARS; learning.reporting).
    accme_activity_id = models.CharField(
        "ACCME activity ID",
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{9}\Z", "An ACCME activity ID is 9 digits.")],
        help_text="The 9-digit ID PARS gave this activity. Needed to report credit.",
    )
    moc_consent_required = models.BooleanField(
        "learners consent to MOC reporting on each claim",
        default=True,
        help_text="Ask every learner, when they claim, whether to report this completion to "
        "their board. Otherwise a learner's standing consent to the board is enough.",
    )
    measures_competence = models.BooleanField("learner competence", default=True)
    measures_performance = models.BooleanField("learner performance", default=False)
    measures_patient_health = models.BooleanField("patient health", default=False)
    measures_community_health = models.BooleanField("community or population health", default=False)
    pass_mark = models.PositiveSmallIntegerField(
        "pass mark (%)",
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    post_test = StreamField(PostTestBlock(), blank=True)
    evaluation = StreamField(EvaluationBlock(), blank=True)

    objects = PageManager.from_queryset(LearningPathQuerySet)()

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        lead_image_panel(),
        FieldPanel("target_audience"),
        FieldPanel("objectives"),
        FieldPanel("estimated_minutes"),
        InlinePanel("steps", label="Step", heading="Steps (guides, in order)"),
        InlinePanel("prerequisites", label="Prerequisite path", heading="Prerequisites"),
    ]
    assessment_panels = [
        FieldPanel("pass_mark"),
        FieldPanel("post_test"),
        FieldPanel("evaluation"),
    ]
    accreditation_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("institution"), FieldPanel("max_credits")]),
                FieldRowPanel([FieldPanel("learning_format"), FieldPanel("certificate_policy")]),
            ],
            heading="Credit",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("release_date"), FieldPanel("last_reviewed")]),
                FieldPanel("termination_date"),
            ],
            heading="Dates",
        ),
        FieldPanel("joint_provider"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("accme_activity_id"), FieldPanel("claim_window_days")]),
                FieldRowPanel(
                    [
                        FieldPanel("measures_competence"),
                        FieldPanel("measures_performance"),
                        FieldPanel("measures_patient_health"),
                        FieldPanel("measures_community_health"),
                    ],
                    heading="Outcomes measured",
                ),
            ],
            heading="Reporting to ACCME (PARS)",
        ),
        MultiFieldPanel(
            [
                FieldPanel("moc_consent_required"),
                InlinePanel("moc", label="Board registration", heading="Registered for MOC with"),
            ],
            heading="Maintenance of Certification (MOC)",
        ),
        InlinePanel(
            "contributors",
            label="Planner or reviewer",
            heading="Planners and CME reviewers (in control of content besides the authors)",
        ),
        InlinePanel(
            "commercial_support",
            label="Commercial supporter",
            heading="Commercial support (leave empty if none)",
        ),
        FieldPanel("hardware_software"),
    ]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(assessment_panels, heading="Post-test and evaluation"),
            ObjectList(accreditation_panels, heading="Accreditation"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    search_fields = Page.search_fields + [index.SearchField("summary")]

    base_form_class = LearningPathPageForm
    copy_form_class = LearningPathCopyForm
    # A copy is another activity: PARS gives it its own ID.
    exclude_fields_in_copy = ["accme_activity_id"]
    parent_page_types = ["learning.PathIndexPage"]
    subpage_types = []

    template = "learning/path_page.html"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["accme_activity_id"],
                condition=~models.Q(accme_activity_id=""),
                name="unique_accme_activity_id",
            ),
            lead_image_constraint("path_lead_image_has_alt_text"),
        ]

    @property
    def credit_bearing(self) -> bool:
        return self.max_credits > 0

    @property
    def credit_designation(self) -> str:
        if self.institution is None:
            return ""
        return self.institution.credit_designation_for(self.max_credits)

    def latest_termination(self) -> datetime.date:
        start = max(d for d in (self.release_date, self.last_reviewed) if d)
        return add_years(start, REVIEW_INTERVAL_YEARS)

    def is_terminated(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return bool(self.termination_date and on > self.termination_date)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        clean_image_alt(self, "lead_image", "lead_image_alt", errors)
        if self.max_credits is not None and not in_quarters(self.max_credits):
            errors["max_credits"] = "Credits are given in quarter credits (0.25, 0.5, 0.75...)."
        dates = dates_out_of_range(self, ("release_date", "last_reviewed", "termination_date"))
        if dates:
            raise ValidationError({**errors, **dates})  # nothing is worked out from them
        if self.release_date and self.termination_date:
            latest = self.latest_termination()
            if self.termination_date > latest:
                errors["termination_date"] = (
                    f"An enduring activity may run at most {REVIEW_INTERVAL_YEARS} years from its "
                    f"release or last review: the latest termination date is {latest:%-d %B %Y}."
                )
            elif self.termination_date < self.release_date:
                errors["termination_date"] = "The termination date is before the release date."
        if self.last_reviewed and self.release_date and self.last_reviewed < self.release_date:
            errors["last_reviewed"] = "The last review cannot be before the release date."
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.release_date and not self.termination_date:
            self.termination_date = self.latest_termination()
        return super().save(*args, **kwargs)

    # Subpage routes (enrol/, continue/, steps/<id>/complete/, test/, evaluation/,
    # claim/) are the journey's views: learning.journey.routes attaches them when
    # the app is ready, so this model imports no view.

    def route_url(self, name: str, **kwargs: Any) -> str:
        return self.url + self.reverse_subpage(name, kwargs=kwargs or None)


class PathStep(Orderable):
    page = ParentalKey(LearningPathPage, on_delete=models.CASCADE, related_name="steps")
    guide = models.ForeignKey("cms.GuidePage", on_delete=models.PROTECT, related_name="path_steps")

    panels = [PageChooserPanel("guide", "cms.GuidePage")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "guide"], name="unique_path_step_guide")
        ]

    def __str__(self) -> str:
        return f"{self.page} step {self.sort_order}: {self.guide}"


class PathPrerequisite(Orderable):
    page = ParentalKey(LearningPathPage, on_delete=models.CASCADE, related_name="prerequisites")
    required_path = models.ForeignKey(
        LearningPathPage, on_delete=models.PROTECT, related_name="required_by"
    )

    panels = [PageChooserPanel("required_path", "learning.LearningPathPage")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["page", "required_path"], name="unique_path_prerequisite"
            )
        ]

    def clean(self) -> None:
        if self.page_id and self.required_path_id == self.page_id:
            raise ValidationError({"required_path": "A path cannot be its own prerequisite."})


class PathContributor(Orderable):
    """A planner or CME reviewer of a path: in control of its content, so they
    disclose (ACCME Standard 3) and are named to learners."""

    page = ParentalKey(LearningPathPage, on_delete=models.CASCADE, related_name="contributors")
    person = models.ForeignKey("cms.Mentor", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=PathContributorRole.choices)

    panels = [FieldRowPanel([FieldPanel("person"), FieldPanel("role")])]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["page", "person", "role"], name="unique_path_contributor_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class PathCommercialSupport(Orderable):
    """Commercial support from an ineligible company (ACCME Standard 5),
    disclosed to learners before the content."""

    page = ParentalKey(
        LearningPathPage, on_delete=models.CASCADE, related_name="commercial_support"
    )
    company = models.CharField("ineligible company", max_length=160)
    kind = models.CharField(max_length=20, choices=SupportKind.choices)

    panels = [FieldRowPanel([FieldPanel("company"), FieldPanel("kind")])]

    def __str__(self) -> str:
        return f"{self.company} ({self.get_kind_display()})"
