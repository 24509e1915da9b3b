"""How compliance is told: a refusal to publish to the editor (every problem,
as a list), and to an institution's CME staff by e-mail, both for a refused
scheduled publication and for the daily check's changes of state (what
changed, what to fix in plain words, and a link to the path's editor)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from learning.models import Enrolment, LearningPathPage, PathComplianceCheck


def refusal_html(intro: str, problems: Sequence[str]) -> SafeString:
    """``intro`` then every problem as a list item (all escaped)."""
    items = format_html_join("", "<li>{}</li>", ((p,) for p in problems))
    return format_html("{}<ul>{}</ul>", intro, items)


def refusal_text(intro: str, problems: Sequence[str]) -> str:
    return intro + "\n\n" + "\n".join(f"- {p}" for p in problems)


def not_published_intro(title: str) -> str:
    return f"'{title}' was not published (nothing was changed). Fix these first:"


def recipients(path: LearningPathPage) -> list[str]:
    """The institution's staff users' addresses; the institution's contact
    e-mail (its CME office) when no staff user has one."""
    institution = path.institution
    if institution is None:
        return []
    staff = sorted(
        set(
            institution.staff.filter(is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if staff:
        return staff
    return [institution.contact_email] if institution.contact_email else []


def editor_url(path: LearningPathPage) -> str:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return base + reverse("wagtailadmin_pages:edit", args=(path.pk,))


def compose(
    path: LearningPathPage, row: PathComplianceCheck, *, previous_compliant: bool
) -> tuple[str, str]:
    """(subject, body) of the notice for ``row``."""
    day = f"{row.checked_at:%-d %B %Y}"
    title = f"“{path.title}”"
    waiting = Enrolment.objects.filter(path=path, completed_at__isnull=True).count()
    learners = f"learners already enrolled ({waiting} not yet finished)"
    footer = (
        f"Open the path in the editor: {editor_url(path)}\n\n"
        "You receive this because you act for "
        f"{path.institution.name if path.institution else 'the accrediting institution'} "
        "on Curbside. You hear from this check again only when the path's state changes."
    )
    if row.compliant:
        subject = f"{title} takes enrolments and credit claims again"
        body = (
            f"The learning path {title} meets every requirement for credit again (checked on "
            f"{day}). It takes new enrolments and credit claims from now on; {learners} can "
            f"claim as soon as they are ready.\n\n{footer}\n"
        )
        return subject, body
    fixes = "\n".join(f"- {problem}" for problem in row.problems)
    if previous_compliant:
        subject = f"Action needed: {title} has stopped taking enrolments and credit claims"
        opening = (
            f"The learning path {title} no longer meets the requirements for AMA PRA Category 1 "
            f"Credit™ (found on {day}). Until it is put right it takes no new enrolments and "
            "no credit claims."
        )
    else:
        subject = f"Still needed: {title} is not taking enrolments and credit claims"
        opening = (
            f"The learning path {title} still does not meet the requirements for credit, and "
            f"what needs fixing changed on {day}. It still takes no new enrolments and no "
            "credit claims."
        )
    body = (
        f"{opening} Nothing has been deleted: {learners} "
        "keep their progress and can claim as soon as the path is put right.\n\n"
        f"What to fix:\n{fixes}\n\n"
        "Credit resumes by itself as soon as every item above is fixed (a renewed disclosure "
        "counts at once; a change to the path itself counts once it is published).\n\n"
        f"{footer}\n"
    )
    return subject, body


def send_notice(
    path: LearningPathPage,
    row: PathComplianceCheck,
    *,
    previous_compliant: bool,
    to: list[str],
) -> None:
    """One message to every recipient. Raises when the mail server refuses."""
    subject, body = compose(path, row, previous_compliant=previous_compliant)
    EmailMessage(subject=subject, body=body, to=to).send(fail_silently=False)


def tell_institution_staff(path: LearningPathPage, subject: str, body: str) -> int:
    """E-mail the path's institution staff; the number of recipients."""
    to = recipients(path)
    if to:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    return len(to)
