"""Uploaded images are served from local disk by the app itself, with
production settings too (there is no web server in the one-server setup),
and nothing else under MEDIA_ROOT is: not certificate PDFs, not documents,
not a path that climbs out of the image folders."""

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.files.images import ImageFile

from wagtail.images import get_image_model

import pytest
from PIL import Image

from tests.factories import MentorFactory

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (320, 320), (30, 110, 160)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def photo():
    image = get_image_model()(title="Portrait")
    image.file.save("portrait.png", ImageFile(io.BytesIO(png_bytes()), name="portrait.png"))
    image.save()
    return image


def fetch(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_a_mentor_photo_on_the_public_profile_loads(client, photo):
    assert not settings.DEBUG  # as in production
    mentor = MentorFactory(name="Ana Alvarez", slug="ana-alvarez", photo=photo)
    page = client.get(f"/mentors/{mentor.slug}/").content.decode()
    src = re.search(r'<img[^>]+src="(/media/images/[^"]+)"', page).group(1)
    response, body = fetch(client, src)
    assert response.status_code == 200
    # The <img> is the JPEG fallback of the profile's photo (cms.responsive_images).
    assert response["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(body)).size == (104, 104)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("public")


def test_the_original_image_is_served_too(client, photo):
    response, body = fetch(client, photo.file.url)
    assert response.status_code == 200 and body == png_bytes()


def test_a_file_that_is_not_an_image_cannot_run_as_a_page(client):
    target = Path(settings.MEDIA_ROOT) / "original_images" / "trick.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"<html><script>alert(1)</script></html>")
    response, _ = fetch(client, "/media/original_images/trick.png")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    "url",
    [
        "/media/certificates/secret.pdf",
        "/media/documents/secret.pdf",
        "/media/images/../certificates/secret.pdf",
        "/media/images/%2e%2e/certificates/secret.pdf",
        "/media/images//etc/passwd",
        "/media/original_images/notes.html",
        "/media/original_images/missing.png",
        "/media/",
    ],
)
def test_nothing_but_images_is_reachable(client, url):
    for folder in ("certificates", "documents"):
        target = Path(settings.MEDIA_ROOT) / folder / "secret.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"%PDF-1.7 a learner's certificate")
    notes = Path(settings.MEDIA_ROOT) / "original_images" / "notes.html"
    notes.parent.mkdir(parents=True, exist_ok=True)
    notes.write_text("<p>notes</p>")
    response, body = fetch(client, url)
    assert response.status_code == 404
    assert (
        b"a learner's certificate" not in body
    )  # the file's content (the footer says "certificate")


def test_only_get_and_head(client, photo):
    assert client.post(photo.file.url).status_code == 405
    assert client.head(photo.file.url).status_code == 200
