"""Addresses remembered by the route cache (``cms.models.routing``), as on a
running server where someone has visited them since the last edit.

Query-count tests call ``remember_routes`` before they count, so that they
count a page's own queries, not the first visit's routing from the tree
(``tests/cms/test_routing.py`` counts that). Addresses that are not pages
(the mentor directory, Django views) are left alone: nothing to remember."""

from django.test import RequestFactory

from wagtail.models import Page


def remember_routes(*urls: str) -> None:
    for url in urls:
        path = url.split("?", 1)[0]
        Page.route_for_request(RequestFactory().get(url), path)
