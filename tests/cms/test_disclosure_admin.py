"""Signing and renewing disclosures in the admin, and who may: real requests
through the admin URLs, records read back from the database."""

import datetime

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

import pytest

from cms.models.disclosures import Disclosure
from tests.factories import MentorFactory, UserFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def new_url(person):
    return reverse("cms_disclosure_new", args=(person.pk,))


def history_url(person):
    return reverse("cms_disclosure_history", args=(person.pk,))


def form_data(rows=(), *, none=False, name="Ana Alvarez", attest=True, given_on=None):
    data = {
        "rel-TOTAL_FORMS": str(len(rows)),
        "rel-INITIAL_FORMS": "0",
        "rel-MIN_NUM_FORMS": "0",
        "rel-MAX_NUM_FORMS": "1000",
        "signed_name": name,
    }
    if none:
        data["none_to_disclose"] = "on"
    if attest:
        data["attest"] = "on"
    if given_on:
        data["given_on"] = given_on.isoformat()
    for number, row in enumerate(rows):
        for key, value in row.items():
            data[f"rel-{number}-{key}"] = value
    return data


def ongoing(company, nature="consultant", **extra):
    return {"company": company, "nature": nature, "ongoing": "on", **extra}


def ended(company, on, nature="speaker"):
    return {"company": company, "nature": nature, "ended_on": on.isoformat()}


@pytest.fixture
def mentor_with_acme(db):
    user = UserFactory(username="mentor-c", mentor=True)
    return MentorFactory(
        user=user,
        name="Cara Cole",
        slug="cara-cole",
        disclosure_date=days_ago(400),
        relationships=[("Acme Pharma", "consultant")],
    )


def test_person_renews_and_the_old_disclosure_stays_in_the_history(client, mentor_with_acme):
    person = mentor_with_acme
    old = person.current_disclosure
    client.force_login(person.user)
    form = client.get(new_url(person)).content.decode()
    # Renewal starts from what the current disclosure listed.
    assert 'value="Acme Pharma"' in form

    rows = [ongoing("Acme Pharma"), ended("Birch Devices", days_ago(90))]
    response = client.post(new_url(person), form_data(rows, name="Cara Cole"))
    assert response.status_code == 302
    assert response["Location"] == history_url(person)

    history = list(Disclosure.objects.filter(person=person).newest_first())
    assert len(history) == 2 and history[1] == old
    new = history[0]
    assert new.given_on == timezone.localdate() and new.recorded_by == person.user
    assert new.signed_name == "Cara Cole"
    assert [(r.company, r.nature, r.ended_on) for r in new.relationships.all()] == [
        ("Acme Pharma", "consultant", None),
        ("Birch Devices", "speaker", days_ago(90)),
    ]

    page = client.get(history_url(person)).content.decode()
    assert page.count("Acme Pharma") == 2 and "Birch Devices" in page
    assert "Current" in page and "Superseded" in page
    assert page.index(f"Signed {new.given_on:%-d %B %Y}") < page.index(
        f"Signed {old.given_on:%-d %B %Y}"
    )


def test_relationship_ended_over_24_months_ago_comes_back_with_the_message(client, mentor_a):
    client.force_login(mentor_a.user)
    before = Disclosure.objects.count()
    rows = [ongoing("Acme Pharma", detail="advisory board"), ended("Old Corp", days_ago(800))]
    response = client.post(new_url(mentor_a), form_data(rows, name="Ana Typed Name"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "more than 24 months ago, so it need not be disclosed" in html
    # Everything typed is kept.
    for typed in ("Acme Pharma", "advisory board", "Old Corp", days_ago(800).isoformat()):
        assert f'value="{typed}"' in html
    assert 'value="Ana Typed Name"' in html
    assert Disclosure.objects.count() == before


def test_attestation_of_none_with_relationships_is_refused(client, mentor_a):
    client.force_login(mentor_a.user)
    before = Disclosure.objects.count()
    response = client.post(
        new_url(mentor_a), form_data([ongoing("Acme Pharma")], none=True, name="Ana Alvarez")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "choose one or the other" in html
    assert 'value="Acme Pharma"' in html and "checked" in html
    assert Disclosure.objects.count() == before


def test_every_problem_is_listed_at_once(client, mentor_a):
    client.force_login(mentor_a.user)
    rows = [{"company": "No End Inc", "nature": "advisor"}]
    response = client.post(new_url(mentor_a), form_data(rows, name="", attest=False))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Give the date it ended, or tick" in html
    assert "Tick the attestation to sign the disclosure." in html
    assert "This field is required." in html  # the typed name
    assert 'value="No End Inc"' in html


def test_more_rows_keeps_what_was_typed_and_records_nothing(client, mentor_a):
    client.force_login(mentor_a.user)
    before = Disclosure.objects.count()
    data = form_data([ongoing("Acme Pharma")], name="Ana Alvarez")
    data["more_rows"] = "1"
    html = client.post(new_url(mentor_a), data).content.decode()
    assert 'value="Acme Pharma"' in html
    assert 'name="rel-TOTAL_FORMS" value="4"' in html
    assert "Relationship 4" in html
    assert Disclosure.objects.count() == before


def test_cme_staff_enter_a_disclosure_for_a_mentor(client, mentor_a, staff_user):
    client.force_login(staff_user)
    signed = days_ago(3)
    response = client.post(
        new_url(mentor_a), form_data(none=True, name="Ana Alvarez", given_on=signed)
    )
    assert response.status_code == 302
    mentor_a.__dict__.pop("disclosure_history", None)
    current = mentor_a.current_disclosure
    assert current.given_on == signed and current.none_to_disclose
    assert current.recorded_by == staff_user
    page = client.get(history_url(mentor_a)).content.decode()
    assert "Attested: no financial relationships" in page
    assert staff_user.get_full_name() in page


def test_a_mentor_cannot_enter_a_disclosure_for_another_mentor(client, mentor_a, mentor_b):
    client.force_login(mentor_a.user)
    before = Disclosure.objects.filter(person=mentor_b).count()
    response = client.post(new_url(mentor_b), form_data(none=True, name="Ben Brooks"))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert Disclosure.objects.filter(person=mentor_b).count() == before
    assert client.get(history_url(mentor_b))["Location"] == "/admin/"
    assert client.get(new_url(mentor_b))["Location"] == "/admin/"


def test_people_list_shows_each_status_to_staff_and_only_oneself_to_a_mentor(
    client, mentor_a, mentor_b, staff_user
):
    expired = MentorFactory(name="Eve Expired", disclosure_date=days_ago(400))
    never = MentorFactory(name="Nora Never", disclosure_date=None)
    client.force_login(staff_user)
    html = client.get(reverse("cms_disclosure_people")).content.decode()
    assert f"until {mentor_a.disclosure_expires:%-d %B %Y}" in html
    assert f"on {expired.disclosure_expires:%-d %B %Y}" in html
    assert "Eve Expired" in html and "Nora Never" in html and "No disclosure signed" in html
    assert history_url(never) in html

    client.force_login(mentor_a.user)
    html = client.get(reverse("cms_disclosure_people")).content.decode()
    assert "Ana Alvarez" in html
    assert "Ben Brooks" not in html and "Eve Expired" not in html


def test_an_editor_without_a_profile_or_cme_role_sees_no_list(client, reviewer):
    # A CME reviewer has no Mentor profile but is CME staff: they see the list.
    client.force_login(reviewer)
    assert client.get(reverse("cms_disclosure_people")).status_code == 200
    editor = UserFactory(username="plain-editor")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get(reverse("cms_disclosure_people"))["Location"] == "/admin/"


def test_mentor_edit_view_and_listing_link_to_the_disclosures(client, mentor_a):
    edit = reverse("wagtailsnippets_cms_mentor:edit", args=(mentor_a.pk,))
    client.force_login(mentor_a.user)
    assert history_url(mentor_a) in client.get(edit).content.decode()
    listing = client.get(reverse("wagtailsnippets_cms_mentor:list")).content.decode()
    assert history_url(mentor_a) in listing


def test_a_person_cannot_backdate_their_own_disclosure(client, mentor_a):
    """Only CME staff entering a paper form may give another signing date; a
    date a person posts anyway is ignored and the disclosure is dated today."""
    client.force_login(mentor_a.user)
    response = client.post(
        new_url(mentor_a), form_data(none=True, name="Ana Alvarez", given_on=days_ago(200))
    )
    assert response.status_code == 302
    mentor_a.__dict__.pop("disclosure_history", None)
    assert mentor_a.current_disclosure.given_on == timezone.localdate()
