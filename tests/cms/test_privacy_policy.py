"""The public privacy policy at /privacy/: anyone can read it, it states what a
learner looks for (from the code's own rules), its links work, it is linked
from every page's footer and from the learner's privacy page, and it is the
same for everyone (no cookie, nothing personal), so any cache may keep it."""

import re

from django.urls import reverse

import pytest

from learning.privacy.retention import RETENTION_YEARS
from tests.factories import InstitutionFactory, LearnerFactory

pytestmark = pytest.mark.django_db


def hrefs(html):
    return re.findall(r'href="([^"]+)"', html)


def footer(html):
    match = re.search(r'<footer class="site-footer">(.*?)</footer>', html, re.S)
    assert match, "the page has no site footer"
    return match.group(1)


def test_anyone_can_read_the_policy_with_what_a_learner_looks_for(client):
    assert reverse("privacy_policy") == "/privacy/"
    response = client.get("/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Privacy policy</h1>" in html
    assert "Last updated 2 December 2026" in html
    # Retention, from the constant deletion and purge use.
    assert f"for <strong>{RETENTION_YEARS} years from the day each was issued</strong>" in html
    for heading in [
        "What we collect",
        "Why we use it",
        "Who can see it",
        "How long we keep it",
        "Your choices and how to use them",
        "Cookies",
        "E-mail",
        "Contact",
    ]:
        assert f">{heading}</h2>" in html, heading
    # What the public verification page shows, and what it never shows.
    assert "no e-mail address, NPI, board ID, birth date, test answers or scores" in html
    assert "no analytics or advertising cookies" in html
    # The site's support address (site settings), as in the footer.
    assert 'href="mailto:support@curbside.example"' in html


def test_the_export_and_deletion_links_reach_the_learners_own_pages(client):
    html = client.get("/privacy/").content.decode()
    links = hrefs(html)
    export, delete, mine = (
        reverse("learner_privacy_export"),
        reverse("learner_privacy_delete"),
        reverse("learner_privacy"),
    )
    assert {export, delete, mine} <= set(links)

    # Anonymous: sent to log in, and back.
    assert client.get(delete)["Location"].startswith(reverse("account_login"))
    client.force_login(LearnerFactory(username="doctor-a"))
    response = client.get(export)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["account"]["username"] == "doctor-a"
    response = client.get(delete)
    assert response.status_code == 200
    assert "Delete" in response.content.decode()
    # The learner's privacy page links back to the policy.
    assert reverse("privacy_policy") in hrefs(client.get(mine).content.decode())


def test_every_page_footer_links_to_the_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/privacy/">Privacy policy</a>' in footer(response.content.decode())
    assert 'href="/privacy/">Privacy policy</a>' in footer(client.get("/mentors/").content.decode())


def test_anonymous_answer_sets_no_cookie_and_may_be_cached(client):
    response = client.get("/privacy/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    cache_control = response.get("Cache-Control", "")
    assert "no-store" not in cache_control and "private" not in cache_control


def test_signed_in_answer_is_private_and_shows_nothing_personal(client):
    learner = LearnerFactory(username="doctor-a")
    learner.learner_profile.full_name = "Alice Able"
    learner.learner_profile.save()
    client.force_login(learner)
    response = client.get("/privacy/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    # The header names no one; the policy itself is the same for everyone.
    assert "Alice Able" not in body
    anonymous = client.__class__().get("/privacy/").content.decode()
    main = re.compile(r'<main id="main" tabindex="-1">(.*)</main>', re.S)
    assert main.search(body).group(1) == main.search(anonymous).group(1)


def test_accredited_providers_with_a_contact_are_listed(client):
    InstitutionFactory(name="Alderbank CME Office", contact_email="cme@alderbank.example")
    InstitutionFactory(name="Birchfield CME", contact_phone="+1 555 0100", contact_email="")
    InstitutionFactory(name="Cedar Quiet Institute", contact_email="")  # no contact: not listed
    html = client.get("/privacy/").content.decode()
    assert 'Alderbank CME Office: <a href="mailto:cme@alderbank.example">' in html
    assert "Birchfield CME: +1 555 0100" in html
    assert "Cedar Quiet Institute" not in html
