"""Fixtures for the search tests: a small corpus of real pages, and the
engines to run the contract suite against.

The embedded engine of the database under test always runs (SQLite FTS5 in
the SQLite pass, PostgreSQL full-text search in the PostgreSQL pass). The
Elasticsearch engine runs when ELASTICSEARCH_URL is set (CI starts the
noida-db emulator for it); without it those cases are deselected, like the
PostgreSQL-only tests. Cases marked `analyzer_details` depend on ranking or
analysis that only a real cluster does faithfully: for Elasticsearch they run
only with ELASTICSEARCH_REAL=1 (see docs/search.md).
"""

import decimal
import json
import os
import uuid

from wagtail.models import PageViewRestriction

import pytest

from search.documents import all_documents
from search.engines import get_embedded_engine
from tests.factories import GuidePageFactory, LearningPathPageFactory, MentorFactory

ES_URL = os.environ.get("ELASTICSEARCH_URL", "")
ES_REAL = os.environ.get("ELASTICSEARCH_REAL") == "1"


def pytest_collection_modifyitems(config, items):
    selected, deselected = [], []
    for item in items:
        engine = getattr(getattr(item, "callspec", None), "params", {}).get("engine")
        needs_server = (
            engine == "elasticsearch"
            or "es_url" in item.fixturenames
            or item.get_closest_marker("elasticsearch")
        )
        if needs_server and (
            not ES_URL or (item.get_closest_marker("analyzer_details") and not ES_REAL)
        ):
            deselected.append(item)
        else:
            selected.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def elasticsearch_engine():
    from search.engines.elasticsearch import ElasticsearchEngine

    return ElasticsearchEngine(
        url=ES_URL, index=f"curbside-test-{uuid.uuid4().hex[:10]}", timeout=10
    )


@pytest.fixture(params=["embedded", "elasticsearch"])
def engine(request, db):
    if request.param == "embedded":
        yield get_embedded_engine()
        return
    engine = elasticsearch_engine()
    yield engine
    engine.delete_all()


def body(*paragraphs):
    return json.dumps([{"type": "paragraph", "value": f"<p>{p}</p>"} for p in paragraphs])


@pytest.fixture
def corpus(db):
    """Published guides and paths, plus a draft, a private and an unpublished
    guide that must never be found."""
    ana = MentorFactory(name="Ana Alvarez", slug="ana-alvarez")
    ben = MentorFactory(name="Ben Brooks", slug="ben-brooks")
    pages = {}
    pages["mi"] = GuidePageFactory(
        title="Myocardial infarction in young women",
        slug="mi-young-women",
        summary="Why chest pain in young women is missed, and how not to miss it.",
        topic="clinical",
        audience_level="resident",
        body=body(
            "Chest pressure remains the commonest symptom of myocardial infarction in women.",
            "Spontaneous coronary artery dissection causes a share of these events.",
        ),
        authors=[ana],
        specialties=["Cardiology", "Emergency medicine"],
    )
    pages["contract"] = GuidePageFactory(
        title="Negotiating your first contract",
        slug="first-contract",
        summary="Read an employment offer clause by clause before you sign.",
        topic="career",
        audience_level="early_career",
        body=body(
            "Negotiation starts with knowing your worth: salary surveys, call burden and "
            "non-compete clauses all belong in the conversation.",
        ),
        authors=[ben],
        specialties=["Internal medicine"],
    )
    pages["img"] = GuidePageFactory(
        title="Your first year as an international medical graduate",
        slug="img-first-year",
        summary="Licensing, visas and finding mentors when you trained abroad.",
        topic="career",
        audience_level="resident",
        body=body("Keep copies of every licensing document and start visa paperwork early."),
        authors=[ana],
        specialties=["Internal medicine"],
    )
    pages["hypertension"] = GuidePageFactory(
        title="Treating hypertension in primary care",
        slug="hypertension-primary-care",
        summary="Home readings, thresholds and which drug to start with.",
        topic="clinical",
        audience_level="early_career",
        body=body("Confirm hypertension with home or ambulatory readings before treating."),
        authors=[ben],
        specialties=["Family medicine"],
    )
    pages["family"] = GuidePageFactory(
        title="A difficult conversation with a family",
        slug="difficult-family-conversation",
        summary="Leading a goals-of-care meeting when the news is bad.",
        topic="clinical",
        audience_level="experienced",
        body=body("Sit down, ask what the family understands, and allow silence."),
        authors=[ana, ben],
        specialties=["Palliative care"],
    )
    pages["markup"] = GuidePageFactory(
        title='Sepsis <script>alert("x")</script> screening',
        slug="sepsis-markup",
        summary="Screening tools <b>and</b> their limits.",
        topic="practice",
        audience_level="resident",
        body=body("Sepsis screening tools trade sensitivity for alarm fatigue."),
        authors=[ben],
    )
    draft = GuidePageFactory(
        title="Draft sepsis checklist", slug="draft-sepsis", live=False, authors=[ana]
    )
    private = GuidePageFactory(title="Private sepsis audit", slug="private-sepsis", authors=[ana])
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    unpublished = GuidePageFactory(title="Retired sepsis bundle", slug="retired-sepsis")
    unpublished.unpublish()
    pages["path"] = LearningPathPageFactory(
        title="Early career essentials",
        slug="early-career",
        summary="Contracts and licensing for your first post.",
        max_credits=decimal.Decimal("1.50"),
        steps=[pages["contract"], pages["img"]],
    )
    pages["free_path"] = LearningPathPageFactory(
        title="Chest pain refresher",
        slug="chest-pain-refresher",
        summary="A short path without credit.",
        max_credits=decimal.Decimal("0"),
        steps=[pages["mi"]],
    )
    pages["hidden"] = [draft, private, unpublished]
    return pages


@pytest.fixture
def indexed(corpus, engine):
    engine.rebuild(all_documents())
    return corpus


@pytest.fixture
def small_batches(monkeypatch):
    """A rebuild's batches of 4 documents, whatever they cost."""
    from search.engines.embedded import writing

    monkeypatch.setattr(writing, "REBUILD_BATCH_FIRST", 4)
    monkeypatch.setattr(writing, "REBUILD_BATCH_MIN", 4)
    monkeypatch.setattr(writing, "REBUILD_BATCH_MAX", 4)
