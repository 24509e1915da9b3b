"""Staff issue, revoke and reissue certificates of their own institution only;
bulk issuance is idempotent and survives a failing render."""

from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.urls import reverse

import pytest

from learning.models import Certificate, CertificateEvent, ClaimStatus, CreditClaim, PdfStatus
from tests.factories import InstitutionFactory, LearningPathPageFactory, UserFactory

from .conftest import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(learner, other_learner, django_capture_on_commit_callbacks):
    inst_a, inst_b = (
        InstitutionFactory(name="Institution A"),
        InstitutionFactory(name="Institution B"),
    )
    path_a = LearningPathPageFactory(
        title="Path A", slug="path-a", institution=inst_a, certificate_policy="after_approval"
    )
    path_b = LearningPathPageFactory(title="Path B", slug="path-b", institution=inst_b)
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path_a)
        complete(other_learner, path_b)
    staff_a = UserFactory(username="staff-a", groups=["Institution staff"])
    staff_b = UserFactory(username="staff-b", groups=["Institution staff"])
    inst_a.staff.add(staff_a)
    inst_b.staff.add(staff_b)
    return {"staff_a": staff_a, "staff_b": staff_b, "path_a": path_a, "path_b": path_b}


def test_awaiting_claims_get_certificates_only_when_staff_issue_them(client, setup, learner):
    claim = CreditClaim.objects.get(enrolment__user=learner)
    assert claim.status == ClaimStatus.AWAITING_APPROVAL
    assert not Certificate.objects.filter(claim=claim).exists()

    client.force_login(setup["staff_b"])  # another institution: does not even see it
    page = client.get(reverse("learning_issue_certificates"))
    assert f'value="{claim.pk}"' not in page.content.decode()
    client.post(reverse("learning_issue_certificates"), {"claims": [claim.pk]})
    assert not Certificate.objects.filter(claim=claim).exists()

    client.force_login(setup["staff_a"])
    page = client.get(reverse("learning_issue_certificates")).content.decode()
    assert f'value="{claim.pk}"' in page
    # Staff check the name the certificate will print, not the username.
    assert "Alice Able" in page and "doctor-a" not in page
    response = client.post(reverse("learning_issue_certificates"), {"claims": [claim.pk]})
    assert response.status_code == 302
    certificate = Certificate.objects.get(claim=claim)
    assert certificate.pdf_status == PdfStatus.READY
    # The audit log records the issue and the generated PDF.
    actions = list(certificate.events.values_list("action", flat=True))
    assert CertificateEvent.Action.ISSUED in actions
    assert actions[-1] == CertificateEvent.Action.PDF_READY and actions.count("pdf_ready") == 1
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.approved_by == setup["staff_a"]
    # Posting the same selection again issues nothing twice.
    client.post(reverse("learning_issue_certificates"), {"claims": [claim.pk]})
    assert Certificate.objects.filter(claim=claim).count() == 1


def test_staff_revoke_and_reissue_only_their_institutions_certificates(
    client, setup, other_learner
):
    certificate = Certificate.objects.get(user=other_learner)  # institution B
    revoke = reverse("learning_revoke_certificate", args=(certificate.pk,))
    client.force_login(setup["staff_a"])
    assert client.get(revoke).status_code == 404
    assert client.post(revoke, {"reason": "Not mine"}).status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == "valid"

    client.force_login(setup["staff_b"])
    response = client.post(revoke, {"reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert client.post(revoke, {"reason": "Participation not confirmed"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    event = CertificateEvent.objects.get(certificate=certificate, action="revoked")
    assert event.actor == setup["staff_b"] and event.reason == "Participation not confirmed"
    audit = client.get(reverse("certificateevent:index")).content.decode()
    assert "Participation not confirmed" in audit


@pytest.mark.parametrize("role", ["doctor", "mentor", "reviewer"])
def test_other_roles_cannot_issue_or_revoke(
    client, setup, other_learner, role, mentor_a, reviewer, doctor
):
    user = {"doctor": doctor, "mentor": mentor_a.user, "reviewer": reviewer}[role]
    certificate = Certificate.objects.get(user=other_learner)
    client.force_login(user)
    for url in (
        reverse("learning_issue_certificates"),
        reverse("learning_revoke_certificate", args=(certificate.pk,)),
        reverse("learning_reissue_certificate", args=(certificate.pk,)),
    ):
        assert client.post(url, {"reason": "x", "claims": []}).status_code in (302, 403, 404)
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_command_is_idempotent_and_survives_a_failing_render(setup, learner):
    path = setup["path_a"]
    claim = CreditClaim.objects.get(enrolment__user=learner)
    claim.status = ClaimStatus.APPROVED
    claim.save()
    out = StringIO()
    with mock.patch("learning.certificates.issuance.render_pdf", side_effect=OSError("disk full")):
        call_command("issue_certificates", "--path", path.slug, stdout=out)
    certificate = Certificate.objects.get(claim=claim)
    assert certificate.pdf_status == PdfStatus.FAILED
    assert "1 certificate(s) queued" in out.getvalue()

    out = StringIO()
    call_command("issue_certificates", "--path", path.slug, stdout=out)
    assert "0 certificate(s) queued for issue, 1 PDF(s) queued for another try" in out.getvalue()
    certificate.refresh_from_db()
    assert certificate.pdf_status == PdfStatus.READY
    call_command("issue_certificates", "--path", path.slug, stdout=StringIO())
    assert Certificate.objects.filter(claim=claim).count() == 1


def test_certificate_listing_is_scoped_and_offers_actions(client, setup, learner, other_learner):
    from learning.certificates.issuance import approve_claim

    theirs = approve_claim(CreditClaim.objects.get(enrolment__user=learner), setup["staff_a"])
    client.force_login(setup["staff_b"])
    html = client.get(reverse("certificate:index")).content.decode()
    mine = Certificate.objects.get(user=other_learner)
    assert mine.number in html and "Revoke" in html
    assert theirs.number not in html and "Alice Able" not in html
    assert client.get(reverse("certificate:inspect", args=(mine.pk,))).status_code == 200
    assert client.get(reverse("certificate:inspect", args=(theirs.pk,))).status_code == 404
