"""Writing many notifications of one kind at once, for scheduled scans.

``notify`` (services.py) costs a few queries per person; a scan that reminds
thousands of learners calls ``notify_many`` once per chunk instead, in a
fixed number of queries whatever the chunk's size. The rules are the same:
nothing for a person who turned the kind off or whose account is inactive,
one notification per (user, kind, dedupe_key), sent after commit, never
inside a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import kinds
from .models import EmailStatus, Notification, NotificationSetting
from .services import announce


@dataclass(frozen=True)
class Draft:
    """One notification to write: for ``user``, with a ``dedupe_key``
    (required here: scans run again and again)."""

    user: Any
    subject: str
    text: str
    dedupe_key: str
    url: str = ""


def notify_many(kind_key: str, drafts: Sequence[Draft]) -> list[Notification]:
    """Write the notifications of ``drafts`` that are wanted and new; returns
    those written now. Four queries, however many drafts (one chunk of a
    scan: keep chunks to a few hundred)."""
    kind = kinds.get(kind_key)
    wanted: dict[tuple[int, str], Draft] = {}
    for draft in drafts:
        if not draft.dedupe_key:
            raise ValueError("notify_many needs a dedupe key on every draft.")
        if not " ".join(draft.subject.split()):
            raise ValueError("A notification needs a subject.")
        if getattr(draft.user, "is_active", False):
            wanted.setdefault((draft.user.pk, draft.dedupe_key), draft)
    if not wanted:
        return []
    user_ids = {user_id for user_id, _ in wanted}
    chosen = dict(
        NotificationSetting.objects.filter(user_id__in=user_ids, kind=kind_key).values_list(
            "user_id", "enabled"
        )
    )
    wanted = {pair: draft for pair, draft in wanted.items() if chosen.get(pair[0], kind.default_on)}
    if not wanted:
        return []
    keys = {key for _, key in wanted}
    existing = set(
        Notification.objects.filter(
            kind=kind_key, user_id__in=user_ids, dedupe_key__in=keys
        ).values_list("user_id", "dedupe_key")
    )
    rows = [
        Notification(
            user_id=user_id,
            kind=kind_key,
            dedupe_key=key,
            subject=" ".join(draft.subject.split())[:200],
            text=draft.text,
            url=draft.url,
            **(
                {}
                if draft.user.email
                else {"email_status": EmailStatus.SKIPPED, "last_error": "no e-mail address"}
            ),
        )
        for (user_id, key), draft in wanted.items()
        if (user_id, key) not in existing
    ]
    if not rows:
        return []
    # A concurrent scan may have written some of them a moment ago: the unique
    # constraint keeps one, and the loser skips it.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    new_pairs = {(row.user_id, row.dedupe_key) for row in rows}
    written = [
        notification
        for notification in Notification.objects.filter(
            kind=kind_key, user_id__in={u for u, _ in new_pairs}, dedupe_key__in=keys
        ).order_by("pk")
        if (notification.user_id, notification.dedupe_key) in new_pairs
    ]
    announce([n.pk for n in written if n.email_status == EmailStatus.PENDING])
    return written
