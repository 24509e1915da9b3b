import html
from collections.abc import Iterable
from decimal import Decimal

from django import template
from django.utils.safestring import SafeString, mark_safe

from cms.credits import format_credits

register = template.Library()


@register.filter
def credits(value: Decimal | float | str | None) -> str:
    """Credits as people write them: 1, 1.5, 0.25."""
    return format_credits(value) if value is not None else ""


@register.filter
def answer_items(answers: Iterable[str]) -> SafeString:
    """Written answers as escaped list items ("No answers." when there are
    none): the same HTML as a ``{% for %}`` loop, built in one pass, for a
    report that lists thousands of them."""
    # html.escape(quote=True) escapes the same five characters as Django's escape().
    items = "".join(f"<li>{html.escape(str(answer))}</li>" for answer in answers)
    return mark_safe(items or "<li>No answers.</li>")  # noqa: S308 - every answer escaped above
