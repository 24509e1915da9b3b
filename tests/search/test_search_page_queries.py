"""What the search page (/search/) costs: the same number of database
queries however many guides match."""

import contextlib

from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

import pytest

from search.database import index_alias
from tests.factories import GuidePageFactory, MentorFactory
from tests.search.search_page import SEARCH, html, reindex

pytestmark = pytest.mark.django_db


# --- cost ----------------------------------------------------------------------


def test_search_page_runs_a_constant_number_of_queries(client):
    def add(n, prefix):
        mentor = MentorFactory(slug=f"{prefix}-mentor", name=f"Mentor {prefix}")
        for i in range(n):
            GuidePageFactory(
                title=f"Sepsis bundle {prefix} {i}",
                slug=f"{prefix}-sepsis-{i}",
                authors=[mentor],
                specialties=["Emergency medicine", f"Specialty {prefix}{i}"],
            )
        reindex()

    def count():
        # The site's database and the index's (the same one unless
        # SEARCH_DATABASE_URL gives the index its own).
        with contextlib.ExitStack() as stack:
            contexts = [
                stack.enter_context(CaptureQueriesContext(connections[alias]))
                for alias in sorted({DEFAULT_DB_ALIAS, index_alias()})
            ]
            html(client.get(SEARCH, {"q": "sepsis", "specialty": "emergency-medicine"}))
        return sum(len(context.captured_queries) for context in contexts)

    add(2, "a")
    count()  # the first request also loads the site and its settings
    few = count()
    add(6, "b")
    # The first search after the index changed brings this process's copy
    # of the facet entries up to date: the ids and stamps, the changed
    # documents' entries, the facet values (search/engines/embedded/facet_matrix.py).
    assert count() == few + 3
    assert count() == few
    assert few <= 12
