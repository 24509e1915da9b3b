""" "Did you mean": which typed words to check, and the corrected query."""

from __future__ import annotations

import re
from collections.abc import Callable

from search.abbreviations import synonym_groups
from search.query import ParsedQuery


def _synonym_words() -> set[str]:
    return {term[0] for group in synonym_groups() for term in group if len(term) == 1}


def spelling_candidates(parsed: ParsedQuery) -> list[str]:
    """Words typed (not abbreviations from the synonym list) worth checking."""
    synonyms = _synonym_words()
    return [word for word in parsed.plain_words if word not in synonyms]


def _literal(replacement: str) -> Callable[[re.Match[str]], str]:
    """A re.sub replacement that inserts the text as it is (no backslash escapes)."""
    return lambda _match: replacement


def correction(parsed: ParsedQuery, entries: list[dict]) -> str:
    """The query with each misspelt word replaced by the best suggestion."""
    text = parsed.text
    for entry in entries:
        options = entry.get("options") or []
        if not options:
            continue
        word, better = entry.get("text", ""), options[0].get("text", "")
        if not word or not better:
            continue
        pattern = re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)
        text = pattern.sub(_literal(better), text)
    return text if text.casefold() != parsed.text.casefold() else ""
