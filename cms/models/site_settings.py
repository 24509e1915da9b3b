from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    tagline = models.CharField(
        max_length=160, default="Mentorship learning paths for continuing medical education"
    )
    support_email = models.EmailField(default="support@curbside.example")
    footer_note = models.TextField(
        blank=True,
        default="Guides are educational and do not replace clinical judgment, local "
        "protocols or institutional policy.",
    )

    panels = [FieldPanel("tagline"), FieldPanel("support_email"), FieldPanel("footer_note")]

    class Meta:
        verbose_name = "site identity"
