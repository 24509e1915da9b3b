"""The search page's tests' shared helpers: the two addresses, indexing
what is published now, and reading a page and its result titles."""

import re

from search.documents import all_documents
from search.engines import get_embedded_engine

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
