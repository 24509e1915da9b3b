from typing import Any

from django import template

from notifications.services import unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user: Any) -> int:
    """How many of the signed-in user's notifications are unread (one query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return unread_count(user)
