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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Rule:
    """One line of the file: a query for any of `sources` matches any of
    `targets`. An equivalence line ("a, b") has the same terms in both; a
    one-way line ("work life balance => burnout, wellbeing") widens its
    sources only, so a search for burnout does not bring in every mention
    of wellbeing."""

    sources: tuple[Term, ...]
    targets: tuple[Term, ...]

    @property
    def one_way(self) -> bool:
        return self.sources != self.targets


def _terms(text: str, capitals: set[Term]) -> list[Term]:
    found = []
    for raw in text.split(","):
        term = tuple(words(raw))
        if term:
            found.append(term)
            if _is_capitals(raw):
                capitals.add(term)
    return found


@functools.cache
def _parsed_file() -> tuple[tuple[Rule, ...], frozenset[Term]]:
    rules: list[Rule] = []
    capitals: set[Term] = set()
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" in line:
            left, right = line.split("=>", 1)
            sources = tuple(_terms(left, set()))
            targets = tuple(dict.fromkeys(sources + tuple(_terms(right, set()))))
            rules.append(Rule(sources, targets))
        else:
            terms = tuple(_terms(line, capitals))
            rules.append(Rule(terms, terms))
    return tuple(rules), frozenset(capitals)


def synonym_groups() -> tuple[tuple[Term, ...], ...]:
    """Each line's terms as lower-case word tuples, e.g. (("mi",),
    ("myocardial", "infarction"))."""
    return tuple(rule.targets for rule in _parsed_file()[0])


def capitals_only() -> frozenset[Term]:
    """Terms that expand only when typed in capitals (never in one-way lines)."""
    return _parsed_file()[1]


def synonym_lines() -> list[str]:
    """The lines in Solr format, for Elasticsearch's synonym_graph filter.
    Capitals-only terms are left out: the analyzer lower-cases first, so it
    cannot tell "CAP" from "cap". Queries expand them (search.query), and
    documents carry their spelt-out form (expansions_in)."""
    lines = []
    for rule in _parsed_file()[0]:
        targets = [" ".join(term) for term in rule.targets if term not in capitals_only()]
        if rule.one_way:
            sources = ", ".join(" ".join(term) for term in rule.sources)
            lines.append(f"{sources} => {', '.join(targets)}")
        elif len(targets) > 1:
            lines.append(", ".join(targets))
    return lines


@functools.cache
def synonym_index() -> dict[Term, tuple[Term, ...]]:
    """{term: the terms a query for it matches}. The alternatives never
    include capitals-only terms: those match through the spelt-out forms."""
    index: dict[Term, tuple[Term, ...]] = {}
    for rule in _parsed_file()[0]:
        spelt = tuple(term for term in rule.targets if term not in capitals_only())
        for term in rule.sources:
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
    for rule in _parsed_file()[0]:
        group = rule.targets
        spelt = [term for term in group if term not in capitals_only()]
        if not spelt:
            continue
        longest_term: Term = max(spelt, key=len)
        longest = " ".join(longest_term)
        for term in group:
            if term in capitals_only() and len(term) == 1:
                spelt_out[term[0].upper()] = longest
    if not spelt_out:
        return None, {}
    names = "|".join(sorted((re.escape(n) for n in spelt_out), key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])({names})(?![^\W_])"), spelt_out


@functools.cache
def _capitals_candidates() -> re.Pattern[str] | None:
    """When every abbreviation is ASCII capitals only: runs of capitals of
    their lengths ending a word, which the search skips to quickly (a match
    is an abbreviation when it also starts a word and is one of them)."""
    names = _capitals_pattern()[1]
    if not names or not all(re.fullmatch("[A-Z]+", name) for name in names):
        return None
    lengths = sorted(len(name) for name in names)
    return re.compile(rf"[A-Z]{{{lengths[0]},{lengths[-1]}}}(?![^\W_])")


def expansions_in(*texts: str) -> list[str]:
    """Spelt-out forms of the capitals-only abbreviations the texts use in
    capitals ("CAP" gives "community acquired pneumonia"), once each."""
    pattern, spelt_out = _capitals_pattern()
    if pattern is None:
        return []
    found: dict[str, None] = {}
    candidates = _capitals_candidates()
    for text in texts:
        if candidates is None:
            for match in pattern.finditer(text or ""):
                found[spelt_out[match.group(1)]] = None
            continue
        for match in candidates.finditer(text or ""):
            start = match.start()
            # [^\W_] is what str.isalnum() accepts: not inside a longer word.
            if start and text[start - 1].isalnum():
                continue
            if (name := match.group()) in spelt_out:
                found[spelt_out[name]] = None
    return list(found)
