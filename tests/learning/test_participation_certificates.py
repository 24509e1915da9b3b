"""Physician and participation certificates (issue #12, item 7): a nurse states
hours and receives a Certificate of Participation (read back from its PDF), a
physician still receives the AMA PRA certificate, a learner who has not stated
a profession is asked before the claim and loses nothing, verification shows
the kind, and reissue follows the learner's current profession."""

import io
import json

import pypdf
import pytest

from learning.certificates import issuance
from learning.certificates.rendering import render_pdf
from learning.models import (
    Certificate,
    CertificateEvent,
    CertificateKind,
    CreditClaim,
    Degree,
)
from tests.factories import LearnerFactory

from .conftest import complete

pytestmark = pytest.mark.django_db


def pdf_text(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def stored_pdf_text(certificate):
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        return pdf_text(handle.read())


@pytest.fixture
def at_claim(path):
    """Enrol ``user`` and take them to the claim page (steps, test, evaluation)."""
    from learning.journey import progress, services

    from .conftest import correct_answers, evaluation_answers

    def go(user):
        services.enrol(user, path)
        for step in progress.path_steps(path):
            services.complete_step(user, path, step.guide_id)
        services.submit_attempt(user, path, correct_answers(path))
        services.submit_evaluation(user, path, evaluation_answers(path))

    return go


def test_a_nurse_claim_yields_a_certificate_of_participation(
    client, nurse, path, at_claim, django_capture_on_commit_callbacks
):
    at_claim(nurse)
    client.force_login(nurse)
    page = client.get(path.url + "claim/").content.decode()
    assert "Record your participation" in page and "Hours of participation" in page
    assert "Claim credit and complete the path" not in page
    assert "designated for a maximum of 1.5 <em>AMA PRA Category 1 Credits</em>™" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path.url + "claim/", {"credits": "1.25", "attested": "on"})
    assert response.status_code == 302
    messages = client.get(response["Location"]).content.decode()
    assert "you recorded 1.25 hours of participation" in messages

    certificate = Certificate.objects.get(user=nurse)
    assert certificate.kind == CertificateKind.PARTICIPATION
    assert certificate.credits == CreditClaim.objects.get().credits
    text = stored_pdf_text(certificate)
    assert "Certificate of Participation" in text
    assert "Nora Nightingale, RN, BSN" in text
    assert "participated in the enduring material activity Recognising sepsis" in text
    assert "designated for a maximum of 1.5 AMA PRA Category 1 Credits" in text
    assert "participated in the activity for 1.25 hours" in text
    # Never that the learner earned or claimed credit.
    for wrong in (
        "Certificate of CME Completion",
        "Credits claimed",
        "1.25 AMA PRA",
        "Credit claimed",
    ):
        assert wrong not in text, wrong
    assert "Physicians should claim" not in text


def test_participation_pdf_italicises_the_credit_name(nurse, path):
    from learning.certificates.rendering import certificate_html

    complete(nurse, path, credits="1")
    html = certificate_html(Certificate.objects.get(user=nurse))
    assert "maximum of 1.5 <em>AMA PRA Category 1 Credits</em>™" in html
    assert "for 1 hour." in html


def test_a_physician_still_gets_the_ama_pra_certificate(
    learner, path, django_capture_on_commit_callbacks
):
    assert learner.learner_profile.degree == Degree.MD
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path, credits="1.25")
    certificate = Certificate.objects.get(user=learner)
    assert certificate.kind == CertificateKind.AMA_PRA
    text = stored_pdf_text(certificate)
    assert "Certificate of CME Completion" in text
    assert "1.25 AMA PRA Category 1 Credits" in text
    assert "Physicians should claim only the credit commensurate" in text
    assert "Participation" not in text


@pytest.mark.parametrize("degree", [Degree.DO, Degree.MBBS])
def test_other_physician_degrees_get_ama_pra(path, degree):
    doctor = LearnerFactory(profile__degree=degree, profile__credentials="DO")
    complete(doctor, path)
    assert Certificate.objects.get(user=doctor).kind == CertificateKind.AMA_PRA


@pytest.mark.parametrize("degree", [Degree.NP, Degree.PA, Degree.PHARMD, Degree.OTHER])
def test_other_professions_get_participation(path, degree):
    learner = LearnerFactory(profile__degree=degree, profile__credentials="X")
    complete(learner, path)
    assert Certificate.objects.get(user=learner).kind == CertificateKind.PARTICIPATION


@pytest.mark.parametrize(
    ("credits", "attested", "message"),
    [
        ("0", "on", "State more than zero hours."),
        ("2", "on", "You can state at most 1.5 hours"),
        ("0.3", "on", "quarter hours"),
        ("abc", "on", "Enter the hours as a number"),
        ("1", "", "Tick the box to confirm the hours you state."),
    ],
)
def test_a_nurse_is_told_in_hours(client, nurse, path, at_claim, credits, attested, message):
    at_claim(nurse)
    client.force_login(nurse)
    data = {"credits": credits, **({"attested": attested} if attested else {})}
    response = client.post(path.url + "claim/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "credits" not in message
    assert not CreditClaim.objects.exists()


def test_a_learner_without_a_degree_is_asked_and_loses_nothing(
    client, learner, path, at_claim, django_capture_on_commit_callbacks
):
    profile = learner.learner_profile
    profile.degree = ""
    profile.save()
    at_claim(learner)
    client.force_login(learner)
    claim_url = path.url + "claim/"

    page = client.get(claim_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "tell us your profession and degree" in html
    assert f'href="/me/profile/?next={claim_url}">Add your profession and degree</a>' in html
    assert 'name="credits"' not in html  # nothing to fill in yet

    # A claim posted anyway (an old tab) is refused with the same words, not a 500.
    response = client.post(claim_url, {"credits": "1", "attested": "on"})
    assert response.status_code == 400
    assert "Tell us your profession and degree (your profile) first" in response.content.decode()
    assert not CreditClaim.objects.exists()

    # The profile asks for it and sends the learner back to the claim.
    form = client.get("/me/profile/").content.decode()
    assert "Profession and degree" in form and "Registered nurse (RN)" in form
    response = client.post(
        f"/me/profile/?next={claim_url}",
        {
            "full_name": "Alice Able",
            "credentials": "MD",
            "degree": "md",
            "time_zone": "Europe/London",
        },
    )
    assert response.status_code == 302 and response["Location"] == claim_url
    # Nothing was lost: steps, post-test and evaluation are still done.
    assert client.get(claim_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(claim_url, {"credits": "1.5", "attested": "on"})
    assert response.status_code == 302
    assert Certificate.objects.get(user=learner).kind == CertificateKind.AMA_PRA


def test_the_profile_refuses_an_unknown_degree(client, learner):
    client.force_login(learner)
    response = client.post(
        "/me/profile/",
        {"full_name": "Alice Able", "credentials": "MD", "degree": "wizard", "time_zone": "UTC"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    learner.learner_profile.refresh_from_db()
    assert learner.learner_profile.degree == Degree.MD


def test_verification_shows_the_kind_for_both(client, learner, nurse, path):
    complete(learner, path, credits="1.5")
    complete(nurse, path, credits="0.75")
    physician = Certificate.objects.get(user=learner)
    participant = Certificate.objects.get(user=nurse)

    html = client.get(f"/certificates/verify/{physician.verification_code}/").content.decode()
    assert "Valid" in html and "Certificate of CME Completion" in html
    assert "<dt>Physician</dt>" in html and "1.5 <em>AMA PRA Category 1 Credits</em>™" in html

    html = client.get(f"/certificates/verify/{participant.verification_code}/").content.decode()
    assert "Valid" in html and "Certificate of Participation" in html
    assert "<dt>Participant</dt>" in html and "Nora Nightingale, RN, BSN" in html
    assert "0.75 hours" in html
    assert "designated for a maximum of 1.5 <em>AMA PRA Category 1 Credits</em>™" in html
    assert "<dt>Credits</dt>" not in html


def test_reissue_keeps_the_kind_unless_the_profession_changed(nurse, path, superuser):
    complete(nurse, path, credits="1")
    original = Certificate.objects.get(user=nurse)

    renamed = issuance.reissue(original, superuser, "Corrected the name")
    assert renamed.kind == CertificateKind.PARTICIPATION

    profile = nurse.learner_profile
    profile.degree = Degree.MD  # recorded the wrong profession
    profile.save()
    assert issuance.kind_after_reissue(renamed) == CertificateKind.AMA_PRA
    corrected = issuance.reissue(renamed, superuser, "Learner is a physician")
    assert corrected.kind == CertificateKind.AMA_PRA
    assert corrected.credits == original.credits
    reason = CertificateEvent.objects.get(certificate=corrected, action="reissued").reason
    assert reason.startswith("Learner is a physician (kind changed from Certificate of")

    # A profession not stated (an older profile) keeps the certificate's kind.
    profile.degree = ""
    profile.save()
    assert issuance.reissue(corrected, superuser, "Name").kind == CertificateKind.AMA_PRA


def test_the_pdf_of_a_participation_certificate_renders_on_both_papers(nurse, path):
    complete(nurse, path, credits="1.5")
    certificate = Certificate.objects.get(user=nurse)
    for paper in ("a4", "letter"):
        reader = pypdf.PdfReader(io.BytesIO(render_pdf(certificate, paper=paper)))
        assert len(reader.pages) == 1


def test_privacy_export_includes_degree_and_kind(client, nurse, path):
    complete(nurse, path, credits="1")
    client.force_login(nurse)
    data = json.loads(client.get("/me/privacy/export.json").content)
    assert data["profile"]["degree"] == "rn"
    assert data["profile"]["degree_display"] == "Registered nurse (RN)"
    assert [c["kind"] for c in data["certificates"]] == ["participation"]


def test_the_kind_is_fixed_when_the_learner_claims(nurse, path, at_claim, superuser):
    """A nurse who stated hours and then changes her profile to MD before the
    institution approves still receives a certificate of participation for
    those hours: what she claimed decides, not her profile at approval."""
    from learning.journey import services
    from learning.models import CertificatePolicy

    path.certificate_policy = CertificatePolicy.AFTER_APPROVAL
    path.save(update_fields=["certificate_policy"])
    at_claim(nurse)
    claim, _ = services.claim_credit(nurse, path, "1.25", True)
    assert claim.kind == CertificateKind.PARTICIPATION
    assert not Certificate.objects.filter(claim=claim).exists()
    nurse.learner_profile.degree = Degree.MD
    nurse.learner_profile.save()
    certificate = issuance.approve_claim(claim, superuser)
    assert certificate.kind == CertificateKind.PARTICIPATION


def test_the_path_page_says_hours_of_participation_after_a_nurse_claims(
    client, nurse, path, at_claim
):
    from learning.journey import services

    at_claim(nurse)
    services.claim_credit(nurse, path, "1.25", True)
    client.force_login(nurse)
    page = client.get(path.url).content.decode()
    assert "recorded 1.25 hours of participation" in page
    assert "claimed 1.25 credits" not in page
