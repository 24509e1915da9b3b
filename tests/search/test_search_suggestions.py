"""The search box: its suggestions (/search/suggest/), and its place in the
header of other pages."""

from django.urls import reverse

import pytest

from tests.factories import LearningPathPageFactory
from tests.search.search_page import SUGGEST, html, reindex

pytestmark = pytest.mark.django_db


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


def test_suggest_without_q(client, library):
    assert client.get(SUGGEST).json() == {"query": "", "suggestions": []}


# --- the search box on other pages ---------------------------------------------


def test_search_box_is_in_the_header_of_other_pages(client, library):
    page = html(client.get("/guides/"))
    assert f'action="{reverse("search")}"' in page
    assert f'data-suggest-url="{reverse("search_suggest")}"' in page
    assert "js/search-combobox.js" in page
    assert "<script>" not in page
