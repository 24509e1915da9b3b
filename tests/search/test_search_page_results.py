"""The search page (/search/): what a clinician sees for ordinary input:
results with their count, highlights and details, facets, pages and sort,
spelling corrections, the notices, and never a draft or unpublished guide."""

import re

from django.test import override_settings

import pytest

from cms.models import Topic
from search import site_search
from tests.factories import GuidePageFactory, LearningPathPageFactory
from tests.search.search_page import SEARCH, SUGGEST, html, reindex, result_titles

pytestmark = pytest.mark.django_db


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
