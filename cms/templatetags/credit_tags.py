"""The credit's name in templates, printed as the AMA asks: <em>AMA PRA Category 1 Credit</em>™."""

from decimal import Decimal

from django import template
from django.utils.safestring import SafeString

from cms.credits import ama_pra_html, credit_name_html

register = template.Library()


@register.filter(is_safe=True)
def ama_pra(text: object) -> SafeString:
    """``text`` escaped, with every mention of the credit's name in italics followed by one ™."""
    return ama_pra_html("" if text is None else str(text))


@register.filter(is_safe=True)
def credit_name(amount: Decimal | float | str | None) -> SafeString:
    """The credit's name for ``amount`` credits: singular for exactly 1, else plural."""
    return credit_name_html(amount)
