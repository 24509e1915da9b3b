"""Every message the mentoring services send, in one place.

Each function is called inside the transaction of the change it reports and
writes one notification (``notifications.services.notify``), with a dedupe key
so a retried service or a scan run twice writes it once. The ``notifications``
app sends the e-mail after the commit, never inside a request. The kinds are
registered here, under "Mentoring" on the person's notification settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from notifications import kinds
from notifications.services import notify

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import MatchRequest

REQUEST_RECEIVED = "mentoring.request_received"
REQUEST_REMINDER = "mentoring.request_reminder"
REQUEST_ACCEPTED = "mentoring.request_accepted"
REQUEST_DECLINED = "mentoring.request_declined"
REQUEST_EXPIRED = "mentoring.request_expired"

GROUP = "Mentoring"
KINDS = (
    kinds.Kind(
        REQUEST_RECEIVED,
        "When a mentee asks you to be their mentor",
        "So you can accept or decline within 7 days.",
        GROUP,
    ),
    kinds.Kind(
        REQUEST_REMINDER,
        "A reminder when a mentee has waited 3 days for your answer",
        group=GROUP,
    ),
    kinds.Kind(REQUEST_ACCEPTED, "When a mentor accepts your request", group=GROUP),
    kinds.Kind(REQUEST_DECLINED, "When a mentor declines your request", group=GROUP),
    kinds.Kind(
        REQUEST_EXPIRED,
        "When your request closes unanswered after 7 days",
        "With the next mentor we suggest.",
        GROUP,
    ),
)
for _kind in KINDS:
    kinds.register(_kind)


def display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _send(user: User, kind: str, subject: str, text: str, url: str, dedupe_key: str) -> None:
    notify(user, kind, subject=subject, text=text, url=url, dedupe_key=dedupe_key)


def request_received(request: MatchRequest) -> None:
    _send(
        request.mentor,
        REQUEST_RECEIVED,
        f"{display_name(request.mentee)} would like you as their mentor",
        f"{display_name(request.mentee)} asked you to be their mentor in "
        f"{request.programme.title}. Please accept or decline within 7 days.",
        reverse("mentoring:requests"),
        f"mentoring-request-{request.pk}-received",
    )


def request_reminder(request: MatchRequest) -> None:
    _send(
        request.mentor,
        REQUEST_REMINDER,
        f"Reminder: {display_name(request.mentee)} is waiting for your answer",
        f"{display_name(request.mentee)} asked you to be their mentor in "
        f"{request.programme.title}. The request closes on {request.expires_at:%d %B %Y}; "
        "a short answer either way helps them move on.",
        reverse("mentoring:requests"),
        f"mentoring-request-{request.pk}-reminder",
    )


def request_accepted(request: MatchRequest) -> None:
    _send(
        request.mentee,
        REQUEST_ACCEPTED,
        f"{display_name(request.mentor)} will be your mentor",
        f"{display_name(request.mentor)} accepted your request in {request.programme.title}.",
        reverse("mentoring:requests"),
        f"mentoring-request-{request.pk}-accepted",
    )


def request_declined(request: MatchRequest) -> None:
    _send(
        request.mentee,
        REQUEST_DECLINED,
        "Your mentoring request was declined",
        f"{display_name(request.mentor)} cannot take you on in {request.programme.title} "
        "this time. Your other suggestions are waiting for you.",
        reverse("mentoring:suggestions", args=[request.programme.slug]),
        f"mentoring-request-{request.pk}-declined",
    )


def request_closed_mentor_left(request: MatchRequest) -> None:
    """The mentor left the programme while the request waited. The same kind
    as a decline (the mentee's setting for it applies), in its own words: the
    mentor did not turn them down."""
    _send(
        request.mentee,
        REQUEST_DECLINED,
        "Your mentoring request has closed",
        f"{display_name(request.mentor)} has left {request.programme.title}, so your "
        "request to them has closed. Your other suggestions are waiting for you.",
        reverse("mentoring:suggestions", args=[request.programme.slug]),
        f"mentoring-request-{request.pk}-mentor-left",
    )


def request_expired(request: MatchRequest) -> None:
    following = request.next_suggestion
    text = (
        f"{display_name(request.mentor)} did not answer within 7 days, so your request in "
        f"{request.programme.title} has closed."
    )
    if following is not None:
        text += f" Your next suggestion is {display_name(following)}."
    _send(
        request.mentee,
        REQUEST_EXPIRED,
        "Your mentoring request has closed",
        text,
        reverse("mentoring:suggestions", args=[request.programme.slug]),
        f"mentoring-request-{request.pk}-expired",
    )
