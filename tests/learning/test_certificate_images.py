"""The logo and signature image a certificate prints are those of the day it
was issued (learning/certificates/images.py): an institution that replaces
its signature or logo later changes no certificate already issued, even
when its PDF is drawn again. Read back from the real PDFs (pypdf, Pillow)."""

import io
import uuid
from unittest import mock

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from wagtail.images.forms import get_image_form

import pypdf
import pytest
from PIL import Image as PILImage
from wagtail_factories import ImageFactory

from learning.certificates import images, issuance
from learning.certificates.rendering import Renderer
from learning.models import Certificate, CertificateImage, PdfStatus
from tests.factories import UserFactory

from .conftest import complete, sign_with_logo

NAVY, PURPLE = (0, 0, 128), (128, 0, 128)
GREEN, ORANGE = (0, 128, 0), (255, 165, 0)


def sign(institution, logo, signature):
    institution.logo = ImageFactory(title=f"Logo {logo}", file__color=logo) if logo else None
    institution.signature = (
        ImageFactory(title=f"Signature {signature}", file__color=signature, file__width=300)
        if signature
        else None
    )
    institution.save()


def printed_colours(certificate):
    """The main colour of every image in the certificate's PDF, QR code
    (black and white) included."""
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    colours = []
    for page in reader.pages:
        for image in page.images:
            rgb = image.image.convert("RGB")
            colours.append(max(rgb.getcolors(rgb.width * rgb.height))[1])
    return colours


def near(colour, expected):
    return all(abs(a - b) <= 24 for a, b in zip(colour, expected, strict=True))


def printed(certificate, expected):
    return any(near(colour, expected) for colour in printed_colours(certificate))


def drawn_again(certificate):
    """The PDF drawn again, as when a failed render is retried."""
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_status=PdfStatus.FAILED)
    return issuance.generate_pdf(certificate.pk)


@pytest.fixture(params=[Renderer.LAYERED, Renderer.FLOW])
def renderer(request, settings):
    settings.CERTIFICATE_RENDERER = request.param
    return request.param


@pytest.fixture
def issued(learner, path, django_capture_on_commit_callbacks):
    """A certificate issued with a navy logo and a purple signature."""
    sign(path.institution, "navy", "purple")
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    return Certificate.objects.get(user=learner)


def test_a_replaced_logo_and_signature_change_no_issued_certificate(issued, path, renderer):
    assert printed(issued, NAVY) and printed(issued, PURPLE)
    sign(path.institution, "green", "orange")

    again = drawn_again(issued)

    assert again.pdf_status == PdfStatus.READY
    assert printed(again, NAVY) and printed(again, PURPLE)
    assert not printed(again, GREEN) and not printed(again, ORANGE)


def test_a_reissue_prints_the_images_of_its_own_day(issued, path):
    sign(path.institution, "green", "orange")
    staff = UserFactory(is_superuser=True)
    new = issuance.reissue(issued, staff, "Name corrected")
    issuance.generate_pdf(new.pk)

    assert printed(new, GREEN) and printed(new, ORANGE) and not printed(new, PURPLE)
    assert printed(drawn_again(issued), PURPLE)


def test_a_logo_added_after_issue_is_not_printed_on_the_certificate(
    learner, path, renderer, django_capture_on_commit_callbacks
):
    sign(path.institution, None, None)
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    certificate = Certificate.objects.get(user=learner)
    assert certificate.images_recorded and certificate.logo_image_id is None
    sign(path.institution, "green", "orange")

    colours = printed_colours(drawn_again(certificate))

    assert len(colours) == 1  # the QR code alone
    assert not any(near(c, GREEN) or near(c, ORANGE) for c in colours)


def test_certificates_with_the_same_images_share_one_stored_copy_of_each(
    issued, other_learner, path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete(other_learner, path)
    other = Certificate.objects.get(user=other_learner)

    assert CertificateImage.objects.count() == 2
    assert (other.logo_image_id, other.signature_image_id) == (
        issued.logo_image_id,
        issued.signature_image_id,
    )
    assert issued.logo_image_id != issued.signature_image_id
    assert len(issued.logo_image_id) == 64


def test_recording_an_image_twice_stores_it_once(issued, path):
    again = images.record(path.institution)

    assert again == {
        "logo_image_id": issued.logo_image_id,
        "signature_image_id": issued.signature_image_id,
    }
    assert CertificateImage.objects.count() == 2


def test_a_certificate_issued_before_images_were_recorded_prints_the_current_ones(
    issued, path, renderer
):
    # As migration 0012 leaves every certificate issued before it.
    Certificate.objects.filter(pk=issued.pk).update(
        images_recorded=False, logo_image=None, signature_image=None
    )
    sign(path.institution, "green", "orange")

    again = drawn_again(issued)

    assert printed(again, GREEN) and printed(again, ORANGE) and not printed(again, NAVY)


def test_an_unreadable_image_does_not_stop_the_issue_and_its_pdf_failure_is_recorded(
    learner, path, django_capture_on_commit_callbacks
):
    sign(path.institution, "navy", "purple")
    signature = path.institution.signature
    signature.file.storage.delete(signature.file.name)
    images._renditions.clear()

    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)

    certificate = Certificate.objects.get(user=learner)
    assert not certificate.images_recorded
    assert certificate.pdf_status == PdfStatus.FAILED
    assert certificate.pdf_error


def test_a_database_error_reading_the_images_fails_the_issue_instead_of_marking_it(learner, path):
    # A statement timeout is the database's, not the image's: the issue fails
    # (and is run again) rather than mark the certificate as printing whatever
    # images the institution has when its PDF is drawn. (The error is
    # injected: a real timeout cannot be produced on demand here.)
    sign_with_logo(path.institution)
    images._renditions.clear()
    manager = type(images.get_image_model().objects)
    timeout = OperationalError("canceling statement due to statement timeout")
    with (
        mock.patch.object(manager, "in_bulk", side_effect=timeout),
        pytest.raises(OperationalError),
    ):
        images.record(path.institution)


def _png(colour):
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 100), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_replacement_file_given_an_earlier_files_name_is_recorded_as_itself(path):
    """Wagtail's image form saves a replacement beside the file it replaces
    (so under a suffixed name), then deletes the old one: a third upload under
    the first name gets that name back, with other pixels."""
    stem = f"signature-{uuid.uuid4().hex[:8]}"
    image = ImageFactory(title="Signature", file=ContentFile(_png("purple"), name=f"{stem}.png"))
    institution = path.institution
    institution.logo, institution.signature = None, image
    institution.save()
    images._renditions.clear()
    first = images.record(institution)["signature_image_id"]
    form_class = get_image_form(type(image))
    editor = UserFactory(is_superuser=True)

    def replace(colour):
        upload = SimpleUploadedFile(f"{stem}.png", _png(colour), content_type="image/png")
        form = form_class(
            {"title": image.title, "collection": image.collection_id},
            {"file": upload},
            instance=image,
            user=editor,
        )
        assert form.is_valid(), form.errors
        form.save()

    replace("orange")
    replace("green")
    institution.refresh_from_db()
    assert institution.signature.file.name == f"original_images/{stem}.png"

    recorded = images.record(institution)["signature_image_id"]

    assert recorded != first
    stored = CertificateImage.objects.get(sha256=recorded)
    pixels = PILImage.open(io.BytesIO(bytes(stored.data))).convert("RGB")
    assert near(pixels.getpixel((10, 10)), GREEN)
