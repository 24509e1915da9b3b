"""Choosing the snippet shown under a result."""

from __future__ import annotations

from ..base import MARK_START


def pick_snippet(body: str, objectives: str, summary: str) -> str:
    """The first of the highlighted texts that has a match in it, or ""."""
    return next((text for text in (body, objectives, summary) if text and MARK_START in text), "")
