"""Highlights worked out in Python from the words that match: a title or
summary with every match marked, and a snippet (the window of a long text
with the most matched words). PostgreSQL's ts_headline did this by parsing
each whole text, about 0.35 ms per 3,500-character body, ten bodies a page
(docs/search.md, "Highlights on PostgreSQL"); here only the words that could
match are looked at, found by scanning for each lexeme's first letters.

Which words match is the caller's: `Marker` takes the query's lexemes and a
function giving the lexemes of words as the database's text configuration
makes them, so a word is marked exactly when the index would match it."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable

from ..base import MARK_END, MARK_START

SNIPPET_WORDS = 32
# Words shown before the first match of a snippet, for context.
LEAD_WORDS = 4
_SPACE = re.compile(r"\s+")
# Candidate words start with a lexeme's first three letters ("y" read as
# "i": the stemmer ends "therapy" and "therapies" in "therapi"). A candidate
# is confirmed by its lexemes; the key only keeps the look-ups few. Each key
# is found by a pattern that starts with it, which Python's re scans for as
# a literal, about ten times faster than one alternation over the keys.
_KEY_LENGTH = 3
# The rest of the word: letters and digits. An apostrophe ends a word, as in
# PostgreSQL's parser ("patient's" is "patient" and "s").
_WORD_REST = r"\w*"

Lexemes = Callable[[Iterable[str]], dict[str, frozenset[str]]]


def _key(text: str) -> str:
    return text[:_KEY_LENGTH].lower().replace("y", "i")


def query_lexemes(tsquery_text: str) -> frozenset[str]:
    """The lexemes of a tsquery in its text form ('share' <-> 'decis' &
    'j' <-> '-1'), signs dropped: "J-1" is read as "j" and "-1"."""
    found = re.findall(r"'((?:[^']|'')*)'", tsquery_text)
    return frozenset(lexeme.replace("''", "'").lstrip("-") for lexeme in found if lexeme)


class Marker:
    """Marks the words of texts whose lexemes are among the query's."""

    def __init__(self, lexemes: frozenset[str], lookup: Lexemes) -> None:
        self.lexemes = lexemes
        self.lookup = lookup
        keys = {_key(lexeme) for lexeme in lexemes if lexeme}
        self.patterns = [re.compile(re.escape(key) + _WORD_REST) for key in sorted(keys)]

    def _candidates(self, text: str) -> list[tuple[int, int]]:
        """Spans of words starting with a key."""
        folded = text.lower().replace("y", "i")
        if len(folded) != len(text):  # a letter whose lower case is longer
            folded = "".join(c.lower()[:1] for c in text).replace("y", "i")
        found = set()
        for pattern in self.patterns:
            for match in pattern.finditer(folded):
                start = match.start()
                if not start or not folded[start - 1].isalnum():
                    found.add(match.span())
        return sorted(found)

    def spans(self, texts: Iterable[str]) -> list[list[tuple[int, int]]]:
        """For each text, the (start, end) of its matching words."""
        texts = list(texts)
        candidates = [self._candidates(text) for text in texts]
        words = {
            t[a:b].lower() for t, found in zip(texts, candidates, strict=True) for a, b in found
        }
        known = self.lookup(words) if words else {}
        wanted = self.lexemes
        return [
            [
                (a, b)
                for a, b in found
                if not wanted.isdisjoint(known.get(text[a:b].lower(), frozenset()))
            ]
            for text, found in zip(texts, candidates, strict=True)
        ]


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """text[start:end] with the spans inside it marked."""
    end = len(text) if end is None else end
    pieces, at = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        pieces += [text[at:a], MARK_START, text[a:b], MARK_END]
        at = b
    pieces.append(text[at:end])
    return "".join(pieces)


def _word_start(text: str, at: int, back: int) -> int:
    """Where the word `back` words before the one at `at` starts (or 0)."""
    at = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at)) + 1
    for _ in range(back):
        if at <= 1:
            return 0
        at = max(text.rfind(" ", 0, at - 1), text.rfind("\n", 0, at - 1)) + 1
    return at


def _word_end(text: str, at: int, count: int) -> int:
    """Where the `count`-th word from `at` ends (the text's end at most)."""
    for _ in range(count):
        found = _SPACE.search(text, at)
        if found is None:
            return len(text)
        at = found.end()
    return at


def snippet(text: str, spans: list[tuple[int, int]], words: int = SNIPPET_WORDS) -> str:
    """The window of at most `words` words with the most matches (the most
    different words first, then the most matches, then the earliest), marked;
    "" when nothing in the text matches. Words are counted by the spaces
    between them, which is all a window needs."""
    if not spans:
        return ""
    # Each match's word number, counted from the first match.
    index, at, count = [], spans[0][0], 0
    for a, _ in spans:
        count += text.count(" ", at, a) + text.count("\n", at, a)
        index.append(count)
        at = a
    span_words = [text[a:b].lower() for a, b in spans]
    best, best_score = 0, (-1, -1)
    for i, first in enumerate(index):
        inside = range(i, bisect.bisect_left(index, first + words - LEAD_WORDS))
        score = (len({span_words[j] for j in inside}), len(inside))
        if score > best_score:
            best, best_score = i, score
    begin = _word_start(text, spans[best][0], LEAD_WORDS)
    finish = _word_end(text, begin, words)
    return mark(text, spans, begin, finish).strip()
