"""Querysets and filters for editorial content."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from wagtail.models import PageQuerySet

from cms.responsive_images import with_images

from .choices import AudienceLevel, Topic


@dataclass
class GuideFilter:
    """Validated filters for the guide library, built from a query string."""

    topic: str = ""
    specialty: str = ""
    audience: str = ""
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query):
        result = cls()
        topic = (query.get("topic") or "").strip()
        if topic in Topic.values:
            result.topic = topic
        elif topic:
            result.ignored.append("topic")
        audience = (query.get("audience") or "").strip()
        if audience in AudienceLevel.values:
            result.audience = audience
        elif audience:
            result.ignored.append("audience level")
        specialty = (query.get("specialty") or "").strip()
        if specialty and len(specialty) <= 100 and specialty.replace("-", "").isalnum():
            result.specialty = specialty
        elif specialty:
            result.ignored.append("specialty")
        return result

    @property
    def active(self):
        return bool(self.topic or self.specialty or self.audience)

    @property
    def topic_label(self):
        return Topic(self.topic).label if self.topic else ""

    @property
    def audience_label(self):
        return AudienceLevel(self.audience).label if self.audience else ""


class GuidePageQuerySet(PageQuerySet):
    def filtered(self, guide_filter):
        qs = self
        if guide_filter.topic:
            qs = qs.filter(topic=guide_filter.topic)
        if guide_filter.audience:
            qs = qs.filter(audience_level=guide_filter.audience)
        if guide_filter.specialty:
            qs = qs.filter(tagged_specialties__tag__slug=guide_filter.specialty)
        return qs

    def for_listing(self):
        """What a guide card needs, in a fixed number of queries."""
        # The author model is reached through the relation, so this module
        # needs no import of the page models (which import it).
        author_model = self.model._meta.get_field("authors").related_model
        listing = self.defer_streamfields().prefetch_related(
            Prefetch(
                "authors",
                queryset=author_model.objects.select_related("mentor").order_by("sort_order"),
            ),
        )
        return with_images(listing, "lead_image", "card")
