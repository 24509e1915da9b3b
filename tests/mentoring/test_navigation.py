"""Mentoring is reachable from every page's header, and the page it leads to answers."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_header_links_to_mentoring_programmes(client):
    page = client.get("/guides/").content.decode()
    assert '<a href="/mentoring/"' in page
    response = client.get("/mentoring/")
    assert response.status_code == 200
