import os

from django.core.cache import cache

import pytest
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

from curbside.middleware import forget_sites
from search.engines.postgres_shards import close_second_connections
from tests.factories import GuidePageFactory, MentorFactory, UserFactory

# Property-based tests are derandomised for every run (make test, CI, a fresh
# clone): the same examples each time, so a failure is reproducible and a pass
# means the same everywhere. `make fuzz` (HYPOTHESIS_PROFILE=fuzz) explores new
# random examples, many more of them (tests/properties.py), and keeps what it
# finds under var/hypothesis; each failure becomes an explicit @example.
hypothesis_settings.register_profile(
    "deterministic", derandomize=True, database=None, print_blob=True
)
hypothesis_settings.register_profile("ci", parent=hypothesis_settings.get_profile("deterministic"))
hypothesis_settings.register_profile(
    "fuzz",
    derandomize=False,
    database=DirectoryBasedExampleDatabase("var/hypothesis"),
    print_blob=True,
    max_examples=1000,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


def _both_databases(items):
    """With the search index in a database of its own (SEARCH_DATABASE_URL,
    search/database.py), every test that uses the database may use both: a
    page published in a test is indexed there. Unset, nothing changes."""
    from django.conf import settings
    from django.test import TransactionTestCase

    from search.database import SEARCH_DB_ALIAS

    if SEARCH_DB_ALIAS not in settings.DATABASES:
        return
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is not None and issubclass(cls, TransactionTestCase):
            cls.databases = "__all__"
            continue
        marker = item.get_closest_marker("django_db")
        if marker is None and "_django_db_helper" not in getattr(item, "fixturenames", ()):
            continue
        kwargs = dict(marker.kwargs) if marker else {}
        kwargs["databases"] = "__all__"
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: primary keys and revision ids
    repeat between tests, so cached fragments would otherwise leak. The same
    for each process's minute-long Site lookup (curbside.middleware): left
    over from an earlier test, it could expire in the middle of this one and
    add a query to a page whose query count a test asserts."""
    cache.clear()
    forget_sites()
    yield
    cache.clear()
    forget_sites()


@pytest.fixture(autouse=True)
def second_search_connection_closed():
    """A PostgreSQL search outside a transaction (a live server's, a
    transactional test's) opens the engine's second connection
    (search/engines/postgres_shards.py); it is closed after each test, so
    the test database can be flushed and, at the end, dropped."""
    yield
    close_second_connections()


@pytest.fixture
def mentor_a(db):
    user = UserFactory(username="mentor-a", mentor=True)
    return MentorFactory(user=user, name="Ana Alvarez", slug="ana-alvarez")


@pytest.fixture
def mentor_b(db):
    user = UserFactory(username="mentor-b", mentor=True)
    return MentorFactory(user=user, name="Ben Brooks", slug="ben-brooks")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", reviewer=True)


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", staff=True)


@pytest.fixture
def doctor(db):
    return UserFactory(username="doctor")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", superuser=True)


@pytest.fixture
def guide_by_a(mentor_a):
    return GuidePageFactory(
        title="Ana's guide", slug="anas-guide", authors=[mentor_a], owner=mentor_a.user
    )


@pytest.fixture
def guide_by_b(mentor_b):
    return GuidePageFactory(
        title="Ben's guide", slug="bens-guide", authors=[mentor_b], owner=mentor_b.user
    )


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (concurrency) run in the PostgreSQL pass of the
    suite (DATABASE_URL=postgres://...); on SQLite they are deselected, not
    skipped, and the summary says so. SQLite-only tests (in-memory SQLite)
    are deselected in the PostgreSQL pass the same way, and tests of the
    search index in its own database without SEARCH_DATABASE_URL."""
    from django.db import connection

    from search.database import separate_index

    other = "sqlite" if connection.vendor == "postgresql" else "postgres"
    xdist_worker = hasattr(config, "workerinput")
    selected, deselected = [], []
    counts = dict.fromkeys(DESELECTED, 0)
    for item in items:
        unmet = other if item.get_closest_marker(other) else None
        if unmet is None and item.get_closest_marker("separate_index") and not separate_index():
            unmet = "separate_index"
        if unmet:
            counts[unmet] += 1
            deselected.append(item)
        else:
            selected.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
        config._curbside_deselected = counts
        if xdist_worker:  # tell the controller
            config.workeroutput["curbside_deselected"] = counts
    _both_databases(items)
    if xdist_worker:
        _xdist_groups(items)


# `make test` runs the suite in several processes (pytest-xdist, --dist
# loadgroup). Each test module stays whole in one process, as it would run
# alone; the modules that share a server outside the test database (the
# Elasticsearch emulator's indexes, the S3 server, the task workers of
# tests/scaled) stay together in one process. Tests marked serial run after the
# rest, in one process of their own (the Makefile's second pytest run).
SHARED_SERVERS = {"tests/search/": "search-servers", "tests/scaled/": "scaled-servers"}


def _xdist_groups(items):
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        shared = (g for prefix, g in SHARED_SERVERS.items() if module.startswith(prefix))
        group = next(shared, module)
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller of an xdist run reports what its workers deselected."""
    counts = getattr(node, "workeroutput", {}).get("curbside_deselected")
    if counts:
        # Every worker collects the whole suite: the counts are the same in each.
        node.config._curbside_deselected = counts


DESELECTED = {
    "postgres": "PostgreSQL-only tests were deselected: run with DATABASE_URL=postgres://...",
    "sqlite": "SQLite-only tests were deselected: run without DATABASE_URL",
    "separate_index": "tests of the search index in its own database were deselected: "
    "run with SEARCH_DATABASE_URL=sqlite:///... (make test-separate-index)",
}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for reason, count in getattr(config, "_curbside_deselected", {}).items():
        if count:
            terminalreporter.write_line(f"{count} {DESELECTED[reason]} (CI does).")
