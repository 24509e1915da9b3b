"""What the rebuild tests share (test_rebuild_*.py, and the other search
tests that rebuild or write from another connection): the guides they
index, a search's hit titles, an action run on another database connection,
and the sessions connected to the test database (PostgreSQL)."""

import threading
import time

from django.db import connection, connections

from search.engines import SearchQuery, get_embedded_engine
from tests.factories import GuidePageFactory, MentorFactory

from .conftest import body


def found(text):
    results = get_embedded_engine().search(SearchQuery(text=text))
    return [hit.title for hit in results.hits]


def _guides(count):
    mentor = MentorFactory(name="Rosa Okafor", slug="rosa-okafor")
    return [
        GuidePageFactory(
            title=f"Handover checklist {i}",
            slug=f"handover-{i}",
            body=body(f"Read back the plan for bed {i} before you leave."),
            authors=[mentor],
        )
        for i in range(count)
    ]


def _in_other_connection(action):
    """Run ``action`` in another thread, so on another database connection;
    return what it returned (or raise what it raised)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = action()
        except Exception as error:  # reported to the test below
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the other connection waited for the rebuild"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _sessions(settle_to=None):
    """The sessions connected to the test database (PostgreSQL). With
    ``settle_to``, waits up to 5 s for the count to come down to it: the
    server ends a session a moment after its client closed the connection
    (longer on a busy machine), while a connection left open never ends."""
    deadline = time.monotonic() + 5
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            )
            count = cursor.fetchone()[0]
        if settle_to is None or count <= settle_to or time.monotonic() > deadline:
            return count
        time.sleep(0.05)
