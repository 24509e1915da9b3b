"""A reissue never takes credit away from PARS or a board: the old
certificate's delete goes only with the add of the certificate that replaces
it, and waits, shown on the batch pages with why, while the replacement
cannot be added. A revocation still deletes. Credit problems link to a fix
that can fix them (a reissue keeps the credits)."""

from decimal import Decimal

from django.urls import reverse

import pytest

from learning.boards import ConsentScope
from learning.certificates import issuance
from learning.models import (
    BoardCertification,
    Certificate,
    CreditClaim,
    Degree,
    LearnerProfile,
    PathMocRegistration,
    ReportedCompletion,
)
from learning.reporting.batches import BatchRefused, create_batch, preview
from learning.reporting.consent import set_consent

from .report_fixtures import add_moc, certify, learner, reporting_institution, reporting_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    institution, staff = reporting_institution()
    return institution, staff, reporting_path(institution)


def actions(batch):
    return [(row.action, row.certificate_id) for row in batch.rows.order_by("pk")]


def page(client, staff, institution, body="CME"):
    client.force_login(staff)
    url = f"{reverse('learning_report_new_batch')}?institution={institution.pk}&body={body}"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def held_section(html):
    return html.split("Deletes held back", 1)[1].split("<h2>Problems", 1)[0]


def assert_reported_once():
    for certificate_id, action in ReportedCompletion.objects.values_list("certificate", "action"):
        rows = ReportedCompletion.objects.filter(certificate=certificate_id, action=action)
        assert rows.count() == 1, (certificate_id, action)


def test_reissue_after_consent_withdrawn_keeps_what_was_reported(office, client):
    institution, staff, path = office
    user = learner("doctor-a")
    old = certify(user, path)
    create_batch(institution, "CME", staff)
    set_consent(user.learner_profile, ConsentScope.PARS, given=False)
    new = issuance.reissue(old, staff, "Name corrected")

    assert preview(institution, "CME").rows == []
    with pytest.raises(BatchRefused, match="Deletes held back"):
        create_batch(institution, "CME", staff)
    held = held_section(page(client, staff, institution))
    assert old.number in held and new.number in held
    assert "withdrawn their consent to reporting to PARS" in held

    # Consent given again: the correction goes, delete and add together, once.
    set_consent(user.learner_profile, ConsentScope.PARS, given=True)
    batch = create_batch(institution, "CME", staff)
    assert actions(batch) == [("delete", old.pk), ("add", new.pk)]
    with pytest.raises(BatchRefused, match="Nothing to report"):
        create_batch(institution, "CME", staff)
    assert_reported_once()


def test_replacement_with_a_problem_holds_the_delete_until_fixed(office, client):
    institution, staff, path = office
    user = learner("doctor-a")
    old = certify(user, path)
    create_batch(institution, "CME", staff)
    LearnerProfile.objects.filter(user=user).update(birth_month=None, birth_day=None)
    new = issuance.reissue(old, staff, "Name corrected")
    other = certify(learner("doctor-b", "Sam", "Ortiz"), path)

    held = held_section(page(client, staff, institution))
    assert new.number in held and "Birth month and day missing" in held
    batch = create_batch(institution, "CME", staff)
    assert actions(batch) == [("add", other.pk)]

    LearnerProfile.objects.filter(user=user).update(birth_month=4, birth_day=9)
    batch = create_batch(institution, "CME", staff)
    assert actions(batch) == [("delete", old.pk), ("add", new.pk)]
    with pytest.raises(BatchRefused, match="Nothing to report"):
        create_batch(institution, "CME", staff)
    assert_reported_once()


def test_several_reissues_between_batches_send_the_newest(office):
    institution, staff, path = office
    user = learner("doctor-a")
    first = certify(user, path)
    create_batch(institution, "CME", staff)
    LearnerProfile.objects.filter(user=user).update(birth_month=None, birth_day=None)
    second = issuance.reissue(first, staff, "Name corrected")
    third = issuance.reissue(second, staff, "Name corrected again")
    assert preview(institution, "CME").rows == []

    LearnerProfile.objects.filter(user=user).update(birth_month=4, birth_day=9)
    batch = create_batch(institution, "CME", staff)
    assert actions(batch) == [("delete", first.pk), ("add", third.pk)]
    assert_reported_once()


def test_a_revocation_still_deletes(office):
    institution, staff, path = office
    user = learner("doctor-a")
    old = certify(user, path)
    create_batch(institution, "CME", staff)
    set_consent(user.learner_profile, ConsentScope.PARS, given=False)
    new = issuance.reissue(old, staff, "Name corrected")
    assert preview(institution, "CME").rows == []
    issuance.revoke(new, staff, "Claimed in error")
    batch = create_batch(institution, "CME", staff)
    assert actions(batch) == [("delete", old.pk)]


def test_reissue_as_participation_withdraws_the_credit(office):
    """A reissue that corrects the profession makes a certificate of
    participation: no AMA PRA credit is left to report, so the delete goes."""
    institution, staff, path = office
    user = learner("doctor-a")
    old = certify(user, path)
    create_batch(institution, "CME", staff)
    LearnerProfile.objects.filter(user=user).update(birth_month=None, birth_day=None)
    new = issuance.reissue(old, staff, "Name corrected")
    assert preview(institution, "CME").rows == []
    LearnerProfile.objects.filter(user=user).update(degree=Degree.RN)
    issuance.reissue(new, staff, "Profession corrected")
    batch = create_batch(institution, "CME", staff)
    assert actions(batch) == [("delete", old.pk)]


def test_board_entry_removed_keeps_moc_already_reported(office, client):
    institution, staff, path = office
    user = learner("doctor-a")
    PathMocRegistration.objects.create(
        page=path, board="ABIM", credit_type="ABIM:MK", points=Decimal("1.5")
    )
    old = certify(user, path)
    CreditClaim.objects.filter(pk=old.claim_id).update(moc_boards=["ABIM"])
    add_moc(old)
    create_batch(institution, "ABIM", staff)
    BoardCertification.objects.filter(profile__user=user).delete()
    new = issuance.reissue(old, staff, "Name corrected")

    assert preview(institution, "ABIM").rows == []
    held = held_section(page(client, staff, institution, "ABIM"))
    assert new.number in held and "carries no ABIM MOC points" in held

    # The learner adds their ABIM ID again and the office reissues.
    BoardCertification.objects.create(profile=user.learner_profile, board="ABIM", board_id="123456")
    newest = issuance.reissue(new, staff, "ABIM ID added")
    batch = create_batch(institution, "ABIM", staff)
    assert actions(batch) == [("delete", old.pk), ("add", newest.pk)]
    assert_reported_once()


def test_credits_above_a_lowered_maximum_link_to_the_path_editor(office, client):
    institution, staff, path = office
    certificate = certify(learner("doctor-a"), path, "1.5")
    path.max_credits = Decimal("1.0")
    path.save()
    [problem] = preview(institution, "CME").problems
    edit = reverse("wagtailadmin_pages:edit", args=[path.pk])
    assert (problem.fix_url, problem.fix_label) == (edit, "Edit the path")
    assert "it was 1.50 when the learner claimed" in problem.message
    assert "A reissue keeps the credits" in problem.message
    html = page(client, staff, institution)
    assert f'<a href="{edit}">Edit the path</a>' in html
    reissue = reverse("learning_reissue_certificate", args=[certificate.pk])
    assert reissue not in html


def test_credits_not_in_quarters_link_to_revoking_not_reissuing(office):
    institution, staff, path = office
    certificate = certify(learner("doctor-a"), path, "1.5")
    Certificate.objects.filter(pk=certificate.pk).update(credits=Decimal("1.3"))
    problems = [(p.fix_url, p.fix_label) for p in preview(institution, "CME").problems]
    revoke = reverse("learning_revoke_certificate", args=[certificate.pk])
    assert problems == [(revoke, "Revoke the certificate")]
