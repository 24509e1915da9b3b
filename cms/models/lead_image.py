"""A page's lead image: an image from the library and its alt text, next to
each other in the editor (guides here; learning paths use the same fields).
The page's ``clean`` checks the alt text (``cms.alt_text.clean_image_alt``)
and a check constraint keeps a lead image from being stored without one."""

from django.db import models

from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from cms.alt_text import MAX_ALT_LENGTH

LEAD_IMAGE_HELP = (
    "Shown at the top of the page and on its card in listings: a wide image, "
    "cropped to 16:9 around its focal point."
)
LEAD_IMAGE_ALT_HELP = (
    "Required with a lead image: what the image shows, for readers who cannot see it. "
    "Left empty, the image's own description is used if it has one."
)


def lead_image_field():
    return models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=LEAD_IMAGE_HELP,
    )


def lead_image_alt_field():
    return models.CharField(
        "lead image alt text",
        max_length=MAX_ALT_LENGTH,
        blank=True,
        help_text=LEAD_IMAGE_ALT_HELP,
    )


def lead_image_panel():
    return MultiFieldPanel(
        [FieldPanel("lead_image"), FieldPanel("lead_image_alt")], heading="Lead image"
    )


def lead_image_constraint(name):
    """The database's guard: a lead image always has alt text."""
    return models.CheckConstraint(
        condition=models.Q(lead_image__isnull=True) | ~models.Q(lead_image_alt=""), name=name
    )
