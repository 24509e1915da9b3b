"""From what someone typed to a structured query every engine can render.

The same parser serves every engine, so "MI in young women" means the same
thing on SQLite, PostgreSQL and Elasticsearch: the words (minus stop words)
must all match, "MI" matches "myocardial infarction" through the synonym list
in ``synonyms.txt``, a "quoted phrase" matches as a phrase and ``-word``
excludes. Anything else (operators, brackets, SQL, control characters) is
just text: engines receive words and never raw query syntax.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MAX_QUERY_LENGTH = 200
MAX_CLAUSES = 12
SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")

STOP_WORDS = frozenset(
    """a about an and are as at be been but by can could do does for from had has have
    how i if in into is it its me my no not of on or our should so than that the their
    them then there these they this to was we were what when where which who why will
    with would you your""".split()  # noqa: SIM905
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)')


def words(text: str) -> list[str]:
    """Lower-case words of a text, as every engine's tokenizer roughly sees them."""
    return [w.replace("’", "'").lower() for w in _WORD.findall(text)]


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


@functools.cache
def synonym_groups() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Each group: its terms as word tuples, e.g. (("mi",), ("myocardial", "infarction"))."""
    groups = []
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        terms = tuple(tuple(words(term)) for term in line.split(","))
        groups.append(tuple(t for t in terms if t))
    return tuple(groups)


def synonym_lines() -> list[str]:
    """The groups in Solr format, for Elasticsearch's synonym_graph filter."""
    return [", ".join(" ".join(term) for term in group) for group in synonym_groups()]


@functools.cache
def _synonym_index() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    index: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for group in synonym_groups():
        for term in group:
            index.setdefault(term, ())
            index[term] = tuple(dict.fromkeys(index[term] + group))
    return index


def _longest_synonym(tokens: list[str], start: int) -> tuple[int, tuple[tuple[str, ...], ...]]:
    index = _synonym_index()
    for length in range(min(6, len(tokens) - start), 0, -1):
        key = tuple(tokens[start : start + length])
        if key in index:
            return length, index[key]
    return 0, ()


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
    pending: list[str] = []  # plain words, so synonyms can span several

    def flush() -> None:
        i = 0
        while i < len(pending):
            length, group = _longest_synonym(pending, i)
            if length:
                clauses.append(Clause(group))
                i += length
                continue
            word = pending[i]
            if word not in STOP_WORDS or len(pending) == 1:
                clauses.append(Clause(((word,),)))
            i += 1
        pending.clear()

    for match in _TOKEN.finditer(text):
        negate, phrase, negate_word, raw = match.groups()
        if phrase is not None:
            flush()
            found = tuple(words(phrase))
            if not found:
                continue
            if negate:
                excluded.extend(found)
            else:
                _, group = _longest_synonym(list(found), 0) if len(found) else (0, ())
                clauses.append(Clause(group if group and found in group else (found,)))
            continue
        found_words = words(raw)
        if negate_word and found_words and len(clauses) + len(pending) > 0:
            excluded.extend(found_words)
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
