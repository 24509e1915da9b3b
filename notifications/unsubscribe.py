"""The one-click "turn these e-mails off" link of every notification e-mail.

The token names the user and the kind and is signed with the site's secret
key: it needs no sign-in (mail clients post it without cookies, RFC 8058) and
cannot be forged or pointed at another user or kind. It does not expire:
an old e-mail's link must still work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.urls import reverse

from cms.site_url import absolute_url

SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    kind: str


def make_token(user: Any, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=SALT, compress=True)


def read_token(token: str) -> Unsubscribe | None:
    """The request the token carries, or None for a damaged or forged one."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return Unsubscribe(user_id, kind)


def unsubscribe_url(user: Any, kind: str) -> str:
    return absolute_url(reverse("notifications_unsubscribe", args=(make_token(user, kind),)))
