"""How a member is named in the space, invitations and notifications."""

from __future__ import annotations

from typing import Any

from cms.models import Mentor


def display_name(user: Any) -> str:
    """The public mentor name when the person has a mentor profile, else
    their account name, else their username."""
    if user is None:
        return "a former member"
    profile = Mentor.objects.filter(user=user).values_list("name", flat=True).first()
    return profile or user.get_full_name() or user.get_username()
