import html
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django import template
from django.utils.safestring import SafeString, mark_safe

from cms.credits import format_credits

if TYPE_CHECKING:
    from learning.journey.progress import PathProgress

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


@register.simple_tag
def step_items(progress: "PathProgress") -> SafeString:
    """The path page's steps as list items: the same HTML a ``{% for %}`` loop
    would give, built in one pass. The path page lists up to 50 on every
    request, and the template engine's look-ups were a tenth of its time.

    Done steps are ticked; for an enrolled learner the first step not done is
    "Up next" and the others "Not started"; a visitor not enrolled sees each
    guide's reading time."""
    items = []
    for step in progress.steps:
        if step.done:
            css, marker, state = " step--done", "✓", "Completed"
        elif not progress.enrolled:
            css, marker, state = "", str(step.number), f"{step.guide.reading_minutes} min read"
        elif step.is_next:
            css, marker, state = " step--next", str(step.number), "Up next"
        else:
            css, marker, state = "", str(step.number), "Not started"
        items.append(
            f'<li class="step{css}"><span class="step__marker" aria-hidden="true">{marker}</span>'
            f'<span class="step__body"><a href="{html.escape(step.url)}">'
            f"{html.escape(step.guide.title)}</a>"
            f' <span class="step__state">{state}</span></span></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 - the URL and title escaped above
