"""Review 27: an upload over 10 MB is refused by its size, before anything
reads it. Django's upload handlers stream any file over
FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) to a temporary file on disk, so what the
forms get is a ``TemporaryUploadedFile``; here a sparse 2 GB one whose reads
are counted: the external-credit certificate and the admin's image upload
(Wagtail's field with cms.images' checks) read at most a header."""

import io

from django.core.files.uploadedfile import TemporaryUploadedFile

from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form

import pytest
from PIL import Image

from learning.certificates.external import ExternalCreditForm

pytestmark = pytest.mark.django_db

TWO_GB = 2 * 1024**3


@pytest.fixture
def huge_upload():
    made = []

    def make(name, head, content_type):
        upload = TemporaryUploadedFile(name, content_type, TWO_GB, None)
        upload.file.write(head)
        upload.file.truncate(TWO_GB)  # sparse: nothing is written to disk
        upload.file.seek(0)
        reads = []
        read = upload.file.read

        def counted(size=-1):
            data = read(size)
            reads.append(len(data))
            return data

        upload.file.read = counted
        made.append(upload)
        return upload, reads

    yield make
    for upload in made:
        upload.close()


def test_a_2_gb_certificate_is_refused_unread(huge_upload):
    upload, reads = huge_upload("cert.pdf", b"%PDF-1.7\n", "application/pdf")
    data = {
        "provider": "Lakeside Medical Society",
        "activity": "Airway update",
        "completed_on": "2026-02-10",
        "credit_type": "ama_1",
        "amount": "2.5",
    }
    form = ExternalCreditForm(data, {"certificate": upload})
    assert not form.is_valid()
    assert "larger than 10 MB" in str(form.errors["certificate"])
    assert sum(reads) == 0


def test_a_2_gb_image_is_refused_after_reading_its_header_only(huge_upload, superuser):
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(png, "PNG")
    upload, reads = huge_upload("photo.png", png.getvalue(), "image/png")
    form_class = get_image_form(get_image_model())
    form = form_class({"title": "Photo", "tags": ""}, {"file": upload}, user=superuser)
    assert not form.is_valid()
    assert "too big" in str(form.errors["file"])
    assert sum(reads) <= 64 * 1024
