from decimal import Decimal

from django import template

from cms.credits import format_credits

register = template.Library()


@register.filter
def credits(value: Decimal | float | str | None) -> str:
    """Credits as people write them: 1, 1.5, 0.25."""
    return format_credits(value) if value is not None else ""
