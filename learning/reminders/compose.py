"""The words of the learning reminders: subject, text and link of each.

Pure functions of what the scans and the certificate hook found; dates are
written in the learner's own time zone. The e-mail around the text (why it
was sent, the one-click "turn off" link) is added by ``notifications``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from cms.credits import credit_name, format_credits
from cms.site_url import absolute_url
from learning.journey.remaining import Remaining


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    url: str  # a path on this site: the notification's link


def long_date(day: datetime.date) -> str:
    """``Wednesday 2 December 2026``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def local_day(moment: datetime.datetime, zone: datetime.tzinfo) -> datetime.date:
    return timezone.localtime(moment, zone).date()


def greeting(first_name: str) -> str:
    first_name = " ".join(first_name.split())
    return f"Hello {first_name}," if first_name else "Hello,"


def next_thing(remaining: Remaining, next_step_title: str | None) -> str:
    """What to do next on a path, as one short sentence."""
    if remaining.steps_done < remaining.steps_total and next_step_title:
        number = remaining.steps_done + 1
        return f"Next: \u201c{next_step_title}\u201d (step {number} of {remaining.steps_total})."
    if not remaining.passed:
        return "Next: the post-test."
    if not remaining.evaluated:
        return "Next: the evaluation."
    return "Next: claim your credit."


@dataclass(frozen=True)
class QuietPath:
    """One path a learner has left alone for a week or more."""

    title: str
    continue_url: str  # the path's "continue" route: opens the next thing to do
    last_activity: datetime.datetime
    remaining: Remaining
    next_step_title: str | None


def inactivity(
    first_name: str, paths: list[QuietPath], zone: datetime.tzinfo, dashboard_url: str
) -> Message:
    """One e-mail naming every quiet path (oldest activity first)."""
    paths = sorted(paths, key=lambda p: (p.last_activity, p.title))
    if len(paths) == 1:
        subject = f"\u201c{paths[0].title}\u201d is waiting for you"
        intro = "You have not opened a path you started for a week or more."
    else:
        subject = f"{len(paths)} of your learning paths are waiting for you"
        intro = f"You have not opened these {len(paths)} paths you started for a week or more."
    lines = [greeting(first_name), "", intro, ""]
    for path in paths:
        lines += [
            f"\u201c{path.title}\u201d: you last worked on it on "
            f"{long_date(local_day(path.last_activity, zone))}.",
            path.remaining.text,
            next_thing(path.remaining, path.next_step_title),
        ]
        if len(paths) > 1:
            lines.append(f"Pick up where you left off: {absolute_url(path.continue_url)}")
        lines.append("")
    lines.append(
        "Your progress is saved. We send at most one of these reminders a week, and only "
        "about paths you have not worked on for 7 days."
    )
    if len(paths) == 1:
        # The notification's own link (under the text in the e-mail, the
        # subject in the inbox) opens the next thing to do.
        lines.append("The link with this message takes you to the next thing to do.")
        return Message(subject=subject, text="\n".join(lines), url=paths[0].continue_url)
    lines.append("The link with this message opens your dashboard, with all your paths.")
    return Message(subject=subject, text="\n".join(lines), url=dashboard_url)


def amount_text(amount: Decimal, participation: bool) -> str:
    if participation:
        return f"{format_credits(amount)} hour{'' if amount == 1 else 's'} of participation"
    return f"{format_credits(amount)} {credit_name(plural=amount != 1)}"


@dataclass(frozen=True)
class ReadyCertificate:
    title: str  # the activity's title, as printed
    number: str
    amount: Decimal
    participation: bool
    completion_date: datetime.date
    download_url: str
    transcript_url: str
    replaces_number: str = ""  # a reissue: the certificate it replaces
    replaces_issued: datetime.datetime | None = None


def certificate_ready(
    first_name: str, certificate: ReadyCertificate, zone: datetime.tzinfo
) -> Message:
    kind = "certificate of participation" if certificate.participation else "certificate"
    lines = [
        greeting(first_name),
        "",
        f"Your {kind} for \u201c{certificate.title}\u201d is ready to download: "
        f"{amount_text(certificate.amount, certificate.participation)}, "
        f"completed on {long_date(certificate.completion_date)} "
        f"(certificate {certificate.number}).",
    ]
    if certificate.replaces_number:
        issued = (
            f", issued on {long_date(local_day(certificate.replaces_issued, zone))}"
            if certificate.replaces_issued
            else ""
        )
        lines += [
            "",
            f"This is a new certificate, reissued by the provider. It replaces certificate "
            f"{certificate.replaces_number}{issued}, which is no longer valid: please use this "
            "one from now on.",
        ]
    lines += [
        "",
        "The link with this message downloads the PDF. Your transcript, with all your "
        f"certificates: {absolute_url(certificate.transcript_url)}",
    ]
    subject = (
        f"Your reissued certificate for \u201c{certificate.title}\u201d is ready"
        if certificate.replaces_number
        else f"Your certificate for \u201c{certificate.title}\u201d is ready"
    )
    return Message(subject=subject, text="\n".join(lines), url=certificate.download_url)


@dataclass(frozen=True)
class EndingPath:
    title: str
    continue_url: str
    last_day: datetime.date  # the last day the learner can claim
    days_left: int
    claim_window: bool  # the learner's claim deadline, not the activity's end, comes first
    extended: bool  # an extension granted by the provider
    remaining: Remaining
    next_step_title: str | None


def credit_ending(first_name: str, path: EndingPath) -> Message:
    day = long_date(path.last_day)
    if path.days_left == 0:
        when = "today"
    elif path.days_left == 1:
        when = "tomorrow"
    else:
        when = f"in {path.days_left} days"
    if path.extended:
        why = "That is the last day of the extension the provider granted you."
    elif path.claim_window:
        why = "That is your deadline to claim, counted from the day you completed the evaluation."
    else:
        why = "That is the last day the activity is accredited for credit."
    lines = [
        greeting(first_name),
        "",
        f"\u201c{path.title}\u201d stops offering credit to you {when}: the last day you can "
        f"claim credit for it is {day}. {why}",
        "",
        path.remaining.text,
        next_thing(path.remaining, path.next_step_title),
        "",
        "After that day your records stay on Curbside, but a claim is no longer accepted. "
        "The link with this message takes you to the next thing to do.",
    ]
    return Message(
        subject=f"Credit for \u201c{path.title}\u201d ends on {day}",
        text="\n".join(lines),
        url=path.continue_url,
    )
