"""Media in S3-compatible object storage (django-storages), against a real
S3 HTTP server (moto in server mode on loopback in CI): certificate PDFs are
written to the bucket and only their owner gets them through the app; Wagtail
images and their renditions live in the bucket too."""

import io
import urllib.request

from django.core.files.storage import default_storage
from django.urls import reverse

import pypdf
import pytest
from storages.backends.s3 import S3Storage

from learning.certificates.issuance import generate_pdf, pdf_name
from learning.models import Certificate, PdfStatus
from tests.factories import LearnerProfileFactory, LearningPathPageFactory, UserFactory
from tests.learning.conftest import complete

pytestmark = pytest.mark.django_db


def keys(client, bucket):
    listing = client.list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def pdf_text(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def learner_named(username, name):
    user = UserFactory(username=username)
    LearnerProfileFactory(user=user, full_name=name)
    return user


@pytest.fixture
def certificate(s3_media, django_capture_on_commit_callbacks):
    path = LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=1)
    learner = learner_named("doctor-a", "Alice Able")
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    return Certificate.objects.get(user=learner)


def test_the_certificate_pdf_is_written_to_the_bucket(s3_media, certificate):
    client, bucket = s3_media
    assert isinstance(default_storage._wrapped, S3Storage)
    assert certificate.pdf_status == PdfStatus.READY
    key = f"media/{certificate.pdf.name}"
    assert certificate.pdf.name == pdf_name(certificate)
    assert key in keys(client, bucket)
    data = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert data.startswith(b"%PDF-")
    assert "Alice Able, MD" in pdf_text(data)
    # Private: no public ACL on the object.
    grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]


def test_the_owner_downloads_through_the_app_and_nobody_else_does(s3_media, certificate, client):
    other_learner = learner_named("doctor-b", "Bob Baker")
    url = reverse("certificate_pdf", args=(certificate.pk,))
    client.force_login(certificate.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert "Alice Able, MD" in pdf_text(data)
    client.force_login(other_learner)
    assert client.get(url).status_code == 404


def test_a_render_interrupted_after_the_upload_leaves_one_object(s3_media, certificate):
    """A worker killed between the upload and its commit: the retry replaces
    the object instead of storing the PDF under a second name."""
    client, bucket = s3_media
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_status=PdfStatus.PENDING)
    again = generate_pdf(certificate.pk)
    assert again.pdf_status == PdfStatus.READY
    assert again.pdf.name == certificate.pdf.name
    assert [k for k in keys(client, bucket) if k.startswith("media/certificates/")] == [
        f"media/{certificate.pdf.name}"
    ]


def test_images_and_renditions_are_stored_in_the_bucket_and_deleted(
    s3_media, django_capture_on_commit_callbacks
):
    from wagtail_factories import ImageFactory

    client, bucket = s3_media
    image = ImageFactory(title="Ward round", file__width=640, file__height=480)
    rendition = image.get_rendition("fill-200x100")
    stored = keys(client, bucket)
    assert f"media/{image.file.name}" in stored
    assert f"media/{rendition.file.name}" in stored
    # A presigned URL on the S3 server, and the bytes behind it are the image.
    assert rendition.url.startswith(s3_media[0].meta.endpoint_url)
    assert "X-Amz-Signature=" in rendition.url
    with urllib.request.urlopen(rendition.url, timeout=10) as response:  # noqa: S310 (loopback)
        assert response.read(3) == b"\xff\xd8\xff"  # a JPEG
    # Same file name again: a second object, not an overwrite.
    second = ImageFactory(title="Ward round again", file__width=640, file__height=480)
    assert second.file.name != image.file.name
    with django_capture_on_commit_callbacks(execute=True):  # Wagtail deletes files on commit
        image.delete()
    stored = keys(client, bucket)
    assert f"media/{image.file.name}" not in stored
    assert f"media/{rendition.file.name}" not in stored
    assert f"media/{second.file.name}" in stored


def test_a_guide_pictures_renditions_come_from_the_bucket(s3_media, client):
    """The <picture> on a guide page: every rendition (WebP and the JPEG
    fallback) is an object in the bucket behind a presigned URL, and the
    bytes there are the format the <source> announces."""
    from PIL import Image

    from tests.cms.pictures import pictures
    from tests.factories import GuidePageFactory, PictureFactory

    s3, bucket = s3_media
    guide = GuidePageFactory(
        lead_image=PictureFactory(),
        lead_image_alt="Resident and attending physician reviewing a chest X-ray together",
    )
    (lead,) = pictures(client.get(guide.url).content.decode())
    stored = keys(s3, bucket)
    for srcset, fmt in (
        (lead.source("image/webp")["srcset"], "WEBP"),
        (lead.img["srcset"], "JPEG"),
    ):
        for url, width in lead.candidates(srcset):
            assert url.startswith(s3.meta.endpoint_url) and "X-Amz-Signature=" in url
            key = url.split(f"/{bucket}/", 1)[1].split("?", 1)[0]
            assert key in stored
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
                image = Image.open(io.BytesIO(response.read()))
            assert (image.format, image.width) == (fmt, width)
