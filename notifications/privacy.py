"""The notifications section of the privacy export (cms.personal_data).
Deletion needs nothing here: both tables cascade from the user."""

from __future__ import annotations

from typing import Any

from .models import Notification, NotificationSetting


def export_section(user: Any) -> dict[str, Any]:
    return {
        "notifications": [
            {
                "kind": n.kind,
                "subject": n.subject,
                "text": n.text,
                "url": n.url,
                "created_at": n.created_at,
                "read_at": n.read_at,
                "email_status": n.email_status,
                "emailed_at": n.emailed_at,
            }
            for n in Notification.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "settings": [
            {"kind": s.kind, "enabled": s.enabled, "changed_at": s.changed_at, "via": s.changed_via}
            for s in NotificationSetting.objects.filter(user=user).order_by("kind")
        ],
    }
