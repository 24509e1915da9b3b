"""The search benchmark's queries and their timing, run inside Django in a child
process of search_bench.py (production settings):
``python benchmarks/search_latency.py --phase latency REPEAT WAGTAIL_SECONDS SERVER_PID``.
"""

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness.processes import (
    busy_seconds,
    child_main,
    django_setup,
    process_tree_cpu_seconds,
)


@dataclass(frozen=True)
class BenchQuery:
    kind: str  # what sort of query it is, for the table
    text: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def label(self):
        shown = f"`{self.text}`" if self.text else "(no text)"
        extra = " ".join(f"{key}={','.join(values)}" for key, values in self.filters.items())
        return f"{shown} {extra}".strip()


QUERIES = (
    BenchQuery("one word", "sepsis"),
    BenchQuery("one word", "burnout"),
    BenchQuery("two words", "chest pain"),
    BenchQuery("two words", "rural practice"),
    BenchQuery("two words", "atrial fibrillation"),
    BenchQuery("phrase", "difficult conversation with a family"),
    BenchQuery("phrase", "negotiating my first contract"),
    BenchQuery("phrase", "how to handle a patient complaint"),
    BenchQuery("long phrase", "what should I do when a patient with chest pain has a normal ECG"),
    BenchQuery("abbreviation", "MI in young women"),
    BenchQuery("abbreviation", "IMG visa"),
    BenchQuery("abbreviation", "COPD exacerbation"),
    BenchQuery("misspelling", "hypertenson"),
    BenchQuery("misspelling", "delirum in older adults"),
    BenchQuery("quoted phrase", '"shared decision making"'),
    BenchQuery("quoted + words", '"goals of care" family meeting'),
    BenchQuery("filter", "billing", {"topic": ("practice",)}),
    BenchQuery("filter", "telehealth", {"type": ("guide",)}),
    BenchQuery("filter", "stroke", {"audience": ("resident",)}),
    BenchQuery("no results", "xylophone quantum chromodynamics"),
    BenchQuery("browse", "", {"topic": ("practice",)}),
)


def ours(bench_query):
    """One search through the embedded engine, as the search page makes it."""
    from search.engines import SearchQuery, get_embedded_engine

    engine = get_embedded_engine()
    query = SearchQuery(text=bench_query.text, filters=bench_query.filters, page=1, per_page=10)
    return engine.search(query)


WAGTAIL_FILTERS = {"topic": "topic__in", "audience": "audience_level__in"}
WAGTAIL_FACETS = ("topic", "audience_level")


def wagtail(bench_query):
    """The same query through Wagtail's database backend, as its admin search
    parses it: the first page of 10 results, the count and two facets."""
    from wagtail.search.query import MATCH_ALL
    from wagtail.search.utils import parse_query_string

    from cms.models import GuidePage

    queryset = GuidePage.objects.live()
    for key, values in bench_query.filters.items():
        if key == "type":  # only guides are searched here
            if "guide" not in values:
                queryset = queryset.none()
        else:
            queryset = queryset.filter(**{WAGTAIL_FILTERS[key]: values})
    _, query = parse_query_string(bench_query.text, operator="and", zero_terms=MATCH_ALL)
    results = queryset.search(query)
    page = list(results[:10])
    total = results.count()
    facets = {name: results.facet(name) for name in WAGTAIL_FACETS}
    return page, total, facets


def describe_ours(results):
    from search.engines.base import MARK_START

    return {
        "total": results.total,
        "hits": len(results.hits),
        "highlighted_hits": sum(
            MARK_START in hit.snippet or MARK_START in hit.title_highlight for hit in results.hits
        ),
        "facet_values": sum(len(facet.values) for facet in results.facets),
        "suggestion": results.suggestion,
        "matched_all_words": results.matched_all_words,
        "first_titles": [hit.title for hit in results.hits[:3]],
    }


def describe_wagtail(result):
    page, total, facets = result
    return {
        "total": total,
        "hits": len(page),
        "facets": {name: dict(values) for name, values in facets.items()},
        "first_titles": [guide.title for guide in page[:3]],
    }


def cpu_snapshot(server_pid):
    """(machine busy s, this process s, database server s) for CPU accounting."""
    server = process_tree_cpu_seconds(server_pid) if server_pid else None
    return busy_seconds(steal=True), time.process_time(), server


def cpu_accounting(before, after, wall_s):
    busy = after[0] - before[0] if before[0] is not None and after[0] is not None else None
    own = after[1] - before[1]
    server = after[2] - before[2] if before[2] is not None and after[2] is not None else None
    other = None if busy is None else busy - own - (server or 0.0)
    return {"wall_s": wall_s, "process_cpu_s": own, "server_cpu_s": server, "other_cpu_s": other}


def backend_cpu_reader():
    """A function returning the CPU seconds used so far by the PostgreSQL
    backends serving this process's connection and the engine's second
    connection (search/engines/postgres_shards.py; read from /proc, so only
    for a server on this machine), or None. The machine is shared: wall
    times rise with its load, the CPU a search costs hardly does."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    if not Path(f"/proc/{pid}/stat").exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    from search.engines.postgres_shards import second_backend_pids

    def read():
        total = 0
        for backend in {pid, *second_backend_pids()}:
            path = Path(f"/proc/{backend}/stat")
            if path.exists():  # a closed connection's backend is gone
                fields = path.read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        return total / ticks

    return read


def run_rounds(runner, describe, rounds, budget_s, server_pid, backend_cpu=None):
    """Every query once per round, ``rounds`` times or, with a budget, until the
    budget is spent (at least one round). Wall and CPU ms for each run, and
    with `backend_cpu` the database backend's CPU s per query over the rounds
    (/proc counts in ticks of 10 ms, so only the mean means something)."""
    timings = [[] for _ in QUERIES]
    answers = [None] * len(QUERIES)
    server_s = [0.0] * len(QUERIES)
    before, started, done = cpu_snapshot(server_pid), time.perf_counter(), 0
    while done < rounds:
        for position, bench_query in enumerate(QUERIES):
            backend = backend_cpu() if backend_cpu else 0.0
            wall, cpu = time.perf_counter(), time.process_time()
            result = runner(bench_query)
            cpu_ms = (time.process_time() - cpu) * 1000
            timings[position].append(((time.perf_counter() - wall) * 1000, cpu_ms))
            if backend_cpu:
                server_s[position] += backend_cpu() - backend
            if answers[position] is None:
                answers[position] = describe(result)
        done += 1
        if budget_s is not None and time.perf_counter() - started >= budget_s:
            break
    wall_s = time.perf_counter() - started
    cpu = cpu_accounting(before, cpu_snapshot(server_pid), wall_s)
    found = {"rounds": done, "timings": timings, "answers": answers, "cpu": cpu}
    if backend_cpu:
        found["backend_cpu_mean_ms"] = [seconds * 1000 / done for seconds in server_s]
    return found


def phase_latency(repeat, wagtail_budget_s, server_pid):
    """The embedded engine: each query once to warm up, then ``repeat`` rounds.
    Wagtail's backend: one query to warm up, then rounds until its time budget
    is spent (at least one, at most ``repeat``): at 10,000 guides one round of
    its queries takes minutes. A budget of 0 leaves Wagtail's backend out."""
    repeat, wagtail_budget_s, server_pid = int(repeat), float(wagtail_budget_s), int(server_pid)
    server_pid = server_pid or None
    django_setup()
    from django.db import connection

    from search.models import IndexedDocument

    started = time.perf_counter()
    ours(QUERIES[0])  # the process's first search reads every facet entry
    first_ms = (time.perf_counter() - started) * 1000
    for bench_query in QUERIES:
        ours(bench_query)
    backend_cpu = backend_cpu_reader()
    engines = {"ours": run_rounds(ours, describe_ours, repeat, None, server_pid, backend_cpu)}
    facet_copy = {"first_search_ms": first_ms, **after_one_change()}
    completion = time_completion(repeat)
    if wagtail_budget_s > 0:
        wagtail(QUERIES[-1])
        engines["wagtail"] = run_rounds(
            wagtail, describe_wagtail, repeat, wagtail_budget_s, server_pid
        )
    return {
        "engines": engines,
        "vendor": connection.vendor,
        "database_version": database_version(connection),
        "documents": IndexedDocument.objects.count(),
        "facet_copy": facet_copy,
        "completion": completion,
    }


# What a learner types into the search box, as completion sees it: two
# letters to three words, and part-words typed past a word's stem
# ("negotiat" of "negotiating", indexed by SQLite as "negoti").
PREFIXES = (
    "ca", "co", "re", "sep", "hyp", "neg", "stro", "conv", "pres", "diabet", "anticoag",
    "chest pa", "rural pr", "goals of ca", "shared dec", "negotiat", "communicat",
    "prescrib", "sepsi",
)  # fmt: skip


def time_completion(repeat):
    """``get_embedded_engine().suggest(prefix)`` for each of PREFIXES once to
    warm up, then ``repeat`` rounds: every timing (ms) and how many
    suggestions each prefix had."""
    from search.engines import get_embedded_engine

    engine = get_embedded_engine()
    found = {prefix: len(engine.suggest(prefix)) for prefix in PREFIXES}
    timings = {prefix: [] for prefix in PREFIXES}
    for _ in range(repeat):
        for prefix in PREFIXES:
            started = time.perf_counter()
            engine.suggest(prefix)
            timings[prefix].append((time.perf_counter() - started) * 1000)
    return {"found": found, "timings_ms": timings}


def after_one_change():
    """The first search after one guide is indexed again (the process's copy
    of the facet entries is brought up to date), then the same search again;
    the guide is written as it already is."""
    from search.documents import documents_for
    from search.engines import get_embedded_engine
    from search.models import IndexedDocument

    page_id = IndexedDocument.objects.order_by("id").values_list("page_id", flat=True).first()
    documents, _ = documents_for([page_id])
    get_embedded_engine().index(documents)
    timed = {}
    for name in ("after_one_change_ms", "then_ms"):
        started = time.perf_counter()
        ours(QUERIES[0])
        timed[name] = (time.perf_counter() - started) * 1000
    return timed


def database_version(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0].split()[0]


if __name__ == "__main__":
    child_main({"latency": phase_latency})
