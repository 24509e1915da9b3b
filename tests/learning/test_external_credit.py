"""Credit from elsewhere: recorded by the learner with an optional certificate
(a real PDF or image, at most 10 MB), shown apart on the transcript and in its
CSV and PDF, downloadable only by its owner, exported and deleted with the
account."""

import csv
import datetime
import io
import json
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

import pypdf
import pytest
from PIL import Image

from learning.models import ExternalCredit
from learning.privacy.deletion import delete_account

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def pdf_bytes() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(out, "PNG")
    return out.getvalue()


def form(**extra):
    return {
        "provider": "Lakeside Medical Society",
        "activity": "Airway update",
        "completed_on": "2026-02-10",
        "credit_type": "ama_1",
        "amount": "2.5",
        **extra,
    }


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return learner


def add(client, **extra):
    return client.post("/me/transcript/external/add/", form(**extra))


def test_add_with_a_pdf_then_download_it(client, signed_in):
    upload = SimpleUploadedFile("cert.pdf", pdf_bytes(), "application/pdf")
    response = add(client, certificate=upload)
    assert response.status_code == 302 and response["Location"] == "/me/transcript/"
    credit = ExternalCredit.objects.get(user=signed_in)
    assert credit.amount == Decimal("2.5") and credit.certificate.name.startswith(
        f"external-credit/{signed_in.pk}/"
    )
    html = client.get("/me/transcript/").content.decode()
    assert "Credit from elsewhere" in html and "Lakeside Medical Society" in html

    response = client.get(f"/me/transcript/external/{credit.pk}/certificate/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_png_certificate_is_accepted(client, signed_in):
    add(client, certificate=SimpleUploadedFile("scan.png", png_bytes(), "image/png"))
    credit = ExternalCredit.objects.get(user=signed_in)
    response = client.get(f"/me/transcript/external/{credit.pk}/certificate/")
    assert response["Content-Type"] == "image/png"


def test_a_text_file_renamed_pdf_is_refused(client, signed_in):
    fake = SimpleUploadedFile("cert.pdf", b"%PDF-1.7 not really a pdf\n", "application/pdf")
    response = add(client, certificate=fake)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Upload the certificate as a PDF or as a JPEG, PNG or WebP image" in html
    assert 'value="Lakeside Medical Society"' in html  # what was typed stays
    assert not ExternalCredit.objects.exists()


def test_a_corrupt_png_is_refused(client, signed_in):
    cut = png_bytes()[:-30]
    response = add(client, certificate=SimpleUploadedFile("scan.png", cut, "image/png"))
    assert response.status_code == 400
    assert "neither, or it is damaged" in response.content.decode()


def test_a_file_over_10_mb_is_refused(client, signed_in):
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"\0" * (10 * 1024 * 1024), "application/pdf")
    response = add(client, certificate=big)
    assert response.status_code == 400 and "larger than 10 MB" in response.content.decode()


def test_future_date_and_bad_amount_are_refused(client, signed_in):
    future = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    response = add(client, completed_on=future, amount="0")
    html = response.content.decode()
    assert response.status_code == 400
    assert "This date is in the future" in html and "above 0" in html


def test_edit_replacing_the_file_and_delete_remove_the_files(
    client, signed_in, django_capture_on_commit_callbacks
):
    add(client, certificate=SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf"))
    credit = ExternalCredit.objects.get(user=signed_in)
    first = credit.certificate.name
    edit_page = client.get(f"/me/transcript/external/{credit.pk}/edit/").content.decode()
    assert f'href="/me/transcript/external/{credit.pk}/certificate/"' in edit_page
    assert "/media/" not in edit_page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/me/transcript/external/{credit.pk}/edit/",
            form(amount="3", certificate=SimpleUploadedFile("b.png", png_bytes(), "image/png")),
        )
    assert response.status_code == 302
    credit.refresh_from_db()
    assert credit.amount == 3 and credit.certificate.name != first
    assert not default_storage.exists(first)

    assert client.get(f"/me/transcript/external/{credit.pk}/delete/").status_code == 200
    second = credit.certificate.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/me/transcript/external/{credit.pk}/delete/")
    assert response.status_code == 302
    assert not ExternalCredit.objects.exists() and not default_storage.exists(second)


def test_another_learners_external_credit_is_404(client, signed_in, other_learner):
    theirs = ExternalCredit.objects.create(
        user=other_learner,
        provider="P",
        activity="Theirs",
        completed_on=datetime.date(2026, 1, 5),
        credit_type="ama_1",
        amount=1,
        certificate=ContentFile(pdf_bytes(), name="theirs.pdf"),
    )
    base = f"/me/transcript/external/{theirs.pk}"
    for url in (f"{base}/edit/", f"{base}/delete/", f"{base}/certificate/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}/delete/").status_code == 404
    assert client.post(f"{base}/edit/", form()).status_code == 404
    assert ExternalCredit.objects.get(pk=theirs.pk).activity == "Theirs"
    # Never from /media/ either.
    assert client.get(f"/media/{theirs.certificate.name}").status_code == 404


def test_csv_and_pdf_show_the_external_credit_apart(client, signed_in):
    add(client, provider="=HYPERLINK(1)", certificate=SimpleUploadedFile("c.pdf", pdf_bytes()))
    text = client.get("/me/transcript/transcript.csv").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    start = rows.index(
        [
            "external_credit_provider",
            "activity",
            "completion_date",
            "credit_type",
            "amount",
            "certificate_file",
        ]
    )
    assert rows[start + 1][:5] == [
        "'=HYPERLINK(1)",
        "Airway update",
        "2026-02-10",
        "AMA PRA Category 1 Credit™",
        "2.5",
    ]
    stored = ExternalCredit.objects.get().certificate.name
    assert rows[start + 1][5] == stored.rsplit("/", 1)[-1] and stored.endswith(".pdf")

    pdf = client.get("/me/transcript/transcript.pdf").content
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    extracted = " ".join(page.extract_text() for page in reader.pages)
    assert "Credit from elsewhere" in extracted and "Airway update" in extracted
    assert "Totals per credit type" in extracted


def test_privacy_export_lists_external_credit_and_deletion_removes_the_file(
    client, signed_in, django_capture_on_commit_callbacks
):
    add(client, certificate=SimpleUploadedFile("mine.pdf", pdf_bytes(), "application/pdf"))
    client.post(
        "/me/transcript/cycles/add/",
        {
            "name": "Ohio licence",
            "credits_required": "50",
            "years": "2",
            "starts_on": "2025-01-01",
            "counts": "ama_1",
        },
    )
    data = json.loads(client.get("/me/privacy/export.json").content)
    [credit] = data["external_credit"]
    stored = ExternalCredit.objects.get().certificate.name
    assert credit["activity"] == "Airway update"
    assert credit["certificate_file"] == stored.rsplit("/", 1)[-1]
    assert credit["certificate_file"].startswith("mine")
    assert "JVBER" not in json.dumps(data)  # no file bytes (base64 of %PDF)
    assert data["licence_cycles"][0]["name"] == "Ohio licence"
    privacy = client.get("/me/privacy/").content.decode()
    assert "1 record of credit from other providers (1 with an uploaded certificate file" in privacy

    name = ExternalCredit.objects.get().certificate.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(signed_in, PASSWORD)
    assert not default_storage.exists(name)
    assert not ExternalCredit.objects.exists()
