"""Curbside's own admin screens show their title where people look for it."""

import re

from django.urls import reverse

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCREENS = [
    ("learning_reports", "CME reports"),
    ("learning_issue_certificates", "Issue certificates"),
    ("learning_report_batches", "PARS report batches"),
    ("learning_claim_extensions", None),
    ("cms_disclosure_people", "Disclosures"),
    ("cms_content_index", "Disclosures and mitigation"),
]


def visible_header(html):
    """The slim header's breadcrumbs: the text a sighted user reads at the top."""
    crumbs = re.search(r'<ol class="w-flex w-flex-row w-justify-start.*?</ol>', html, re.S)
    assert crumbs, "no breadcrumbs"
    shown = re.sub(r'<span class="w-sr-only">.*?</span>', "", crumbs.group(0), flags=re.S)
    return [t.strip() for t in re.split(r"<[^>]+>", shown) if t.strip()]


@pytest.mark.parametrize(("url_name", "title"), SCREENS)
def test_staff_screens_show_their_own_title(client, url_name, title):
    client.force_login(UserFactory(username="admin", superuser=True))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    title = title or response.context["page_title"]
    header = visible_header(html)
    assert header[-1] == title
    assert header[0] == "Home"
