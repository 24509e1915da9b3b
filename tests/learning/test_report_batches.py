"""Report batches: only what changed since the last batch to the same body,
numbered per institution and body, never a learner without consent, and
the staff of one institution never see another's batches."""

import pytest

from learning.certificates import issuance
from learning.models import ReportAction, ReportBatch, ReportingConsent
from learning.reporting.batches import BatchRefused, create_batch, preview
from learning.reporting.eligibility import candidates

from .report_fixtures import add_moc, certify, learner, reporting_institution, reporting_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    institution, staff = reporting_institution()
    path = reporting_path(institution)
    return institution, staff, path


def actions(batch):
    return [(row.action, row.certificate_id) for row in batch.rows.order_by("pk")]


def test_first_batch_adds_then_nothing_changed(office):
    institution, staff, path = office
    one = certify(learner("doctor-a"), path)
    two = certify(learner("doctor-b", "Sam", "Ortiz"), path, "1.5")
    batch = create_batch(institution, "CME", staff)
    assert (batch.number, batch.provider_id, batch.created_by) == (1, "0012345", staff)
    assert actions(batch) == [("add", one.pk), ("add", two.pk)]
    with pytest.raises(BatchRefused, match="Nothing to report"):
        create_batch(institution, "CME", staff)
    assert ReportBatch.objects.count() == 1


def test_revocation_gives_one_delete_row_with_the_values_reported(office):
    institution, staff, path = office
    certificate = certify(learner("doctor-a"), path)
    first = create_batch(institution, "CME", staff)
    issuance.revoke(certificate, staff, "Claimed twice")
    second = create_batch(institution, "CME", staff)
    assert second.number == 2
    assert actions(second) == [("delete", certificate.pk)]
    assert second.rows.get().data == first.rows.get().data


def test_reissue_gives_delete_old_and_add_new(office):
    institution, staff, path = office
    old = certify(learner("doctor-a"), path)
    create_batch(institution, "CME", staff)
    new = issuance.reissue(old, staff, "Name corrected")
    batch = create_batch(institution, "CME", staff)
    assert actions(batch) == [("delete", old.pk), ("add", new.pk)]


def test_numbers_are_per_institution_and_body(office):
    institution, staff, path = office
    certificate = certify(learner("doctor-a"), path)
    add_moc(certificate)
    other, other_staff = reporting_institution("Birchfield CME Office", "birchfield", "0054321")
    certify(learner("doctor-b", "Sam", "Ortiz"), reporting_path(other, "Gout", "gout", "202599999"))
    assert create_batch(institution, "CME", staff).number == 1
    assert create_batch(institution, "ABIM", staff).number == 1
    assert create_batch(other, "CME", other_staff).number == 1


def test_learner_without_consent_is_never_reported(office):
    institution, staff, path = office
    certify(learner("doctor-a"), path)
    shy = certify(learner("doctor-s", "Shy", "Sato", consents=()), path)
    plan = preview(institution, "CME")
    assert [c.certificate.pk for c in plan.left_out] == [shy.pk]
    batch = create_batch(institution, "CME", staff)
    assert shy.pk not in {row.certificate_id for row in batch.rows.all()}


def test_consent_withdrawn_later_deletes_nothing(office):
    institution, staff, path = office
    user = learner("doctor-a")
    certify(user, path)
    create_batch(institution, "CME", staff)
    ReportingConsent.objects.filter(profile__user=user).delete()
    plan = preview(institution, "CME")
    assert plan.rows == [] and plan.left_out == []


def test_board_batch_reports_moc_with_board_consent_only(office):
    institution, staff, path = office
    with_moc = certify(learner("doctor-a"), path)
    add_moc(with_moc)
    no_board_consent = certify(learner("doctor-b", "Sam", "Ortiz", consents=("pars",)), path)
    add_moc(no_board_consent)
    certify(learner("doctor-c", "Ann", "Lee"), path)  # no MOC: not in the ABIM batch
    batch = create_batch(institution, "ABIM", staff)
    assert actions(batch) == [("add", with_moc.pk)]
    row = batch.rows.get()
    assert (row.data["board"], row.data["board_id"], row.data["board_credits"]) == (
        "ABIM",
        "123456",
        "1.25",
    )
    assert row.data["credit_types"] == [
        {"code": "ABIM:MK", "label": "Medical Knowledge", "points": "1.25"}
    ]
    assert [c.certificate.pk for c in preview(institution, "ABIM").left_out] == [
        no_board_consent.pk
    ]


def test_rows_with_problems_stay_out_and_the_good_rows_go(office):
    institution, staff, path = office
    good = certify(learner("doctor-a"), path)
    bad = certify(learner("doctor-b", "", "Ortiz"), path)
    plan = preview(institution, "CME")
    assert [c.certificate.pk for c in plan.excluded] == [bad.pk]
    batch = create_batch(institution, "CME", staff)
    assert actions(batch) == [("add", good.pk)]
    # Fixed later: the next batch reports it.
    bad.user.learner_profile.first_name = "Sam"
    bad.user.learner_profile.save()
    assert actions(create_batch(institution, "CME", staff)) == [("add", bad.pk)]


def test_refused_when_only_problems(office):
    institution, staff, path = office
    certify(learner("doctor-a", birth=None), path)
    with pytest.raises(BatchRefused, match="Nothing can be reported yet"):
        create_batch(institution, "CME", staff)
    institution.accme_provider_id = ""
    institution.save()
    with pytest.raises(BatchRefused, match="no ACCME provider ID"):
        create_batch(institution, "CME", staff)
    assert not ReportBatch.objects.exists()


def test_identifiers_npi_and_consented_licences(office):
    institution, staff, path = office
    user = learner(
        "doctor-a",
        licences=(("NY", "NY-998"), ("CA", "A123456"), ("TX", "T55")),
        consents=("pars", "state:NY", "state:TX"),
    )
    certify(user, path)
    (candidate,) = candidates(institution, "CME")
    assert candidate.values["identifiers"] == [
        {"domain": "NPI", "value": "1234567893"},
        {"domain": "NY", "value": "NY-998"},
        {"domain": "TX", "value": "T55"},
    ]
    assert (candidate.values["licensing_state"], candidate.values["licensing_id"]) == (
        "New York",
        "NY-998",
    )


def test_candidates_take_a_constant_number_of_queries(office, django_assert_num_queries):
    institution, staff, path = office
    certificate = certify(learner("doctor-a"), path)
    add_moc(certificate)
    for body in ("CME", "ABIM"):
        with django_assert_num_queries(6):
            assert len(candidates(institution, body)) == 1
    for n in range(4):
        user = learner(f"doctor-{n}", licences=(("CA", f"A{n}"), ("NV", f"N{n}")))
        add_moc(certify(user, path))
    create_batch(institution, "CME", staff)
    for body in ("CME", "ABIM"):
        with django_assert_num_queries(6):
            assert len(candidates(institution, body)) == 5
    assert ReportAction.ADD == "add"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_batches_report_each_completion_once():
    """Two staff members (four threads) making the batch at once: one batch,
    the others are told there is nothing to report."""
    import threading

    from django.db import connection

    institution, staff = reporting_institution()
    path = reporting_path(institution)
    certify(learner("doctor-a"), path)
    barrier = threading.Barrier(4)
    made, refused, errors = [], [], []

    def run():
        try:
            barrier.wait(timeout=10)
            made.append(create_batch(institution, "CME", staff))
        except BatchRefused as refusal:
            refused.append(refusal)
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == [] and len(made) == 1 and len(refused) == 3
    assert ReportBatch.objects.get().rows.count() == 1
