"""Fixtures for the search tests: a small corpus of real pages, and the
engines to run the contract suite against; the Elasticsearch server and its
index names for the Elasticsearch engine's own tests (es_url, es_prefix); the
guides the search page's tests search (library).

The embedded engine of the database under test always runs (SQLite FTS5 in
the SQLite pass, PostgreSQL full-text search in the PostgreSQL pass). The
Elasticsearch engine runs when ELASTICSEARCH_URL is set (CI starts the
noida-db emulator for it); without it those cases are deselected, like the
PostgreSQL-only tests. Cases marked `analyzer_details` depend on ranking or
analysis that only a real cluster does faithfully: for Elasticsearch they run
only with ELASTICSEARCH_REAL=1 (see docs/search.md).
"""

import datetime
import decimal
import json
import os
import uuid

from wagtail.models import PageViewRestriction

import pytest

from cms.models import Topic
from search.documents import all_documents
from search.engines import get_embedded_engine
from tests.factories import GuidePageFactory, LearningPathPageFactory, MentorFactory, body_json
from tests.search.search_page import reindex

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


@pytest.fixture(scope="module")
def es_prefix():
    """The prefix of the names of the Elasticsearch indexes a module creates
    (its own in each module, so one module's clean-up leaves the others')."""
    return f"curbside-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def es_url(es_prefix):
    """The server to test against (tests using it are deselected without one)."""
    from search.engines.elasticsearch import ElasticsearchEngine

    probe = ElasticsearchEngine(ES_URL, es_prefix, timeout=10)
    problems = [p for p in probe.problems() if "does not exist" not in p]
    if problems:
        pytest.fail(f"ELASTICSEARCH_URL is set but unusable: {problems[0]}")
    yield ES_URL
    # Every index this module created, by explicit name (wildcard deletes are
    # refused by default on Elasticsearch 8).
    names = list(probe.client.indices.get(index=f"{es_prefix}*", expand_wildcards="all").body)
    if names:
        probe.client.indices.delete(index=",".join(names))


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


@pytest.fixture
def library(mentor_a, mentor_b):
    today = datetime.date.today()
    guides = {
        "sepsis": GuidePageFactory(
            title="Recognising sepsis in the emergency department",
            slug="sepsis-ed",
            summary="Early signs of sepsis and when to escalate.",
            topic=Topic.CLINICAL,
            audience_level="resident",
            authors=[mentor_a],
            specialties=["Emergency medicine"],
            body=body_json(["Lactate, blood cultures and antibiotics within the first hour."]),
            release_date=today - datetime.timedelta(days=30),
        ),
        "child-sepsis": GuidePageFactory(
            title="Sepsis in children: the quiet deterioration",
            slug="sepsis-children",
            summary="Why sepsis in children is easy to miss.",
            topic=Topic.CLINICAL,
            audience_level="student",
            authors=[mentor_b],
            specialties=["Pediatrics"],
            body=body_json(["Tachycardia persists when sepsis is missed in children."]),
            release_date=today - datetime.timedelta(days=2),
        ),
        "contract": GuidePageFactory(
            title="Negotiating your first contract",
            slug="first-contract",
            summary="What to ask for before you sign your first job offer.",
            topic=Topic.CAREER,
            audience_level="early_career",
            authors=[mentor_b],
            specialties=["Internal medicine"],
            body=body_json(["Salary, call schedule and non-compete clauses."]),
        ),
        "family": GuidePageFactory(
            title="Leading a difficult conversation with a family",
            slug="family-conversation",
            summary="Preparing for and running a family meeting in the ICU.",
            topic=Topic.CLINICAL,
            audience_level="experienced",
            authors=[mentor_a],
            specialties=["Palliative care"],
            body=body_json(["Ask what they already understand before you explain."]),
        ),
    }
    reindex()
    return guides
