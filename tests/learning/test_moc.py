"""MOC: a path registered with a certifying board offers physicians, when they
claim, to report the completion to that board; the certificate, transcript and
verification page then state the MOC points in the board's wording. The path
editor refuses registrations a board would not accept."""

import csv
import decimal
import html
import io

from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pypdf
import pytest

from learning.certificates import issuance
from learning.certificates.moc import statement
from learning.certificates.rendering import render_pdf
from learning.journey import services
from learning.models import (
    BoardCertification,
    Certificate,
    CertificateMoc,
    CreditClaim,
    PathMocRegistration,
)
from learning.reporting.consent import has_consent, set_consent

from .path_forms import editor_post
from .test_credit_paused import up_to_the_claim

pytestmark = pytest.mark.django_db

ABIM_BOX = (
    "Report this completion to the American Board of Internal Medicine (ABIM) for MOC "
    "(1.5 Medical Knowledge points)"
)
ABIM_WORDS = "MOC points in the American Board of Internal Medicine's (ABIM) Maintenance of"


def text_of(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def registered(path):
    PathMocRegistration.objects.create(
        page=path, board="ABIM", credit_type="ABIM:MK", points=decimal.Decimal("1.5")
    )
    return path


def give_board_id(user, board="ABIM", board_id="123456"):
    BoardCertification.objects.update_or_create(
        profile=user.learner_profile, board=board, defaults={"board_id": board_id}
    )


def claim(client, user, path, **extra):
    client.force_login(user)
    return client.post(path.url + "claim/", {"credits": "1.25", "attested": "on", **extra})


# --- The claim page --------------------------------------------------------------


def test_physician_sees_one_box_per_registered_board(client, learner, registered):
    give_board_id(learner)
    up_to_the_claim(learner, registered)
    client.force_login(learner)
    page = client.get(registered.url + "claim/").content.decode()
    assert ABIM_BOX in page
    assert 'name="moc_boards" value="ABIM" id="moc-ABIM">' in page  # not ticked, not disabled


def test_without_a_board_id_the_box_is_disabled_with_a_link(client, learner, registered):
    up_to_the_claim(learner, registered)
    client.force_login(learner)
    page = client.get(registered.url + "claim/").content.decode()
    assert 'value="ABIM" id="moc-ABIM" disabled>' in page
    assert 'href="/me/profile/reporting/"' in page


def test_standing_consent_preticks_when_the_path_does_not_ask_each_time(
    client, learner, registered
):
    give_board_id(learner)
    set_consent(learner.learner_profile, "board", "ABIM", given=True)
    up_to_the_claim(learner, registered)
    client.force_login(learner)
    url = registered.url + "claim/"
    assert 'id="moc-ABIM" checked>' not in client.get(url).content.decode()
    page = type(registered).objects.get(pk=registered.pk)
    page.moc_consent_required = False
    page.save_revision().publish()
    assert 'id="moc-ABIM" checked>' in client.get(url).content.decode()


def test_non_physicians_see_no_moc_choice(client, nurse, registered):
    up_to_the_claim(nurse, registered)
    client.force_login(nurse)
    assert "for MOC" not in client.get(registered.url + "claim/").content.decode()
    response = client.post(
        registered.url + "claim/", {"credits": "1", "attested": "on", "moc_boards": "ABIM"}
    )
    assert response.status_code == 400
    assert not CreditClaim.objects.exists()


def test_forged_boards_are_refused(client, learner, registered):
    up_to_the_claim(learner, registered)
    give_board_id(learner, "ABP", "654321")
    # Not registered on this path.
    response = claim(client, learner, registered, moc_boards="ABP")
    assert response.status_code == 400
    assert "not registered for MOC with that board" in response.content.decode()
    # Registered, but the learner has no ABIM ID.
    response = claim(client, learner, registered, moc_boards="ABIM")
    assert response.status_code == 400
    assert "Add your ABIM ID" in response.content.decode()
    assert not CreditClaim.objects.exists()
    assert not has_consent(learner.learner_profile, "board", "ABIM")


# --- Certificates, transcript, verification ----------------------------------------


@pytest.fixture
def moc_certificate(client, learner, registered, django_capture_on_commit_callbacks):
    give_board_id(learner)
    up_to_the_claim(learner, registered)
    with django_capture_on_commit_callbacks(execute=True):
        assert claim(client, learner, registered, moc_boards="ABIM").status_code == 302
    return Certificate.objects.get(user=learner)


def test_ticking_records_the_choice_and_the_consent(moc_certificate, learner):
    assert CreditClaim.objects.get().moc_boards == ["ABIM"]
    assert has_consent(learner.learner_profile, "board", "ABIM")
    moc = CertificateMoc.objects.get(certificate=moc_certificate)
    # min(credits claimed 1.25, points registered 1.5)
    assert (moc.board, moc.credit_type, moc.points, moc.board_id) == (
        "ABIM",
        "ABIM:MK",
        decimal.Decimal("1.25"),
        "123456",
    )


def test_certificate_pdf_states_the_moc_points_in_abims_words(moc_certificate):
    text = text_of(moc_certificate.pdf.read())
    assert "enables the participant to earn up to 1.25 Medical Knowledge " + ABIM_WORDS in text
    assert "MOC points earned: 1.25 Medical Knowledge (ABIM ID 123456)" in text
    assert len(pypdf.PdfReader(io.BytesIO(render_pdf(moc_certificate))).pages) == 1


def test_transcript_and_verification_state_the_moc_points(client, moc_certificate, learner):
    client.force_login(learner)
    page = client.get(reverse("learner_transcript")).content.decode()
    assert "MOC: 1.25 ABIM Medical Knowledge points" in page
    rows = list(csv.DictReader(io.StringIO(client.get("/me/transcript/transcript.csv").text)))
    assert rows[0]["moc_points"] == "1.25 ABIM Medical Knowledge MOC points (ABIM ID 123456)"
    pdf = client.get("/me/transcript/transcript.pdf").content
    assert "MOC: 1.25 ABIM Medical Knowledge points" in text_of(pdf)

    client.logout()
    url = f"/certificates/verify/{moc_certificate.verification_code}/"
    verify = html.unescape(client.get(url).content.decode())
    assert "1.25 Medical Knowledge MOC points" in verify
    assert ABIM_WORDS in verify
    assert "123456" not in verify  # the board ID is not published


def test_no_moc_when_the_learner_did_not_tick(
    client, learner, registered, django_capture_on_commit_callbacks
):
    give_board_id(learner)
    up_to_the_claim(learner, registered)
    with django_capture_on_commit_callbacks(execute=True):
        assert claim(client, learner, registered).status_code == 302
    certificate = Certificate.objects.get(user=learner)
    assert not CertificateMoc.objects.exists()
    assert CreditClaim.objects.get().moc_boards == []
    assert "MOC" not in text_of(certificate.pdf.read())
    assert not has_consent(learner.learner_profile, "board", "ABIM")


def test_reissue_takes_the_board_id_from_the_current_profile(moc_certificate, learner, superuser):
    give_board_id(learner, board_id="999999")
    new = issuance.reissue(moc_certificate, superuser, "Corrected ABIM ID.")
    assert new.moc.get().board_id == "999999"
    assert moc_certificate.moc.get().board_id == "123456"  # the old snapshot stays


def test_other_boards_get_a_generic_statement_naming_board_and_programme():
    words = statement("ABS", "ABS:CME", decimal.Decimal("2"))
    assert words == (
        "Successful completion of this CME activity enables the learner to earn 2 Accredited "
        "CME points in the American Board of Surgery's Continuous Certification program. The "
        "provider submits completion information to ACCME for the purpose of granting this "
        "credit."
    )
    assert "American Board of Pediatrics' (ABP)" in statement("ABP", "ABP:LLSA", 1)


# --- The path editor ----------------------------------------------------------------


def moc_rows(*rows):
    return nested_form_data({"moc": inline_formset(list(rows))})


def save(client, path, *rows, **changes):
    data = editor_post(path, **changes)
    data.update(moc_rows(*rows))
    return client.post(reverse("wagtailadmin_pages:edit", args=(path.pk,)), data)


@pytest.mark.parametrize(
    ("row", "changes", "message"),
    [
        (
            {"board": "ABIM", "credit_type": "ABP:LLSA", "points": "1"},
            {},
            "This is not one of ABIM&#x27;s credit types: choose Medical Knowledge, Practice "
            "Assessment, Patient Safety.",
        ),
        (
            {"board": "ABIM", "credit_type": "ABIM:MK", "points": "2"},
            {},
            "At most the path&#x27;s maximum credits (1.5): learners earn MOC points for the "
            "credits they claim.",
        ),
        (
            {"board": "ABIM", "credit_type": "ABIM:MK", "points": "0.3"},
            {},
            "MOC points are given in quarters (0.25, 0.5, 0.75...).",
        ),
        (
            {"board": "ABIM", "credit_type": "ABIM:MK", "points": "1"},
            {"max_credits": "0"},
            "MOC points come with the path&#x27;s credit: set the maximum credits, or remove "
            "this registration.",
        ),
    ],
)
def test_editor_refuses_registrations_a_board_would_not_accept(
    client, superuser, path, row, changes, message
):
    client.force_login(superuser)
    response = save(client, path, row, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PathMocRegistration.objects.exists()


def test_editor_saves_a_valid_registration(client, superuser, path):
    client.force_login(superuser)
    response = save(client, path, {"board": "ABIM", "credit_type": "ABIM:MK", "points": "1.5"})
    assert response.status_code == 302
    path.refresh_from_db()
    revision = path.get_latest_revision_as_object()
    assert [(r.board, r.credit_type, r.points) for r in revision.moc.all()] == [
        ("ABIM", "ABIM:MK", decimal.Decimal("1.5"))
    ]


def test_services_claim_with_moc(learner, registered, django_capture_on_commit_callbacks):
    give_board_id(learner)
    up_to_the_claim(learner, registered)
    with django_capture_on_commit_callbacks(execute=True):
        claim_, _ = services.claim_credit(learner, registered, "1", True, moc_boards=["ABIM"])
    assert claim_.certificates.get().moc.get().points == decimal.Decimal("1")
