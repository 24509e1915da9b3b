"""How a refusal to publish is told: to the editor on the admin page (every
problem, as a list) and to an institution's CME staff by e-mail."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from learning.models import LearningPathPage


def refusal_html(intro: str, problems: Sequence[str]) -> SafeString:
    """``intro`` then every problem as a list item (all escaped)."""
    items = format_html_join("", "<li>{}</li>", ((p,) for p in problems))
    return format_html("{}<ul>{}</ul>", intro, items)


def refusal_text(intro: str, problems: Sequence[str]) -> str:
    return intro + "\n\n" + "\n".join(f"- {p}" for p in problems)


def not_published_intro(title: str) -> str:
    return f"'{title}' was not published (nothing was changed). Fix these first:"


def staff_addresses(path: LearningPathPage) -> list[str]:
    """The accrediting institution's staff (active users with an address);
    the institution's contact address when it has no such staff."""
    institution = path.institution
    if institution is None:
        return []
    addresses = sorted(
        {
            user.email
            for user in institution.staff.filter(is_active=True).exclude(email="")
            if user.email
        }
    )
    if not addresses and institution.contact_email:
        addresses = [institution.contact_email]
    return addresses


def tell_institution_staff(path: LearningPathPage, subject: str, body: str) -> int:
    """E-mail the path's institution staff; the number of recipients."""
    recipients = staff_addresses(path)
    if recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)
