"""The search page (/search/) and the search box's suggestions
(/search/suggest/): what a clinician sees for ordinary, odd and hostile input."""

import contextlib
import datetime
import re

from django.db import DEFAULT_DB_ALIAS, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.models import Topic
from search import site_search
from search.database import index_alias
from search.documents import all_documents
from search.engines import get_embedded_engine
from search.engines.base import MARK_END, MARK_START
from search.views import highlight
from tests.factories import GuidePageFactory, LearningPathPageFactory, MentorFactory, body_json

pytestmark = pytest.mark.django_db

SEARCH = "/search/"
SUGGEST = "/search/suggest/"


def reindex():
    """Index what is published now (tests do not run on_commit signals)."""
    get_embedded_engine().rebuild(all_documents())


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def result_titles(page):
    """Result titles as text, highlight marks removed, in page order."""
    found = re.findall(r'<h3 class="search-result__title"><a href="[^"]*">(.*?)</a></h3>', page)
    return [re.sub(r"</?mark>", "", title) for title in found]


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


# --- the page ---------------------------------------------------------------


def test_empty_search_shows_help_and_examples(client, library):
    page = html(client.get(SEARCH))
    assert "Find guidance for the situation in front of you" in page
    assert "?q=difficult%20conversation%20with%20a%20family" in page
    assert "?q=negotiating%20my%20first%20contract" in page
    assert "?q=MI%20in%20young%20women" in page
    assert 'href="/guides/"' in page and 'href="/paths/"' in page
    assert "search-result" not in page
    assert 'name="robots" content="noindex"' in page


def test_results_with_count_highlights_and_details(client, library):
    page = html(client.get(SEARCH, {"q": "sepsis"}))
    assert "2 results for “sepsis”" in page
    assert set(result_titles(page)) == {
        "Recognising sepsis in the emergency department",
        "Sepsis in children: the quiet deterioration",
    }
    assert "<mark>sepsis</mark>" in page.lower()
    assert "By Ana Alvarez" in page
    assert "Clinical judgment" in page
    assert ">Guide</span>" in page
    assert 'href="/guides/sepsis-ed/"' in page
    assert "<time datetime=" in page


def test_learning_path_result_shows_its_credits(client, library):
    LearningPathPageFactory(
        title="Sepsis essentials", slug="sepsis-essentials", steps=[library["sepsis"]]
    )
    reindex()
    page = html(client.get(SEARCH, {"q": "sepsis essentials"}))
    assert "Sepsis essentials" in result_titles(page)
    assert ">Learning path</span>" in page
    assert "Up to 1.5 <em>AMA PRA Category 1 Credits</em>™" in page


def test_facets_filter_results_and_show_counts(client, library):
    page = html(client.get(SEARCH, {"q": "sepsis"}))
    assert re.search(r'name="audience" value="student"[^>]*>\s*<label[^>]*>Medical student', page)
    assert 'Pediatrics <span class="facet__count">(1' in page
    assert "Apply filters" in page

    page = html(client.get(SEARCH, {"q": "sepsis", "specialty": "pediatrics"}))
    assert result_titles(page) == ["Sepsis in children: the quiet deterioration"]
    assert "1 result for “sepsis” with your filters" in page
    assert re.search(r'name="specialty" value="pediatrics" form="search-form" checked', page)
    # Other specialties still show how many results they would add.
    assert re.search(r'Emergency medicine <span class="facet__count">\(1', page)
    assert 'href="/search/?q=sepsis">Clear filters</a>' in page


def test_filters_alone_list_matching_guides(client, library):
    page = html(client.get(SEARCH, {"topic": "career"}))
    assert result_titles(page) == ["Negotiating your first contract"]
    assert "1 result matching your filters" in page


def test_two_values_of_one_facet_widen_the_results(client, library):
    page = html(client.get(SEARCH, {"audience": ["student", "resident"]}))
    assert len(result_titles(page)) == 2


def test_pagination_keeps_query_filters_and_sort(client, mentor_a):
    for i in range(12):
        GuidePageFactory(
            title=f"Handover safety note {i}",
            slug=f"handover-{i}",
            topic=Topic.PRACTICE,
            authors=[mentor_a],
        )
    reindex()
    page = html(client.get(SEARCH, {"q": "handover", "topic": "practice", "sort": "newest"}))
    assert "12 results for “handover” with your filters" in page
    assert len(result_titles(page)) == 10
    assert "Page 1 of 2" in page
    next_link = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert next_link.startswith("/search/?")
    for part in ("q=handover", "topic=practice", "sort=newest", "page=2"):
        assert part in next_link
    page = html(client.get(next_link))
    assert len(result_titles(page)) == 2
    assert "Page 2 of 2" in page
    assert 'rel="prev"' in page


def test_sort_by_newest(client, library):
    page = html(client.get(SEARCH, {"q": "sepsis", "sort": "newest"}))
    assert result_titles(page)[0] == "Sepsis in children: the quiet deterioration"
    assert '<option value="newest" selected>' in page


def test_a_misspelling_shows_the_corrections_results(client, library):
    page = html(client.get(SEARCH, {"q": "sepssis", "sort": "newest"}))
    assert (
        "Showing results for <strong>sepsis</strong>. Search instead for "
        '<a href="/search/?q=sepssis&amp;as_typed=1&amp;sort=newest">sepssis</a>.'
    ) in page
    assert result_titles(page) == [
        "Sepsis in children: the quiet deterioration",
        "Recognising sepsis in the emergency department",
    ]
    assert "2 results for “sepsis”" in page
    assert 'value="sepsis"' in page  # the search box holds what was searched
    assert "Did you mean" not in page


def test_did_you_mean_when_searching_as_typed(client, library):
    page = html(client.get(SEARCH, {"q": "sepssis", "as_typed": "1"}))
    assert "0 results for “sepssis”" in page
    assert "Showing results for" not in page
    assert 'Did you mean <a href="/search/?q=sepsis">sepsis</a>?' in page


def test_no_results_gives_next_steps(client, library):
    page = html(client.get(SEARCH, {"q": "xylophone", "topic": "career"}))
    assert "0 results for “xylophone”" in page
    assert "No guides or learning paths match “xylophone” with these filters." in page
    assert "Check the spelling" in page
    assert 'href="/search/?q=xylophone">Search again without filters</a>' in page
    assert 'href="/guides/?topic=clinical"' in page
    # The chosen filter stays visible, by name, so it can be unticked.
    chosen = r'value="career" form="search-form" checked>\s*<label[^>]*>Career navigation'
    assert re.search(chosen, page)


def test_some_words_notice(client, library):
    page = html(client.get(SEARCH, {"q": "sepsis contract"}))
    assert "No results contain all of your words" in page
    assert len(result_titles(page)) == 3


@override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9", ELASTICSEARCH_TIMEOUT=1)
def test_engine_outage_notice(client, library):
    # A configured Elasticsearch on a closed loopback port: a real
    # "connection refused". The embedded engine answers, and the page says so.
    page = html(client.get(SEARCH, {"q": "sepsis"}))
    assert (
        f'<p class="notice search-notice" role="status">{site_search.FALLBACK_NOTICE}</p>' in page
    )
    assert len(result_titles(page)) == 2
    assert client.get(SUGGEST, {"q": "seps"}).json()["suggestions"]


def test_long_query_is_shortened_and_says_so(client, library):
    page = html(client.get(SEARCH, {"q": "sepsis " * 2000}))
    assert "Your search was shortened to the first 200 characters." in page
    assert "Recognising sepsis in the emergency department" in result_titles(page)


def test_drafts_and_unpublished_guides_never_appear(client, library, mentor_a):
    GuidePageFactory(
        title="Sepsis draft not yet reviewed", slug="sepsis-draft", live=False, authors=[mentor_a]
    )
    library["child-sepsis"].unpublish()
    reindex()
    page = html(client.get(SEARCH, {"q": "sepsis"}))
    assert result_titles(page) == ["Recognising sepsis in the emergency department"]
    suggestions = client.get(SUGGEST, {"q": "seps"}).json()["suggestions"]
    assert [s["title"] for s in suggestions] == ["Recognising sepsis in the emergency department"]


# --- escaping -----------------------------------------------------------------


def test_highlight_escapes_before_marking():
    marked = highlight(f"<b>{MARK_START}sepsis{MARK_END}</b> & {MARK_START}shock")
    assert marked == "&lt;b&gt;<mark>sepsis</mark>&lt;/b&gt; &amp; shock"
    assert highlight(f"{MARK_END}a{MARK_START}{MARK_START}b{MARK_END}") == "a<mark>b</mark>"
    assert highlight("") == ""


def test_html_in_titles_and_queries_is_shown_as_text(client, mentor_a):
    GuidePageFactory(
        title="<script>alert(1)</script> Sepsis",
        slug="script-sepsis",
        summary='Sepsis <img src=x onerror="alert(2)">',
        authors=[mentor_a],
    )
    reindex()
    page = html(client.get(SEARCH, {"q": "<b>sepsis</b>"}))
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "<b>sepsis</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Sepsis</mark>" in page
    assert "“&lt;b&gt;sepsis&lt;/b&gt;”" in page
    data = client.get(SUGGEST, {"q": "<scr"}).json()
    assert data["query"] == "<scr"


# --- odd and hostile input ----------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "sepsis\x00"},
        {"q": "\x00"},
        {"q": "x" * 10_000},
        {"q": '"unbalanced quotes'},
        {"q": "title:foo OR bar*"},
        {"q": "'; DROP TABLE search_indexeddocument; --"},
        {"q": "NEAR(sepsis children) ^ { } [ ] ( ) -"},
        {"q": "sepsis", "page": "-1"},
        {"q": "sepsis", "page": "abc"},
        {"q": "sepsis", "page": "99999"},
        {"q": "sepsis", "page": "9" * 5000},
        {"q": "sepsis", "page": "١٢"},
        {"q": "sepsis", "topic": "no-such-topic"},
        {"q": "sepsis", "specialty": "no-such-specialty", "mentor": "<script>"},
        {"q": "sepsis", "mentor": "x" * 500},
        {"q": "sepsis", "topic": "clinical\x00"},
        {"q": "sepsis", "sort": "xyz"},
        {"q": "sepsis", "type": ["guide"] * 100},
        {"q\x00": "sepsis", "s\x00rt": "newest"},
    ],
)
def test_bad_input_gives_a_normal_page(client, library, params):
    page = html(client.get(SEARCH, params))
    assert "<h1>Search</h1>" in page
    assert "notice--error" not in page


def test_nul_bytes_are_removed_and_explained(client, library):
    page = html(client.get(SEARCH, {"q": "sep\x00sis children"}))
    assert "Some characters in your search could not be used" in page
    assert 'value="sep sis children"' in page


def test_page_past_the_end_shows_the_last_page(client, library):
    page = html(client.get(SEARCH, {"q": "sepsis", "page": "99999"}))
    assert len(result_titles(page)) == 2


def test_unknown_fixed_facet_values_are_ignored(client, library):
    page = html(client.get(SEARCH, {"q": "sepsis", "topic": "astrology"}))
    assert len(result_titles(page)) == 2
    # Not offered as a filter or echoed in the results (the header's "Log in"
    # and "Sign up" links carry the whole address back, encoded, as next=).
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "astrology" not in main
    assert "astrology" not in page.replace("%3Dastrology", "")


def test_only_get_and_head(client):
    assert client.post(SEARCH, {"q": "sepsis"}).status_code == 405
    assert client.post(SUGGEST, {"q": "sepsis"}).status_code == 405
    assert client.head(SEARCH).status_code == 200


# --- suggestions ----------------------------------------------------------------


def test_suggest_returns_titles_as_json(client, library):
    response = client.get(SUGGEST, {"q": "negot"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "max-age=60" in response["Cache-Control"]
    data = response.json()
    assert data["query"] == "negot"
    assert data["suggestions"][0] == {
        "title": "Negotiating your first contract",
        "url": "/guides/first-contract/",
        "kind": "guide",
        "kind_label": "Guide",
    }


def test_suggest_names_learning_paths(client, library):
    LearningPathPageFactory(
        title="Sepsis essentials", slug="sepsis-essentials", steps=[library["sepsis"]]
    )
    reindex()
    data = client.get(SUGGEST, {"q": "sepsis ess"}).json()
    assert {"kind": "path", "kind_label": "Learning path"}.items() <= data["suggestions"][0].items()


@pytest.mark.parametrize(
    "q", ["", "s", " s ", "\x00", "\x00\x00s", "x" * 10_000, '"', "title:foo OR bar*", "*", "-"]
)
def test_suggest_never_fails(client, library, q):
    response = client.get(SUGGEST, {"q": q})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"query", "suggestions"}
    if len(data["query"]) < 2:
        assert data["suggestions"] == []


PARAMETER_TEXT = st.one_of(
    st.text(max_size=120),
    st.text(alphabet=st.sampled_from("\"*:^-+()[]{}\\'%;_<>&\x00\u202e ab"), max_size=40),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=PARAMETER_TEXT,
    topic=PARAMETER_TEXT,
    mentor=PARAMETER_TEXT,
    page=PARAMETER_TEXT,
    sort=PARAMETER_TEXT,
)
def test_any_parameters_give_a_normal_page(client, library, q, topic, mentor, page, sort):
    response = client.get(
        SEARCH, {"q": q, "topic": topic, "mentor": mentor, "page": page, "sort": sort}
    )
    assert response.status_code == 200
    assert "<h1>Search</h1>" in response.content.decode()
    assert client.get(SUGGEST, {"q": q}).status_code == 200


def test_suggest_without_q(client, library):
    assert client.get(SUGGEST).json() == {"query": "", "suggestions": []}


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


def test_search_box_is_in_the_header_of_other_pages(client, library):
    page = html(client.get("/guides/"))
    assert f'action="{reverse("search")}"' in page
    assert f'data-suggest-url="{reverse("search_suggest")}"' in page
    assert "js/search-combobox.js" in page
    assert "<script>" not in page
