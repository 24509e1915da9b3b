"""From what someone typed to a structured query every engine can render.

The same parser serves every engine, so "MI in young women" means the same
thing on SQLite, PostgreSQL and Elasticsearch: the words (minus stop words)
must all match, "MI" matches "myocardial infarction" through the synonym list
in ``synonyms.txt``, a "quoted phrase" matches as a phrase and ``-word``
excludes. Anything else (operators, brackets, SQL, control characters) is
just text: engines receive words and never raw query syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .abbreviations import longest_synonym, typed_words, words

MAX_QUERY_LENGTH = 200
MAX_CLAUSES = 12

STOP_WORDS = frozenset(
    """a about an and are as at be been but by can could do does for from had has have
    how i if in into is it its me my no not of on or our should so than that the their
    them then there these they this to was we were what when where which who why will
    with would you your""".split()  # noqa: SIM905
)

_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)')


def clean_query(text: str) -> tuple[str, bool]:
    """Printable text, whitespace collapsed, at most MAX_QUERY_LENGTH
    characters. Returns the text and whether it was shortened."""
    text = text or ""
    text = "".join(
        " " if unicodedata.category(ch)[0] in "CZ" and ch not in "\u200d" else ch for ch in text
    )
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        return text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH], True
    return text, False


@dataclass(frozen=True)
class Clause:
    """One thing the document must contain: any of these alternatives, each a
    phrase given as a tuple of words (usually a single word)."""

    alternatives: tuple[tuple[str, ...], ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.alternatives) == 1 and len(self.alternatives[0]) > 1


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    clauses: tuple[Clause, ...]
    excluded: tuple[str, ...] = ()
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    @property
    def plain_words(self) -> list[str]:
        """Single words the user typed (not synonyms), for spelling checks."""
        return [
            c.alternatives[0][0]
            for c in self.clauses
            if len(c.alternatives) == 1 and len(c.alternatives[0]) == 1
        ]

    @property
    def last_word(self) -> str:
        """The word being typed, for completion."""
        found = words(self.text)
        return found[-1] if found else ""


def parse(text: str) -> ParsedQuery:
    text, truncated = clean_query(text)
    clauses: list[Clause] = []
    excluded: list[str] = []
    pending: list[str] = []  # plain words as typed, so synonyms can span several

    def flush() -> None:
        i = 0
        while i < len(pending):
            length, group = longest_synonym(pending, i)
            if length:
                clauses.append(Clause(group))
                i += length
                continue
            word = pending[i].lower()
            if word not in STOP_WORDS or len(pending) == 1:
                clauses.append(Clause(((word,),)))
            i += 1
        pending.clear()

    for match in _TOKEN.finditer(text):
        negate, phrase, negate_word, raw = match.groups()
        if phrase is not None:
            flush()
            typed = typed_words(phrase)
            found = tuple(word.lower() for word in typed)
            if not found:
                continue
            if negate:
                excluded.extend(found)
            else:
                length, group = longest_synonym(typed, 0)
                clauses.append(Clause(group if length == len(found) else (found,)))
            continue
        found_words = typed_words(raw)
        if negate_word and found_words and len(clauses) + len(pending) > 0:
            excluded.extend(word.lower() for word in found_words)
        else:
            pending.extend(found_words)
    flush()
    # Drop repeats, keep order, cap the size so no query is expensive.
    unique = tuple(dict.fromkeys(clauses))[:MAX_CLAUSES]
    return ParsedQuery(
        text=text,
        clauses=unique,
        excluded=tuple(dict.fromkeys(excluded))[:MAX_CLAUSES],
        truncated=truncated,
    )
