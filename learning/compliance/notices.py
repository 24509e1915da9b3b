"""The e-mail the daily compliance check sends to a path's institution staff:
what changed, what to fix in plain words, and a link to the path's editor."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from learning.models import Enrolment, LearningPathPage, PathComplianceCheck


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
            "claim as soon as they are ready.\n\n{footer}\n"
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
