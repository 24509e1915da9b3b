"""The abbreviation list (synonyms.txt): which terms stand for the same thing,
and which abbreviations are also everyday words.

Every term on a line of synonyms.txt is equivalent: "AKI" finds "acute
kidney injury" and the other way round. A term written in capitals in the
file (CAP, PE, ED, SOB, MI...) is an abbreviation that is also an everyday
word, a name or a two-letter string. It expands only when typed in capitals
("CAP" finds "community acquired pneumonia"; "cap" is the word cap), and a
document matches it only where the document writes it in capitals: indexing
adds the spelt-out form to the document's classification text
(``expansions_in``), so "a salary cap" never matches a pneumonia search.
Engines see lower-case word tuples, as the tokenizers do.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)

Term = tuple[str, ...]


def words(text: str) -> list[str]:
    """Lower-case words of a text, as every engine's tokenizer roughly sees them."""
    return [w.replace("’", "'").lower() for w in _WORD.findall(text)]


def typed_words(text: str) -> list[str]:
    """The words as typed (case kept), so capitals can be told from words."""
    return [w.replace("’", "'") for w in _WORD.findall(text)]


def _is_capitals(term: str) -> bool:
    letters = [ch for ch in term if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


@functools.cache
def _parsed_file() -> tuple[tuple[tuple[Term, ...], ...], frozenset[Term]]:
    groups: list[tuple[Term, ...]] = []
    capitals: set[Term] = set()
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        group: list[Term] = []
        for raw in line.split(","):
            term = tuple(words(raw))
            if not term:
                continue
            group.append(term)
            if _is_capitals(raw):
                capitals.add(term)
        groups.append(tuple(group))
    return tuple(groups), frozenset(capitals)


def synonym_groups() -> tuple[tuple[Term, ...], ...]:
    """Each group: its terms as lower-case word tuples, e.g. (("mi",),
    ("myocardial", "infarction"))."""
    return _parsed_file()[0]


def capitals_only() -> frozenset[Term]:
    """Terms that expand only when typed in capitals."""
    return _parsed_file()[1]


def synonym_lines() -> list[str]:
    """The groups in Solr format, for Elasticsearch's synonym_graph filter.
    Capitals-only terms are left out: the analyzer lower-cases first, so it
    cannot tell "CAP" from "cap". Queries expand them (search.query), and
    documents carry their spelt-out form (expansions_in)."""
    lines = []
    for group in synonym_groups():
        terms = [" ".join(term) for term in group if term not in capitals_only()]
        if len(terms) > 1:
            lines.append(", ".join(terms))
    return lines


@functools.cache
def synonym_index() -> dict[Term, tuple[Term, ...]]:
    """{term: the terms a query for it matches}. The alternatives never
    include capitals-only terms: those match through the spelt-out forms."""
    index: dict[Term, tuple[Term, ...]] = {}
    for group in synonym_groups():
        spelt = tuple(term for term in group if term not in capitals_only())
        for term in group:
            index[term] = tuple(dict.fromkeys(index.get(term, ()) + spelt))
    return index


def longest_synonym(typed: list[str], start: int) -> tuple[int, tuple[Term, ...]]:
    """(how many typed words, their alternatives) of the longest term of the
    list starting at `start`; (0, ()) when none does. A capitals-only term
    counts only when typed in capitals."""
    index = synonym_index()
    for length in range(min(6, len(typed) - start), 0, -1):
        span = typed[start : start + length]
        key = tuple(word.lower() for word in span)
        if key not in index:
            continue
        if key in capitals_only() and not all(_is_capitals(word) for word in span):
            continue
        return length, index[key]
    return 0, ()


@functools.cache
def _capitals_pattern() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """A case-sensitive pattern for capitals-only abbreviations as whole
    words, and the spelt-out form each stands for (the group's longest term)."""
    spelt_out: dict[str, str] = {}
    for group in synonym_groups():
        spelt = [term for term in group if term not in capitals_only()]
        if not spelt:
            continue
        longest = " ".join(max(spelt, key=len))
        for term in group:
            if term in capitals_only() and len(term) == 1:
                spelt_out[term[0].upper()] = longest
    if not spelt_out:
        return None, {}
    names = "|".join(sorted((re.escape(n) for n in spelt_out), key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])({names})(?![^\W_])"), spelt_out


def expansions_in(*texts: str) -> list[str]:
    """Spelt-out forms of the capitals-only abbreviations the texts use in
    capitals ("CAP" gives "community acquired pneumonia"), once each."""
    pattern, spelt_out = _capitals_pattern()
    if pattern is None:
        return []
    found: dict[str, None] = {}
    for text in texts:
        for match in pattern.finditer(text or ""):
            found[spelt_out[match.group(1)]] = None
    return list(found)
