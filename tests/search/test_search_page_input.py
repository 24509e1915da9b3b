"""The search page (/search/) and its suggestions (/search/suggest/) given
odd and hostile input: markup is shown as text, and bad or arbitrary
parameters give a normal page."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.engines.base import MARK_END, MARK_START
from search.views import highlight
from tests.factories import GuidePageFactory
from tests.search.search_page import SEARCH, SUGGEST, html, reindex, result_titles

pytestmark = pytest.mark.django_db


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
