"""Review fixes: staff need a second factor to download a learner's
certificate; a revoked or replaced certificate's PDF is never drawn for the
learner; verification by number needs the family name; an external
certificate image with too many pixels is refused without being decoded, and
its download never decodes it; licence cycles from 29 February do not drift."""

import datetime
import struct
import zlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from PIL import Image, ImageFile

from learning.certificates import issuance
from learning.certificates.cycles import cycle_bounds
from learning.models import Certificate, ExternalCredit, LicenceCycle, PdfStatus
from tests.factories import UserFactory

from .conftest import complete

pytestmark = pytest.mark.django_db


def pdf_url(certificate):
    return reverse("certificate_pdf", args=[certificate.pk])


def is_pdf(response):
    return response.status_code == 200 and response["Content-Type"] == "application/pdf"


# --- C1: staff need a second factor -------------------------------------------


def issuing_staff(certificate, totp=True):
    kwargs = {} if totp else {"totp": False}
    staff = UserFactory(username=f"issuer-{totp}", staff=True, **kwargs)
    certificate.institution.staff.add(staff)
    return staff


def test_staff_need_a_second_factor_the_learner_does_not(client, certificate, learner):
    client.force_login(issuing_staff(certificate, totp=False))
    response = client.get(pdf_url(certificate))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("learner_dashboard")).content.decode()
    assert "must use two-factor authentication" in page
    client.force_login(issuing_staff(certificate))
    assert is_pdf(client.get(pdf_url(certificate)))
    client.force_login(learner)
    assert is_pdf(client.get(pdf_url(certificate)))


def test_a_superuser_without_a_second_factor_is_sent_to_set_one_up(client, certificate):
    client.force_login(UserFactory(username="root", superuser=True, totp=False))
    response = client.get(pdf_url(certificate))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


# --- C6: revoked or replaced certificates -------------------------------------


def test_a_revoked_certificate_is_for_the_issuers_records_only(client, learner, certificate):
    issuance.revoke(certificate, None, "awarded in error")
    client.force_login(learner)
    response = client.get(pdf_url(certificate))
    assert response.status_code == 410
    assert "This certificate was revoked" in response.content.decode()
    client.force_login(issuing_staff(certificate))  # the PDF stored while it was valid
    assert is_pdf(client.get(pdf_url(certificate)))


def test_a_revoked_certificate_without_a_pdf_is_never_drawn(client, learner, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_status=PdfStatus.PENDING)
    issuance.revoke(certificate, None, "awarded in error")
    client.force_login(learner)
    response = client.get(pdf_url(certificate))
    assert response.status_code == 410
    assert "This certificate was revoked" in response.content.decode()
    client.force_login(issuing_staff(certificate))  # nothing stored: the same page
    assert client.get(pdf_url(certificate)).status_code == 410
    assert not Certificate.objects.get(pk=certificate.pk).pdf


def test_the_learner_is_sent_to_the_replacement(
    client, learner, certificate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = issuance.reissue(certificate, None, "name corrected")
    client.force_login(learner)
    response = client.get(pdf_url(certificate))
    assert response.status_code == 410
    page = response.content.decode()
    assert "This certificate was replaced" in page
    assert f'href="{pdf_url(new)}"' in page
    assert reverse("certificate_verify_code", args=[new.verification_code]) in page


# --- C3: verification by number and family name -------------------------------


def verify(client, certificate, last_name):
    return client.get(
        "/certificates/verify/", {"code": certificate.number, "last_name": last_name}
    ).status_code


@pytest.mark.parametrize(
    ("printed", "accepted", "refused"),
    [
        ("Maya R. Chen", ["chen", "Chén", "R. Chen", "Maya Chen"], ["r", "maya", ".", "R."]),
        ("Jane Smith-Jones", ["Smith-Jones", "smith jones", "jones"], ["jane", "smith"]),
        ("Ana García Márquez", ["Márquez", "garcia marquez", "García-Márquez"], ["ana", "garcía"]),
        ("John Smith Jr.", ["smith", "Smith Jr."], ["john", "jr"]),
        # A one-character family name in another script is a whole name.
        ("小明 王", ["王"], ["小明", "x"]),
    ],
)
def test_the_number_opens_only_with_the_family_name(
    client, certificate, printed, accepted, refused
):
    """Certificates issued before the family name was kept: the printed
    name's last word."""
    Certificate.objects.filter(pk=certificate.pk).update(
        learner_name=printed, learner_family_name=""
    )
    assert [verify(client, certificate, name) for name in accepted] == [302] * len(accepted)
    assert [verify(client, certificate, name) for name in refused] == [404] * len(refused)


def test_the_family_name_kept_at_issue_is_asked_for_in_any_name_order(
    client, learner, path, django_capture_on_commit_callbacks
):
    """A learner whose printed name puts the family name first ("Chen Wei")
    is verified with it, never with the given name."""
    profile = learner.learner_profile
    profile.full_name, profile.first_name, profile.last_name = "Chen Wei", "Wei", "Chen"
    profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    certificate = Certificate.objects.get(user=learner)
    assert (certificate.learner_name, certificate.learner_family_name) == ("Chen Wei", "Chen")

    assert verify(client, certificate, "chen") == 302
    assert [verify(client, certificate, name) for name in ("wei", "c", "chen wei")] == [404] * 3


# --- C4: images with too many pixels --------------------------------------------


def png(width, height):
    """A 1-bit PNG of ``width`` x ``height`` pixels, small and built without
    Pillow (the reviewer's helper)."""

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.fixture
def no_decoding(monkeypatch):
    """Decoding any image fails the test's expectations (it would be caught
    as a damaged file): the checks must read headers only."""

    def refuse(self, *args, **kwargs):
        raise RuntimeError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(Image.Image, "load", refuse)


def test_an_image_with_too_many_pixels_is_refused_with_its_size(client, learner, no_decoding):
    client.force_login(learner)
    upload = SimpleUploadedFile("scan.png", png(12000, 12000), content_type="image/png")
    response = client.post(
        "/me/transcript/external/add/",
        {
            "provider": "Lakeside Medical Society",
            "activity": "Airway update",
            "completed_on": "2026-02-10",
            "credit_type": "ama_1",
            "amount": "2.5",
            "certificate": upload,
        },
    )
    assert response.status_code == 400
    assert "This image is 12000 x 12000 pixels: at most 40 million pixels" in (
        response.content.decode()
    )
    assert not ExternalCredit.objects.exists()


def test_the_download_reads_only_the_header(client, learner, no_decoding):
    name = default_storage.save("external-credit/scan.png", ContentFile(png(40, 30)))
    credit = ExternalCredit.objects.create(
        user=learner,
        provider="Elsewhere CME",
        activity="Airway update",
        completed_on=datetime.date(2026, 2, 10),
        credit_type="ama_1",
        amount="1.5",
        certificate=name,
    )
    client.force_login(learner)
    response = client.get(f"/me/transcript/external/{credit.pk}/certificate/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    response.close()
    default_storage.delete(name)


# --- C7: cycles from 29 February ---------------------------------------------------


@pytest.mark.parametrize(
    ("today", "starts", "next_starts"),
    [
        (datetime.date(2036, 3, 5), datetime.date(2036, 2, 29), datetime.date(2039, 2, 28)),
        (datetime.date(2030, 3, 5), datetime.date(2030, 2, 28), datetime.date(2033, 2, 28)),
        (datetime.date(2048, 2, 29), datetime.date(2048, 2, 29), datetime.date(2051, 2, 28)),
        (datetime.date(2048, 2, 28), datetime.date(2045, 2, 28), datetime.date(2048, 2, 29)),
    ],
)
def test_a_cycle_from_29_february_starts_on_the_29th_in_leap_years(today, starts, next_starts):
    cycle = LicenceCycle(starts_on=datetime.date(2024, 2, 29), years=3, credits_required=10)
    assert cycle_bounds(cycle, today) == (starts, next_starts)
