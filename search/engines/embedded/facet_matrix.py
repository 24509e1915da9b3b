"""Facet counts from each process's copy of the facet entries.

Counting facets in SQL read every match's entries on every search: at
100,000 guides, the 27,716 matches of "rural practice" cost 48 ms of SQLite's
CPU and the 22,744 guides of a browse by topic 40 ms, whatever the page
showed. Here each process keeps every facet entry in two numpy arrays
ordered by document (document id, value id: about 11 MB for the 615,000
entries of 100,000 guides), and a search only fetches the ids of its
matches: counting them, filtered and disjunctively, is a few array
operations over their entries, a millisecond or two. The counts stay exact.

Staying current: every transaction that writes the index sets a new random
token in the one IndexState row (``mark_written``) and a new random stamp on
each row it writes. A search reads the token in the same statement as its
matches (one snapshot). When it differs from the token of the process's
copy, the copy is brought up to date first (``current``): the ids and stamps
of every indexed document are read (a covering index), and only documents
whose stamp changed have their entries read again. So one published guide
costs each process one such read (55-65 ms at 100,000 guides) on its next
search, not a reload; the first search of a process reads every entry (about
0.1-0.35 s at 100,000 guides).

Tokens and stamps are random rather than counted, so a transaction rolled
back (its token and stamps never seen by anyone else) cannot be mistaken for
a later one that reused its numbers. A write that commits between a
search's statement and the refresh it triggered is simply read too: the
counts then describe a state at least as new as the matches.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
from collections.abc import Iterable

from django.db.backends.utils import CursorWrapper

import numpy as np

from search.database import index_db

from ..base import FACETS, Facet
from .facets import Filters, GroupCounts, facets_from_counts

_FACET_INDEX = {key: i for i, (key, _) in enumerate(FACETS)}
_FACET_KEYS = frozenset(_FACET_INDEX)
# Documents whose entries are read with one IN (...) at most; beyond a
# fifth of the index every entry is read instead.
_IN_CHUNK = 900
_WHOLE_SHARE = 0.2


def new_token() -> int:
    """A random, non-zero 63-bit number: a write's token and row stamp."""
    return secrets.randbits(62) + 1


def mark_written(token: int) -> None:
    """Record, in the writing transaction, that the index changed."""
    with index_db.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_indexstate (id, token) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET token = excluded.token",
            [token],
        )


INDEX_STATE_SQL = "(SELECT token FROM search_indexstate WHERE id = 1)"


def id_list_sql(column: str) -> str:
    """An aggregate of `column` as one comma-separated string."""
    if index_db.vendor == "postgresql":
        return f"string_agg(({column})::text, ',')"
    return f"group_concat({column})"


def parse_ids(text: str | None) -> np.ndarray:
    """Integers from a comma-separated string (id_list_sql)."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


@dataclasses.dataclass(frozen=True)
class FacetMatrix:
    """The facet entries of every indexed document, as of one token."""

    token: int | None
    # The entries, as two parallel arrays ordered by document id: document
    # id and facet value id. A document's entries are
    # documents[starts[id]:starts[id + 1]], so a search gathers only its
    # matches' entries (about 36,000 for the 5,900 matches of "sepsis", not
    # all 615,000); a browse counts them all.
    documents: np.ndarray
    values: np.ndarray
    starts: np.ndarray
    # By document id: whether it is indexed, and the stamp it was read with.
    loaded: np.ndarray
    stamps: np.ndarray
    # Value id -> (facet, value, label), and each value id's facet (index in
    # FACETS, -1 for none) as an array.
    names: dict[int, tuple[str, str, str]]
    facet_of: np.ndarray

    @classmethod
    def empty(cls) -> FacetMatrix:
        nothing = np.zeros(0, dtype=np.int64)
        return cls(
            None,
            nothing,
            nothing,
            np.zeros(1, dtype=np.int64),
            np.zeros(0, dtype=bool),
            nothing,
            {},
            nothing,
        )

    # --- counting ------------------------------------------------------------

    def _flags(self, ids: np.ndarray) -> np.ndarray:
        """A flag per document id, set for these ids."""
        flags = np.zeros(len(self.loaded), dtype=bool)
        flags[ids[ids < len(flags)]] = True
        return flags

    def _positions(self, ids: np.ndarray) -> np.ndarray:
        """Where these documents' entries are in the entry arrays."""
        ids = ids[ids < len(self.loaded)]
        begin = self.starts[ids]
        lengths = self.starts[ids + 1] - begin
        # Entry positions begin..begin+length-1 of each document, in a row.
        shift = np.repeat(begin - np.cumsum(lengths) + lengths, lengths)
        return shift + np.arange(len(shift))

    def _entries_of(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(document ids, value ids) of these documents' entries."""
        positions = self._positions(ids)
        return self.documents[positions], self.values[positions]

    def _chosen(self, facet: str, values: Iterable[str]) -> np.ndarray:
        """A flag per value id, set for these values of `facet`."""
        chosen = set(values)
        flags = np.zeros(len(self.facet_of), dtype=bool)
        for pk, (f, v, _) in self.names.items():
            if f == facet and v in chosen:
                flags[pk] = True
        return flags

    def count(self, filters: Filters, matches: np.ndarray | None) -> tuple[int, tuple[Facet, ...]]:
        """The number of matches passing every filter, and the facets:
        disjunctive counts (a filtered facet's counts apply every other
        facet's filters but not its own). `matches` None: every document."""
        if matches is not None and not filters:
            # Every entry of every match counts: only their values are read
            # (a text search with no filter, most searches; at 100,000
            # guides about half the time of the general case below,
            # docs/benchmarks.md, "twenty-fourth pass").
            values = self.values[self._positions(matches)]
            everything = set(_FACET_KEYS)
            return len(matches), facets_from_counts(
                {}, [(everything, self._tally(values, everything))], {}
            )
        if matches is None:
            matching, documents, values = self.loaded.copy(), self.documents, self.values
        else:
            matching = self._flags(matches)
            documents, values = self._entries_of(matches)
        passes = {}
        for key, chosen in filters.items():
            passes[key] = self._flags(documents[self._chosen(key, chosen)[values]])
        hits = matching.copy()
        for passing in passes.values():
            hits &= passing
        groups: list[GroupCounts] = []
        unfiltered = set(_FACET_KEYS - set(filters))
        if unfiltered:
            groups.append((unfiltered, self._counts(documents, values, hits, unfiltered)))
        for key in (key for key, _ in FACETS if key in filters):
            others = matching.copy()
            for other, passing in passes.items():
                if other != key:
                    others &= passing
            groups.append(({key}, self._counts(documents, values, others, {key})))
        labels = {(f, v): label for f, v, label in self.names.values() if v in filters.get(f, ())}
        total = int(hits.sum())
        if matches is not None and not filters:
            total = len(matches)  # a match written after this copy was read counts too
        return total, facets_from_counts(filters, groups, labels)

    def _counts(
        self, documents: np.ndarray, values: np.ndarray, flagged: np.ndarray, keys: set[str]
    ) -> dict[tuple[str, str], tuple[str, int]]:
        """Counts of the values of `keys` over the flagged documents, from
        the entries (`documents`, `values`) that may concern them."""
        return self._tally(values[flagged[documents]], keys)

    def _tally(self, found: np.ndarray, keys: set[str]) -> dict[tuple[str, str], tuple[str, int]]:
        """Counts of the values of `keys` among these value ids (one per
        entry counted)."""
        if not len(found):
            return {}
        counted = np.bincount(found, minlength=len(self.facet_of))[: len(self.facet_of)]
        counted[~np.isin(self.facet_of, [_FACET_INDEX[key] for key in keys])] = 0
        result = {}
        for value_id in np.flatnonzero(counted):
            facet, value, label = self.names[int(value_id)]
            result[(facet, value)] = (label, int(counted[value_id]))
        return result

    # --- bringing up to date -------------------------------------------------

    def updated(self) -> FacetMatrix:
        """A copy as of the index's current token, re-reading the entries of
        the documents it has not read, or read with another stamp."""
        with index_db.cursor() as cursor:
            cursor.execute(
                f"SELECT {INDEX_STATE_SQL}, {id_list_sql('id')}, {id_list_sql('stamp')} "
                "FROM search_indexeddocument"
            )
            token, id_text, stamp_text = cursor.fetchone()
            ids, stamps = parse_ids(id_text), parse_ids(stamp_text)
            size = int(ids.max()) + 1 if len(ids) else 0
            loaded = np.zeros(size, dtype=bool)
            loaded[ids] = True
            read_stamps = np.zeros(size, dtype=np.int64)
            read_stamps[ids] = stamps
            known = min(size, len(self.loaded))
            same = np.zeros(size, dtype=bool)
            same[:known] = self.loaded[:known] & (self.stamps[:known] == read_stamps[:known])
            changed = np.flatnonzero(loaded & ~same)
            whole = len(changed) > _WHOLE_SHARE * len(ids)
            documents, values = _entries(cursor, changed, whole)
            cursor.execute("SELECT id, facet, value, label FROM search_facetvalue")
            names = {pk: (facet, value, label) for pk, facet, value, label in cursor.fetchall()}
        if not whole:
            # Keep the entries of documents still indexed and unchanged.
            kept = self.documents < known
            kept[kept] = same[self.documents[kept]]
            documents = np.concatenate([self.documents[kept], documents])
            values = np.concatenate([self.values[kept], values])
        facet_of = np.full(max(names) + 1 if names else 0, -1, dtype=np.int8)
        for pk, (facet, _, _) in names.items():
            facet_of[pk] = _FACET_INDEX.get(facet, -1)
        # Entries of documents or values removed since the read are dropped.
        inside = (documents < size) & (values < len(facet_of))
        documents, values = documents[inside], values[inside]
        # By document. The kept entries are in order already, so after a
        # change the stable sort (timsort: one long run and a few new
        # entries) is about linear; a whole read sorts everything once.
        order = np.argsort(documents, kind="stable")
        documents, values = documents[order], values[order]
        starts = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(documents, minlength=size), out=starts[1:])
        return FacetMatrix(token, documents, values, starts, loaded, read_stamps, names, facet_of)


def _entries(
    cursor: CursorWrapper, changed: np.ndarray, whole: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(document ids, value ids) of the facet entries of `changed`, or of
    every document."""
    if whole:
        cursor.execute(
            f"SELECT {id_list_sql('document_id')}, {id_list_sql('facet_value_id')} "
            "FROM search_facetentry"
        )
        documents, values = cursor.fetchone()
        return parse_ids(documents), parse_ids(values)
    documents_parts, values_parts = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for start in range(0, len(changed), _IN_CHUNK):
        chunk = [int(i) for i in changed[start : start + _IN_CHUNK]]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"SELECT {id_list_sql('document_id')}, {id_list_sql('facet_value_id')} "
            f"FROM search_facetentry WHERE document_id IN ({marks})",
            chunk,
        )
        documents, values = cursor.fetchone()
        documents_parts.append(parse_ids(documents))
        values_parts.append(parse_ids(values))
    return np.concatenate(documents_parts), np.concatenate(values_parts)


_lock = threading.Lock()
_matrices: dict[tuple[str, str], FacetMatrix] = {}


def _key() -> tuple[str, str]:
    return (index_db.alias, str(index_db.settings_dict.get("NAME")))


def current(token: int | None) -> FacetMatrix:
    """This process's copy for the database in use, brought up to date
    when it was read under another token than `token` (the token a search
    read with its matches)."""
    key = _key()
    matrix = _matrices.get(key)
    if matrix is not None and matrix.token == token and token is not None:
        return matrix
    with _lock:
        matrix = _matrices.get(key) or FacetMatrix.empty()
        if matrix.token != token or token is None:
            matrix = matrix.updated()
            _matrices[key] = matrix
        return matrix


def forget() -> None:
    """Drop every process copy (the next search reads the entries again)."""
    with _lock:
        _matrices.clear()


def counts(
    token: int | None, filters: Filters, matches: np.ndarray | None
) -> tuple[int, tuple[Facet, ...]]:
    """Total and facets for these matches (None: every document)."""
    if matches is not None and not len(matches) and not filters:
        return 0, ()
    return current(token).count(filters, matches)
