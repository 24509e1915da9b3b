"""Bad input, property-based (bad_input.py): the admin. Learner-record
listings, reports, issuing and revoking certificates and snippet search,
for staff and superusers: any filter or selection gets a normal answer and
changes no learner record unless it is valid."""

from django.urls import reverse

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from learning.models import Certificate, CertificateEvent

from .bad_input import (
    FEW,
    JOURNEY_RECORDS,
    any_text,
    assert_not_server_error,
    counts,
    form_value,
    nasty,
    number_text,
)

pytestmark = pytest.mark.django_db


# --- admin: learner-record listings, reports, issuing and revoking ------------------

RECORD_LISTINGS = {
    "enrolment": ["path", "enrolled_at", "completed_at"],
    "stepcompletion": ["enrolment__path", "completed_at"],
    "testattempt": ["enrolment__path", "passed", "submitted_at"],
    "creditclaim": ["enrolment__path", "status", "claimed_at"],
    "certificate": ["path", "status", "pdf_status", "issued_at"],
    "certificateevent": ["action", "at"],
}
date_text = st.one_of(
    st.dates().map(str),
    st.datetimes().map(str),
    st.sampled_from(["2025-02-30", "0000-01-01", "9999-12-31", "10000-01-01", "2025-13-01"]),
    nasty,
)


def admin_params(filters):
    keys = []
    for name in filters:
        keys += [name, f"{name}_from", f"{name}_to", f"{name}_after", f"{name}_before"]
    keys += ["ordering", "p", "q", "export", "per_page", "paginate_by"]
    return st.dictionaries(
        st.one_of(st.sampled_from(keys), any_text),
        st.one_of(date_text, number_text, nasty, st.lists(st.one_of(date_text, nasty), max_size=3)),
        max_size=5,
    )


@pytest.mark.parametrize("role", ["superuser", "staff"])
@FEW
@given(data=st.data())
def test_admin_record_listings_accept_any_filter(client, rollback, admin_world, role, data):
    client.force_login(admin_world[role])
    listing = data.draw(st.sampled_from(sorted(RECORD_LISTINGS)))
    params = data.draw(admin_params(RECORD_LISTINGS[listing]))
    with rollback():
        before = counts(*JOURNEY_RECORDS)
        response = client.get(reverse(f"{listing}:index"), params)
        assert_not_server_error(response)
        assert response.status_code in (200, 302, 404), response.status_code
        assert counts(*JOURNEY_RECORDS) == before


@pytest.mark.parametrize("role", ["superuser", "staff"])
@FEW
@given(params=admin_params(["path", "status", "from", "to", "year"]))
def test_admin_reports_accept_any_query(client, rollback, admin_world, role, params):
    client.force_login(admin_world[role])
    path_pk = admin_world["path"].pk
    with rollback():
        for name, args in (
            ("learning_reports", ()),
            ("learning_path_report", (path_pk,)),
            ("learning_report_batches", ()),
            ("learning_claim_extensions", ()),
            ("learning_issue_certificates", ()),
        ):
            response = client.get(reverse(name, args=args), params)
            assert response.status_code == 200, (name, response.status_code)


@FEW
@given(
    claims=st.lists(st.one_of(number_text, nasty), max_size=6),
    extra=st.dictionaries(any_text, form_value, max_size=2),
)
# Found in CI: an id too large for SQLite's INTEGER crashed the form.
@example(claims=["9" * 30], extra={})
@example(claims=["-1", "0", "1e3", "٣"], extra={})
# Found on a fresh clone (randomised): 5,000 digits made int() raise ValueError.
@example(claims=["9" * 5000], extra={})
@example(claims=[str(2**63), "-" + "9" * 5000], extra={})
def test_issuing_certificates_refuses_any_bad_selection(
    client, rollback, admin_world, claims, extra
):
    client.force_login(admin_world["staff"])
    with rollback():
        before = counts(*JOURNEY_RECORDS)
        response = client.post(reverse("learning_issue_certificates"), {**extra, "claims": claims})
        assert_not_server_error(response)
        # No claim awaits a certificate, so no selection can be valid.
        assert response.status_code == 200
        html = response.content.decode()
        assert "errorlist" in html or "Every approved completion has its certificate." in html
        assert counts(*JOURNEY_RECORDS) == before


@FEW
@given(reason=st.one_of(nasty, st.just("Issued to the wrong learner.")))
def test_revoking_with_any_reason(client, rollback, admin_world, reason):
    certificate = Certificate.objects.get()
    client.force_login(admin_world["staff"])
    with rollback():
        before = counts(*JOURNEY_RECORDS)
        response = client.post(
            reverse("learning_revoke_certificate", args=(certificate.pk,)), {"reason": reason}
        )
        assert_not_server_error(response)
        certificate.refresh_from_db()
        if response.status_code == 302:
            assert certificate.revoked_at is not None
            event = CertificateEvent.objects.filter(action="revoked").get()
            assert event.reason == reason.strip()
        else:
            assert response.status_code == 200
            assert "errorlist" in response.content.decode()
            assert counts(*JOURNEY_RECORDS) == before
            assert certificate.revoked_at is None


# Found by the admin properties and fixed in cms/: on SQLite the viewsets'
# search_fields made Wagtail's FTS5 backend filter on a column its index
# table lacks ("no such column: name"), and the staff-scoped Institution
# queryset filtered on a field the search index cannot filter on.
@pytest.mark.parametrize("q", ["2000-01-01", "name"])
@pytest.mark.parametrize("role", ["superuser", "staff"])
@pytest.mark.parametrize("snippet", ["mentor", "institution"])
def test_snippet_search_never_fails(client, admin_world, snippet, role, q):
    client.force_login(admin_world[role])
    response = client.get(reverse(f"wagtailsnippets_cms_{snippet}:list"), {"q": q})
    assert response.status_code in (200, 302), response.status_code


def test_snippet_search_finds_only_what_the_role_may_see(client, admin_world):
    """Staff search their own institutions only; a superuser searches all."""
    from cms.models import Institution

    own = admin_world["path"].institution
    other = Institution.objects.get(name="Elsewhere")
    url = reverse("wagtailsnippets_cms_institution:list")

    def edit_link(institution):
        return reverse("wagtailsnippets_cms_institution:edit", args=[institution.pk])

    client.force_login(admin_world["staff"])
    page = client.get(url, {"q": own.name.split()[0]}).content.decode()
    assert edit_link(own) in page
    assert edit_link(other) not in client.get(url, {"q": "Elsewhere"}).content.decode()
    client.force_login(admin_world["superuser"])
    assert edit_link(other) in client.get(url, {"q": "Elsewhere"}).content.decode()
