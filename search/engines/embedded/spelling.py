""" "Did you mean" for the embedded engines: the words a document adds to the
spelling table, keeping the table's document counts, edit distance and the
corrected query."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from django.db.models import F

from search.database import atomic_index, index_db
from search.models import IndexedDocument, SpellingTerm
from search.query import ParsedQuery, words

from ..base import SearchDocument

SPELLING_MIN, SPELLING_MAX = 4, 30


TERM_CHUNK = 2000
# search.abbreviations.words' pattern.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_CACHED = "_spelling_words"


def spelling_words(document: SearchDocument) -> frozenset[str]:
    """The document's spelling terms, worked out once per document (kept on
    it, as its meta_text is, so a rebuild's builder process works them out
    and the writer reuses them)."""
    words = document.__dict__.get(_CACHED)
    if words is None:
        words = document.__dict__[_CACHED] = _spelling_words(document)
    return words


def _spelling_words(document: SearchDocument) -> frozenset[str]:
    text = " ".join(
        (document.title, document.summary, document.objectives, document.meta_text, document.body)
    )
    # words() lower-cases each word; a word with an apostrophe is never
    # alphabetic, so lower-casing the text once finds the same terms.
    return frozenset(
        w
        for w in set(_WORD.findall(text.lower()))
        if w.isalpha() and SPELLING_MIN <= len(w) <= SPELLING_MAX
    )


def row_spelling_words(row: IndexedDocument) -> set[str]:
    text = " ".join((row.title, row.summary, row.objectives, row.meta, row.body))
    return {w for w in words(text) if w.isalpha() and SPELLING_MIN <= len(w) <= SPELLING_MAX}


def apply_term_changes(added: Counter[str], gone: Counter[str]) -> None:
    """Keep document counts of spelling terms; sorted so that concurrent
    writers take row locks in the same order."""
    if added:
        SpellingTerm.objects.bulk_create(
            [SpellingTerm(term=t, documents=0) for t in sorted(added)],
            ignore_conflicts=True,
        )
        for term in sorted(added):
            SpellingTerm.objects.filter(term=term).update(documents=F("documents") + added[term])
    for term in sorted(gone):
        SpellingTerm.objects.filter(term=term).update(documents=F("documents") - gone[term])
    if gone:
        SpellingTerm.objects.filter(term__in=list(gone), documents__lte=0).delete()


def replace_terms(vocabulary: Counter[str]) -> None:
    """Make the spelling table hold exactly these terms and counts (after a
    rebuild), changing only what differs, TERM_CHUNK rows per transaction so
    no write waits on one long transaction."""
    existing = dict(SpellingTerm.objects.values_list("term", "documents"))
    gone = sorted(t for t in existing if t not in vocabulary)
    new = sorted(t for t in vocabulary if t not in existing)
    changed = sorted(t for t, n in vocabulary.items() if t in existing and existing[t] != n)
    for start in range(0, len(gone), TERM_CHUNK):
        with atomic_index():
            SpellingTerm.objects.filter(term__in=gone[start : start + TERM_CHUNK]).delete()
    for start in range(0, len(new), TERM_CHUNK):
        with atomic_index():
            SpellingTerm.objects.bulk_create(
                [
                    SpellingTerm(term=t, documents=vocabulary[t])
                    for t in new[start : start + TERM_CHUNK]
                ],
                ignore_conflicts=True,
            )
    for start in range(0, len(changed), TERM_CHUNK):
        with atomic_index(), index_db.cursor() as cursor:
            cursor.executemany(
                "UPDATE search_spellingterm SET documents = %s WHERE term = %s",
                [(vocabulary[t], t) for t in changed[start : start + TERM_CHUNK]],
            )


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein distance, giving up (limit + 1) past the limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []  # the row before `previous`, once there is one
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def spelling_suggestion(
    parsed: ParsedQuery,
    word_in_index: Callable[[str], bool],
    candidates: Callable[[str], list[tuple[str, int]]],
) -> str:
    """The query with each word the index lacks replaced by the closest of
    its candidates (term, document count), or "" when nothing changed."""
    text = parsed.text
    changed = False
    for word in parsed.plain_words:
        if not word.isalpha() or len(word) < SPELLING_MIN or word_in_index(word):
            continue
        limit = 1 if len(word) <= 5 else 2
        best = None
        for term, documents in candidates(word):
            distance = edit_distance(word, term, limit)
            if distance <= limit:
                key = (distance, -documents, term)
                best = min(best, key) if best else key
        if best:
            text = _replace_word(text, word, best[2])
            changed = True
    return text if changed and text.lower() != parsed.text.lower() else ""


def _replace_word(text: str, word: str, replacement: str) -> str:
    return re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", replacement, text, count=1, flags=re.I)
