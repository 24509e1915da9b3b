"""Every message the mentoring services send, in one place.

Each function is called after the transaction commits (``transaction.on_commit``)
and hands one notice to ``_send``. Until the ``notifications`` app is on main,
``_send`` only logs; then it becomes ``notifications.services.notify`` with the
same arguments (user, kind, subject, text, url, dedupe_key).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.urls import reverse

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import MatchRequest

log = logging.getLogger(__name__)

REQUEST_RECEIVED = "mentoring.request_received"
REQUEST_REMINDER = "mentoring.request_reminder"
REQUEST_ACCEPTED = "mentoring.request_accepted"
REQUEST_DECLINED = "mentoring.request_declined"
REQUEST_EXPIRED = "mentoring.request_expired"


def display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _send(user: User, kind: str, subject: str, text: str, url: str, dedupe_key: str) -> None:
    log.info(
        "mentoring notice",
        extra={"user_id": user.pk, "kind": kind, "subject": subject, "dedupe_key": dedupe_key},
    )


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
