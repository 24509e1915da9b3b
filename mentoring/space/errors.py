"""The one error a space service raises: a message for the member, and the
form field it belongs to (empty for the whole form)."""

from __future__ import annotations


class SpaceError(Exception):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
