"""The embedded engine on PostgreSQL: generated tsvector columns with GIN
indexes (migration 0002), websearch_to_tsquery for each part of the parsed
query, ts_rank for ordering, highlights marked in Python from the words'
lexemes (embedded/marking.py) and pg_trgm over the
index's words for "did you mean"."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from decimal import Decimal

from search.database import index_db
from search.models import IndexedDocument
from search.query import Clause, ParsedQuery

from .base import Hit, SearchDocument, SearchQuery
from .embedded.engine import RELEVANCE_ORDER, EmbeddedEngine, ResultPage
from .embedded.facet_matrix import counts, parse_ids
from .embedded.facets import Filters
from .embedded.marking import Marker, mark, query_lexemes, snippet
from .embedded.pacing import FreeSpells
from .embedded.rows import hits_from_rows
from .embedded.snippets import pick_snippet
from .postgres_results import ALL_WORDS_ORDER, results_statement, sharded_results
from .postgres_shards import in_each_shard, in_shard

_LEXEME = re.compile(r"[^\W_]+")
# The document columns a hit shows (rows.hits_from_rows), and the texts
# its highlights are marked in.
TEXT_FIELDS = ("objectives", "body")
HIT_FIELDS = (
    "id",
    "page_id",
    "kind",
    "title",
    "url",
    "summary",
    "mentor_names",
    "topic_labels",
    "credits",
    "release_date",
)
# Completion reads a few rows, not every match: a prefix matches a large
# share of all titles (two letters: about 23,000 of 100,000 guides), and
# ranking them by ts_rank read each one's row (p95 178-207 ms at 100,000
# guides, docs/benchmarks.md, "eleventh pass"). Titles that begin with what
# was typed come first, alphabetically, from an index (migration 0009);
# then the newest titles with every typed word (the last as a prefix), from
# the release-date index; then, when titles gave too few, the newest
# RANKED_DOCUMENTS documents with the words anywhere, ranked by ts_rank
# (ranking every one took 77 ms for "prescrib"; the newest 200, 12 ms).
RANKED_DOCUMENTS = 200
# What LIKE would read as a pattern, escaped with a backslash (its default
# escape). Typed words hold letters, digits and apostrophes only
# (query.words); this guards against a change there.
_LIKE_SPECIAL = re.compile(r"([\\%_])")


def _phrase_texts(words: tuple[str, ...]) -> list[str]:
    """websearch_to_tsquery inputs for a word or phrase. PostgreSQL's parser
    reads "J-1" and "PGY-1" as a word and the number -1, so a number also
    goes in with a minus sign: "J-1" is found whether typed "J-1" or "J 1"."""
    texts = [" ".join(words)]
    if any(word.isdigit() for word in words):
        texts.append(" ".join(f"-{w}" if w.isdigit() else w for w in words))
    return [f'"{text}"' if len(words) > 1 or text.startswith("-") else text for text in texts]


def clause_tsquery(clause: Clause) -> tuple[str, list]:
    """Any alternative of a clause, as a tsquery expression."""
    parts, params = [], []
    for words in clause.alternatives:
        for text in _phrase_texts(words):
            parts.append("websearch_to_tsquery('english', %s)")
            params.append(text)
    return "(" + " || ".join(parts) + ")", params


def tsquery_sql(parsed: ParsedQuery, any_words: bool = False) -> tuple[str, list]:
    """A tsquery expression and its parameters. Every piece of user text goes
    in as a parameter of websearch_to_tsquery, which accepts any input."""
    parts, params = [], []
    for clause in parsed.clauses:
        sql, clause_params = clause_tsquery(clause)
        parts.append(sql)
        params += clause_params
    expression = (" || " if any_words else " && ").join(parts)
    if parsed.excluded:
        excluded = " || ".join("websearch_to_tsquery('english', %s)" for _ in parsed.excluded)
        expression = f"({expression}) && !!({excluded})"
        params += list(parsed.excluded)
    return expression, params


def marks_tsquery(parsed: ParsedQuery) -> tuple[str, list]:
    """The tsquery whose lexemes highlights mark: the query without its
    excluded words (only what a document matched is marked)."""
    return tsquery_sql(dataclasses.replace(parsed, excluded=()))


def _with_words(parsed: ParsedQuery, select: str, params: list) -> tuple[str, list]:
    """`select` (of ``query``, the tsquery to match, and maybe more) with
    ``words``, the tsquery to rank with, and ``marks``, the query to mark
    in highlights (without the excluded words: only what a document
    matched), and the parameters.

    ts_rank has two rules, chosen by the query's top operator. Under AND or
    a phrase it scores the distance between every pair of positions of
    every pair of words: quadratic in their occurrences (2.5-5 ms of a
    20-23 ms search of two to four words at 100,000 guides), and under a NOT
    (``sepsis -pediatric``) it gives every document the same 1e-20, so the
    results came unranked. Under anything else it scores each word's occurrences by
    their weight (title, summary, objectives, body), each occurrence less
    than the one before. The query OR'ed with itself has the same words and
    takes that second rule: one pass over each word's positions, the rule a
    one-word search always had, and what SQLite's bm25 does (words, not
    their distance). Matching still uses ``query``: every word, phrases as
    phrases, excluded words excluded."""
    marks, marks_params = marks_tsquery(parsed)
    return (
        f"SELECT r.*, r.query || r.query AS words, {marks} AS marks FROM ({select}) r",
        marks_params + params,
    )


def _query_columns(parsed: ParsedQuery, any_words: bool) -> tuple[str, list, str]:
    """A SELECT of ``query`` (the tsquery) and what ranking needs, its
    parameters, and the ranking columns of a matching document ``t`` against
    it: score (lower is better), matched and rarity (see EmbeddedEngine).

    When not every word must match, it also selects each clause's tsquery
    (c0, c1...) and the logarithm of its document count (l0, l1...), computed
    once per search through the GIN index (at most MAX_CLAUSES look-ups),
    never once per result."""
    score = "-ts_rank(t.search_vector, q.words) AS score"
    if not any_words:
        expression, all_params = tsquery_sql(parsed)
        sql, all_params = _with_words(parsed, f"SELECT {expression} AS query", all_params)
        return sql, all_params, f"{score}, 0 AS matched, 0 AS rarity"
    columns, column_params = [], []
    for i, clause in enumerate(parsed.clauses):
        sql, clause_params = clause_tsquery(clause)
        columns.append(f"{sql} AS c{i}")
        column_params += clause_params
    count = len(parsed.clauses)
    query = " || ".join(f"s.c{i}" for i in range(count))
    params: list = []  # in the order of the SQL text: the query, then the clauses
    if parsed.excluded:
        excluded = " || ".join("websearch_to_tsquery('english', %s)" for _ in parsed.excluded)
        query = f"({query}) && !!({excluded})"
        params += list(parsed.excluded)
    params += column_params
    logs = ", ".join(
        f"s.c{i}, ln(greatest(1, (SELECT count(*) FROM search_indexeddocument d "
        f"WHERE d.search_vector @@ s.c{i} AND {in_shard('d')}))) AS l{i}"
        for i in range(count)
    )
    hit = [f"(t.search_vector @@ q.c{i})::int" for i in range(count)]
    matched = " + ".join(hit)
    rarity = " + ".join(f"{h} * q.l{i}" for i, h in enumerate(hit))
    sql, params = _with_words(
        parsed, f"SELECT {query} AS query, {logs} FROM (SELECT {', '.join(columns)}) s", params
    )
    return sql, params, f"{score}, {matched} AS matched, -({rarity}) AS rarity"


# Words whose lexemes this process has looked up. PostgreSQL's 'english'
# configuration gives a word the same lexemes every time, and the words
# looked up are those of result texts that begin like a query's word: the
# guides' own vocabulary, a few dozen words a page. Most pages then need no
# look-up at all, one statement fewer (about 1 ms of a 14-16 ms search at
# 100,000 guides, docs/benchmarks.md, "eighteenth pass"). Emptied when full.
LEXEME_CACHE_WORDS = 50_000
_lexemes_of: dict[str, frozenset[str]] = {}


def forget_word_lexemes() -> None:
    """Empty this process's word-to-lexemes cache (tests that count
    statements start from it empty)."""
    _lexemes_of.clear()


def word_lexemes(words: Iterable[str]) -> dict[str, frozenset[str]]:
    """{word: its lexemes} as the 'english' configuration makes them
    ("patient's": {"patient"}; "the": none), signs dropped as query_lexemes
    drops them. Words this process has not met yet are looked up in one
    statement."""
    known: dict[str, frozenset[str]] = {}
    missing: list[str] = []
    for word in set(words):
        lexemes = _lexemes_of.get(word)  # one read: another thread may empty it
        if lexemes is None:
            missing.append(word)
        else:
            known[word] = lexemes
    if missing:
        with index_db.cursor() as cursor:
            cursor.execute(
                "SELECT w, tsvector_to_array(to_tsvector('english', w)) "
                "FROM unnest(%s::text[]) AS w",
                [missing],
            )
            found = {w: frozenset(x.lstrip("-") for x in lexemes) for w, lexemes in cursor}
        if len(_lexemes_of) + len(found) > LEXEME_CACHE_WORDS:
            _lexemes_of.clear()
        _lexemes_of.update(found)
        known.update(found)
    return known


def _highlighted(
    texts: dict[int, tuple[str, str, str, str]], lexemes: frozenset[str]
) -> dict[int, tuple[str, str]]:
    """{row id: (title marked, snippet)} from each row's (title, body,
    objectives, summary): the snippet is the body's best window, else the
    objectives', else the summary marked, else "" (the summary unmarked)."""
    marker = Marker(lexemes, word_lexemes)
    ordered = list(texts.items())
    spans = marker.spans(text for _, four in ordered for text in four)
    marked: dict[int, tuple[str, str]] = {}
    for n, (row_id, (title, body, objectives, summary)) in enumerate(ordered):
        title_spans, body_spans, objectives_spans, summary_spans = spans[4 * n : 4 * n + 4]
        # Each text only when those before it have no match: pick_snippet
        # takes the first with one.
        body_window = snippet(body, body_spans)
        objectives_window = "" if body_spans else snippet(objectives, objectives_spans)
        windows = body_window, objectives_window
        summary_marked = "" if body_spans or objectives_spans else mark(summary, summary_spans)
        text = pick_snippet(*windows, summary_marked)
        if text and any(text is window for window in windows):
            text = f"…{text}…"
        marked[row_id] = (mark(title, title_spans), text)
    return marked


def _prefix_tsquery(typed: list[str], prefix: str) -> str:
    """'w1 & w2 & pre:*' from words reduced to letters and digits."""
    lexemes = [piece for word in typed for piece in _LEXEME.findall(word)]
    last = _LEXEME.findall(prefix)
    if not last:
        return ""
    return " & ".join(lexemes + [f"{piece}:*" for piece in last])


class PostgresEngine(EmbeddedEngine):
    name = "postgresql-fts"
    # A rebuild's rows lock nothing a learner or an editor writes: larger
    # transactions are only cheaper.
    rebuild_transaction_s = 0.5
    rebuild_pause_share = 0.0
    # Two batches written side by side while the next is prepared: the
    # server's parsing of the texts is most of a rebuild.
    rebuild_writer_threads = 2

    # The tsvector columns are generated from the row, so the document row
    # is the full-text entry.
    def _write_full_text(
        self, rows: list[tuple[int, SearchDocument]], rebuilding: bool = False
    ) -> None:
        pass

    def _match_sql(
        self, parsed: ParsedQuery, any_words: bool, scored: bool = True
    ) -> tuple[str, list]:
        """The generic shape (EmbeddedEngine); searches use _results below."""
        q_sql, params, score = _query_columns(parsed, any_words)
        columns = f", {score}" if scored else ""
        select = (
            f"SELECT t.id{columns} FROM search_indexeddocument t, q "
            "WHERE t.search_vector @@ q.query AND {shard}"
        )
        return f"WITH q AS MATERIALIZED ({q_sql}) {in_each_shard(select)}", params

    def _results(
        self, parsed: ParsedQuery, any_words: bool, filters: Filters, query: SearchQuery
    ) -> ResultPage:
        """The page, its rows, the index token and every match's id in one
        statement (postgres_results); the total and facets from those ids
        (facet_matrix)."""
        q, score = None, ""
        columns: tuple[str, ...] = HIT_FIELDS
        if not parsed.is_empty:
            q_sql, q_params, score = _query_columns(parsed, any_words)
            q, columns = (q_sql, q_params), HIT_FIELDS + TEXT_FIELDS
        order = RELEVANCE_ORDER if any_words else ALL_WORDS_ORDER
        if q is not None and not any_words:
            sharded = sharded_results(q, score, filters, query, columns)
            if sharded is not None:
                return sharded
        statement, params = results_statement(q, score, filters, query, columns, order)
        with index_db.cursor() as cursor:
            cursor.execute(statement, params)
            ids, token, rows_json, *found = cursor.fetchone()
        matches = parse_ids(found[0]) if found else None
        total, facets = counts(token, filters, matches)
        rows = {}
        for values in json.loads(rows_json or "[]", parse_float=Decimal):
            row = IndexedDocument(**dict(zip(columns, values, strict=True)))
            rows[row.id] = row
        lexemes = query_lexemes(found[1] or "") if found else frozenset()
        return ResultPage(list(ids), total, facets, rows, lexemes)

    def _hits(self, parsed: ParsedQuery, any_words: bool, page: ResultPage) -> tuple[Hit, ...]:
        """The page's rows came with its ids (_results); only the marks are
        worked out here."""
        if not page.ids or page.rows is None:
            return super()._hits(parsed, any_words, page)
        marked = {}
        if not parsed.is_empty:
            texts = {i: (r.title, r.body, r.objectives, r.summary) for i, r in page.rows.items()}
            marked = _highlighted(texts, page.lexemes)
        return hits_from_rows(page.ids, page.rows, marked)

    def _highlights(
        self, parsed: ParsedQuery, any_words: bool, ids: list[int]
    ) -> dict[int, tuple[str, str]]:
        """Highlights for rows known by id alone (a search marks the rows it
        read with its page, in _hits): their texts and the query's lexemes
        in one statement."""
        expression, params = marks_tsquery(parsed)
        with index_db.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, d.title, d.body, d.objectives, d.summary, q.query::text "
                f"FROM search_indexeddocument d, (SELECT {expression} AS query) q "
                "WHERE d.id = ANY(%s)",
                [*params, list(ids)],
            )
            found = cursor.fetchall()
        texts = {row[0]: (row[1], row[2], row[3], row[4]) for row in found}
        return _highlighted(texts, query_lexemes(found[0][5] if found else ""))

    def _word_in_index(self, word: str) -> bool:
        """Planned as a whole match (a MATERIALIZED CTE), read up to its first
        row. As a plain ``LIMIT 1`` the planner expected a word it has no
        statistics for in 0.5% of documents and read the table in order to
        find the first: every document for a misspelled word, 100-120 ms at
        100,000 guides, once a GIN pending list made the index look dearer
        (search_bench.py). The index finds no word for nothing."""
        with index_db.cursor() as cursor:
            cursor.execute(
                "WITH m AS MATERIALIZED (SELECT 1 FROM search_indexeddocument "
                "WHERE search_vector @@ plainto_tsquery('english', %s) "
                f"AND {in_shard('')}) SELECT 1 FROM m LIMIT 1",
                [word],
            )
            return cursor.fetchone() is not None

    def _spelling_candidates(self, word: str) -> list[tuple[str, int]]:
        with index_db.cursor() as cursor:
            cursor.execute(
                "SELECT term, documents FROM search_spellingterm WHERE term %% %s "
                "ORDER BY similarity(term, %s) DESC, documents DESC LIMIT 20",
                [word, word],
            )
            return cursor.fetchall()

    def _suggest_queries(self, typed: list[str], prefix: str) -> list[tuple[str, list]]:
        query = _prefix_tsquery(typed, prefix)
        if not query:
            return []
        begins = _LIKE_SPECIAL.sub(r"\\\1", " ".join([*typed, prefix]).lower())
        return [
            (
                'SELECT id FROM search_indexeddocument WHERE lower(title) COLLATE "C" LIKE %s '
                'ORDER BY lower(title) COLLATE "C", id',
                [f"{begins}%"],
            ),
            (
                "SELECT id FROM search_indexeddocument "
                "WHERE title_vector @@ to_tsquery('simple', %s) "
                "ORDER BY release_date DESC, id DESC",
                [query],
            ),
            (
                "SELECT id FROM (SELECT id, search_vector FROM search_indexeddocument "
                "WHERE search_vector @@ to_tsquery('english', %s) "
                f"AND {in_shard('')} ORDER BY release_date DESC, id DESC LIMIT %s) newest, "
                "to_tsquery('english', %s) q ORDER BY ts_rank(search_vector, q) DESC, id",
                [query, RANKED_DOCUMENTS, query],
            ),
        ]

    def _after_rebuild(self, spells: FreeSpells) -> None:
        with index_db.cursor() as cursor:
            cursor.execute("ANALYZE search_indexeddocument, search_facetentry, search_spellingterm")
