"""The embedded engine on SQLite: FTS5 with porter stemming, bm25 ranking
with the title weighted above the body, snippet() highlights and prefix
queries for completion. Searches read the view ``search_fts`` over one of
two FTS5 tables (migrations 0002 and 0008, sqlite_tables.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator

from search.database import atomic_index, index_db
from search.query import Clause, ParsedQuery

from .base import MARK_END, MARK_START, EngineUnavailable, ProgressCallback, SearchDocument
from .embedded.engine import EmbeddedEngine
from .embedded.pacing import FreeSpells, no_collection
from .embedded.snippets import pick_snippet
from .embedded.spelling import SPELLING_MIN
from .sqlite_tables import (
    checkpoints_outside_commits,
    create_next,
    discard,
    fts_command,
    in_memory,
    one_rebuild_at_a_time,
    swap,
    tables,
)

logger = logging.getLogger(__name__)

# bm25 weights, in column order: title, summary, objectives, body, meta.
WEIGHTS = (10.0, 4.0, 3.0, 1.0, 3.0)
SNIPPET_TOKENS = 30
# Between a rebuild's batches, and after it: merges of FTS5 segments of
# MERGE_PAGES pages each, a transaction each (median 5 ms, at most about 30
# at 100,000 guides; sized to take the rebuild's 20 ms, larger steps ran
# past 100 ms: docs/benchmarks.md, "tenth pass"); at most MERGE_STEPS of
# them each time.
MERGE_STEPS, MERGE_PAGES = 200, 256
# After a merge step, or a chunk of the old table emptied, the write lock is
# left free this long at most: a learner's write waiting for it tries every
# 2 ms (the project's SQLite backend), so it gets in. A batch's spell is
# longer, and spent preparing the next batch.
SHORT_SPELL = 0.005
# Completion also asks for up to this many whole words that start with the
# typed part-word (_words_from).
WHOLE_WORDS = 5


def _phrase(words: tuple[str, ...]) -> str:
    # Words come from query.words(): letters, digits and apostrophes only, so
    # nothing here can be read as FTS5 syntax; quotes are doubled regardless.
    return '"' + " ".join(words).replace('"', '""') + '"'


def clause_expression(clause: Clause) -> str:
    alternatives = [_phrase(a) for a in clause.alternatives]
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def fts_expression(parsed: ParsedQuery, any_words: bool = False) -> str:
    clauses = [clause_expression(clause) for clause in parsed.clauses]
    expression = (" OR " if any_words else " AND ").join(clauses)
    if parsed.excluded:
        excluded = " OR ".join(_phrase((w,)) for w in parsed.excluded)
        expression = f"({expression}) NOT ({excluded})"
    return expression


def _words_from(prefix: str) -> list[str]:
    """The WHOLE_WORDS spelling terms (the index's words, as written) that
    start with this prefix and are in the most documents; none for a prefix
    shorter than SPELLING_MIN letters, the shortest spelling term."""
    prefix = prefix.lower()
    if len(prefix) < SPELLING_MIN or not prefix.isalpha():
        return []
    with index_db.cursor() as cursor:
        cursor.execute(
            "SELECT term FROM search_spellingterm WHERE term > %s AND term < %s "
            "ORDER BY documents DESC, term LIMIT %s",
            [prefix, prefix + "\U0010ffff", WHOLE_WORDS],
        )
        return [row[0] for row in cursor.fetchall()]


class SqliteEngine(EmbeddedEngine):
    name = "sqlite-fts5"
    # A rebuild holds SQLite's only write lock about 20 ms per transaction,
    # then leaves it free for 0.8 of that (at most 50 ms). A learner's write
    # waiting meanwhile tries for the lock every 2 ms (the project's SQLite
    # backend, curbside/db_backends/sqlite3), so it gets in after about one
    # hold, not several. The rebuild writes a new full-text table and swaps
    # it in at the end (sqlite_tables.py).
    rebuild_transaction_s = 0.02
    rebuild_pause_share = 0.8

    def _after_transaction(self) -> None:
        """Checkpoint the WAL now, while the write lock is free. SQLite runs
        a checkpoint inside whichever commit finds the WAL at
        wal_autocheckpoint pages (1,000) or more; during a rebuild most of
        those pages are the rebuild's, and a learner's commit that happened
        to cross the line copied them all into the database before it
        returned. The rebuild's own commits run none
        (checkpoints_outside_commits): a checkpoint's sync stalled in the
        kernel for up to 163 ms on the benchmarks' host, and those commits
        ran up to 127 ms (docs/benchmarks.md, "twelfth pass")."""
        self._checkpoint()

    def _before_transaction(self) -> None:
        """Checkpoint again at the end of the free spell: what learners
        wrote during it. SQLite starts the WAL over from its beginning only
        when a transaction begins with every page of it already copied; a
        learner's write in the spell left pages uncopied, so the WAL went
        on growing (to 113,200-190,197 pages in a rebuild over an existing
        index), and a quarter of learners' commits found it at 1,000 pages
        or more and ran a checkpoint of their own, in their own request
        (docs/benchmarks.md, "thirteenth pass"). This one copies only what
        learners wrote since the last."""
        self._checkpoint()

    @staticmethod
    def _checkpoint() -> None:
        """A passive checkpoint: it takes no lock a writer needs. Not inside a
        transaction (the caller's: a test), nor in memory (no WAL)."""
        if index_db.in_atomic_block or in_memory():
            return
        with index_db.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def rebuild(
        self, documents: Iterable[SearchDocument], progress: ProgressCallback | None = None
    ) -> int:
        with one_rebuild_at_a_time(), checkpoints_outside_commits():
            return super().rebuild(documents, progress)

    def _begin_rebuild(self, spells: FreeSpells) -> None:
        """A new, empty full-text table for the rebuild to write; what an
        earlier rebuild that stopped half way left (its new table, or the
        old one not yet emptied) is emptied first."""
        discard(tables().other, spells, self.rebuild_transaction_s, SHORT_SPELL)
        create_next()

    def _between_batches(self, spells: FreeSpells) -> None:
        """The new table merges nothing in its commits: its segments are
        merged here instead, a transaction of MERGE_PAGES pages at a time."""
        self._merge(tables().other, spells)

    def _finish_rebuild(self, spells: FreeSpells) -> None:
        swap()

    def _abandon_rebuild(self, spells: FreeSpells) -> None:
        try:
            discard(tables().other, spells, self.rebuild_transaction_s, SHORT_SPELL)
        except Exception:  # the rebuild's own error is the one to report
            logger.exception("Could not remove the rebuild's unfinished full-text table")

    def _write_full_text(
        self, rows: list[tuple[int, SearchDocument]], rebuilding: bool = False
    ) -> None:
        """Into the table searches read, and into a rebuild's new table
        while there is one; a rebuild's own batches into the new table only."""
        if not rows:
            return
        now = tables()
        if rebuilding and not now.rebuilding:
            raise EngineUnavailable("the rebuild's full-text table has gone")
        for table in [now.other] if rebuilding else now.written:
            self._write_entries(table, rows)

    def _write_entries(self, table: str, rows: list[tuple[int, SearchDocument]]) -> None:
        marks = ", ".join(["%s"] * len(rows))
        with index_db.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE rowid IN ({marks})", [row_id for row_id, _ in rows]
            )
            cursor.executemany(
                f"INSERT INTO {table} (rowid, title, summary, objectives, body, meta) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (row_id, d.title, d.summary, d.objectives, d.body, d.meta_text)
                    for row_id, d in rows
                ],
            )

    def _match_sql(
        self, parsed: ParsedQuery, any_words: bool, scored: bool = True
    ) -> tuple[str, list]:
        match = "SELECT rowid AS id{} FROM search_fts WHERE search_fts MATCH %s"
        expression = fts_expression(parsed, any_words)
        if not scored:
            return match.format(""), [expression]
        weights = ", ".join(str(w) for w in WEIGHTS)
        score = f", bm25(search_fts, {weights}) AS score"
        if not any_words:
            return match.format(f"{score}, 0 AS matched, 0 AS rarity"), [expression]
        return self._partial_match_sql(parsed, score, expression)

    def _partial_match_sql(
        self, parsed: ParsedQuery, score: str, expression: str
    ) -> tuple[str, list]:
        """Documents with any of the clauses, with which clauses each has
        (h0, h1...) and the logarithm of each clause's document count (l0,
        l1...). Each clause is one more FTS5 look-up inside this statement,
        evaluated once (at most MAX_CLAUSES), never one per result."""
        hits, logs, params = [], [], []
        for i, clause in enumerate(parsed.clauses):
            hits.append(
                f"rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s) AS h{i}"
            )
            logs.append(
                f"ln(max(1, (SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH %s))) AS l{i}"
            )
            params.append(clause_expression(clause))
        count = len(parsed.clauses)
        matched = " + ".join(f"m.h{i}" for i in range(count))
        rarity = " + ".join(f"m.h{i} * w.l{i}" for i in range(count))
        inner = (
            f"SELECT rowid AS id{score}, {', '.join(hits)} "
            "FROM search_fts WHERE search_fts MATCH %s"
        )
        sql = (
            f"SELECT m.id, m.score, {matched} AS matched, -({rarity}) AS rarity "
            f"FROM ({inner}) m, (SELECT {', '.join(logs)}) w"
        )
        return sql, [*params, expression, *params]

    def _highlights(
        self, parsed: ParsedQuery, any_words: bool, ids: list[int]
    ) -> dict[int, tuple[str, str]]:
        marks = ", ".join(["%s"] * len(ids))
        params: list[str | int] = [MARK_START, MARK_END] * 2
        params += [SNIPPET_TOKENS, MARK_START, MARK_END, SNIPPET_TOKENS, MARK_START, MARK_END]
        params += [fts_expression(parsed, any_words), *ids]
        with index_db.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, highlight(search_fts, 0, %s, %s), "
                "snippet(search_fts, 3, %s, %s, '…', %s), "
                "snippet(search_fts, 2, %s, %s, '…', %s), "
                "highlight(search_fts, 1, %s, %s) "
                f"FROM search_fts WHERE search_fts MATCH %s AND rowid IN ({marks})",
                params,
            )
            result: dict[int, tuple[str, str]] = {}
            for row_id, title, body, objectives, summary in cursor.fetchall():
                result[row_id] = (title, pick_snippet(body, objectives, summary))
            return result

    def _word_in_index(self, word: str) -> bool:
        with index_db.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT 1", [_phrase((word,))]
            )
            return cursor.fetchone() is not None

    def _spelling_candidates(self, word: str) -> list[tuple[str, int]]:
        # Same first two letters, length within two: a few hundred terms at
        # most, compared in Python.
        start = word[:2]
        with index_db.cursor() as cursor:
            cursor.execute(
                "SELECT term, documents FROM search_spellingterm "
                "WHERE term >= %s AND term < %s AND length(term) BETWEEN %s AND %s",
                [start, start + "\U0010ffff", len(word) - 2, len(word) + 2],
            )
            return cursor.fetchall()

    def _suggest_queries(self, typed: list[str], prefix: str) -> Iterator[tuple[str, list]]:
        """Titles, then whole documents, with the typed words and the prefix.
        FTS5 stems a typed prefix as if it were a word: "negotiat" stays
        "negotiat", while "negotiating" was indexed as "negoti", so the
        prefix alone misses it. Where one of these found too few, the same
        query again with the commonest whole words of the index that start
        with the prefix (spelling terms, each stemmed as the index stems
        it); made only when asked for (_suggest_ids stops once it has
        enough), so a prefix that completes plenty costs nothing more."""
        sql = (
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
            "ORDER BY bm25(search_fts, 10.0, 2.0, 1.0, 0.5, 1.0)"
        )
        before = " AND ".join([_phrase((w,)) for w in typed] + [""])
        plain = f"{before}{_phrase((prefix,))} *"
        yield sql, [f"title : ({plain})"]
        whole = [_phrase((w,)) for w in _words_from(prefix)]
        if not whole:
            yield sql, [plain]
            return
        more = f"{before}({' OR '.join([_phrase((prefix,)) + ' *', *whole])})"
        yield sql, [f"title : ({more})"]
        yield sql, [plain]
        yield sql, [more]

    def _after_rebuild(self, spells: FreeSpells) -> None:
        """Empty and drop the table searches read before the rebuild, then
        merge what is left to merge of the one they read now ('optimize'
        would hold the write lock for seconds)."""
        now = tables()
        discard(now.other, spells, self.rebuild_transaction_s, SHORT_SPELL)
        self._merge(now.live, spells)

    def _merge(self, table: str, spells: FreeSpells) -> None:
        """Merge the FTS5 segments of ``table``, a transaction at a time,
        each waiting for the free spell and leaving a short one, until there
        is nothing left to merge or MERGE_STEPS steps are done. FTS5 counts a
        step's work in pages written: in a table rebuilt from empty no entry
        cancels another out, so that bounds what a step reads too."""
        for _ in range(MERGE_STEPS):
            spells.wait()
            with no_collection(), atomic_index(), index_db.cursor() as cursor:
                began = time.perf_counter()
                cursor.execute("SELECT total_changes()")
                before = cursor.fetchone()[0]
                fts_command(cursor, table, "merge", MERGE_PAGES)
                cursor.execute("SELECT total_changes()")
                merged = cursor.fetchone()[0] - before >= 2
            spells.held(time.perf_counter() - began, SHORT_SPELL)
            if not merged:
                return
