"""Image uploads are checked for type, size and pixel dimensions on every admin
upload path (the image library, the multiple uploader and the chooser's upload
tab used for mentor photos and institution logos and signatures); a refused
upload says why and stores nothing: no Image row, no file."""

import functools
import io
import json
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from cms.images import MAX_IMAGE_SIDE
from tests.properties import examples

pytestmark = pytest.mark.django_db

Image = get_image_model()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored_files(root):
    if not root.exists():
        return set()
    return {os.path.join(d, f) for d, _, files in os.walk(root) for f in files}


def originals(root):
    return {f for f in stored_files(root) if "/original_images/" in f}


# --- real images, made with Pillow ----------------------------------------------------


@functools.cache
def image_bytes(fmt, size=(64, 48), mode="RGB", frames=1):
    image = PILImage.new(mode, size, "#2a7ab0" if mode != "1" else 1)
    buffer = io.BytesIO()
    if frames > 1:
        others = [PILImage.new(mode, size, colour) for colour in ("red", "green")[: frames - 1]]
        image.save(buffer, fmt, save_all=True, append_images=others)
    else:
        image.save(buffer, fmt)
    return buffer.getvalue()


@functools.cache
def noisy_png(megabytes):
    """A real PNG of incompressible noise, a little over ``megabytes`` MB."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5) + 8
    return image_bytes_from_raw(os.urandom(side * side * 3), (side, side))


def image_bytes_from_raw(raw, size):
    buffer = io.BytesIO()
    PILImage.frombytes("RGB", size, raw).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def truncated(data, keep=0.6):
    return data[: int(len(data) * keep)]


def photo_jpeg():
    """A JPEG with detail (so that cutting it loses real image data)."""
    image = PILImage.frombytes("RGB", (400, 300), os.urandom(400 * 300 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


ACCEPTED = {
    "png": ("portrait.png", lambda: image_bytes("PNG")),
    "jpeg": ("portrait.jpg", lambda: image_bytes("JPEG")),
    "webp": ("portrait.webp", lambda: image_bytes("WEBP")),
    "animated gif": ("logo.gif", lambda: image_bytes("GIF", mode="P", frames=2)),
    "transparent signature png": ("signature.png", lambda: image_bytes("PNG", mode="RGBA")),
    "largest side allowed": (
        "banner.png",
        lambda: image_bytes("PNG", size=(MAX_IMAGE_SIDE, 20), mode="1"),
    ),
}

REFUSED = {
    "text renamed .png": (
        "notes.png",
        lambda: b"Dear committee,\nthis is not an image.\n" * 20,
        "Upload a valid image",
    ),
    "svg": (
        "logo.svg",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
        "Not a supported image format",
    ),
    "avif (not offered)": ("photo.avif", lambda: image_bytes("AVIF"), "Not a supported image"),
    "png named .jpg": ("photo.jpg", lambda: image_bytes("PNG"), "The extension does not match"),
    "no extension": ("photo", lambda: image_bytes("PNG"), "Not a supported image format"),
    "empty": ("empty.png", lambda: b"", "The submitted file is empty"),
    "11 MB": ("scan.png", lambda: noisy_png(11), "This file is too big"),
    "9000x9000 (81 megapixels)": (
        "huge.png",
        lambda: image_bytes("PNG", size=(9000, 9000), mode="1"),
        "This file has too many pixels",
    ),
    "a side longer than allowed": (
        "strip.png",
        lambda: image_bytes("PNG", size=(MAX_IMAGE_SIDE + 1, 20), mode="1"),
        "each side can be at most",
    ),
    "decompression bomb": (
        "bomb.png",
        lambda: image_bytes("PNG", size=(20_000, 20_000), mode="1"),
        "This file has too many pixels",
    ),
    "truncated jpeg": (
        "cut.jpg",
        lambda: truncated(photo_jpeg()),
        "damaged or incomplete",
    ),
    "truncated png": (
        "cut.png",
        lambda: truncated(noisy_png(0.2)),
        "damaged or incomplete",
    ),
}


# --- the three upload paths ----------------------------------------------------------


def upload_via_library(client, name, data):
    return client.post(
        reverse("wagtailimages:add"),
        {"title": "Upload", "file": SimpleUploadedFile(name, data), "tags": ""},
    )


def upload_via_chooser(client, name, data):
    return client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "Upload",
            "image-chooser-upload-file": SimpleUploadedFile(name, data),
            "image-chooser-upload-tags": "",
        },
    )


def upload_via_multiple(client, name, data):
    return client.post(
        reverse("wagtailimages:add_multiple"), {"files[]": SimpleUploadedFile(name, data)}
    )


UPLOADERS = {
    "library": upload_via_library,
    "chooser": upload_via_chooser,
    "multiple": upload_via_multiple,
}


def accepted(uploader, response):
    if uploader == "library":
        return response.status_code == 302
    if uploader == "chooser":
        step = response.json()["step"] if response.status_code == 200 else None
        return step in ("chosen", "select_format")
    return response.status_code == 200 and response.json()["success"]


def message_of(response):
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


@pytest.mark.parametrize("uploader", sorted(UPLOADERS))
@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_a_valid_image_is_stored(client, superuser, media_root, uploader, case):
    name, make = ACCEPTED[case]
    client.force_login(superuser)
    response = UPLOADERS[uploader](client, name, make())
    assert accepted(uploader, response), message_of(response)[:2000]
    image = Image.objects.get()
    assert (image.width, image.height) == PILImage.open(io.BytesIO(make())).size
    assert len(originals(media_root)) == 1  # (the chooser also makes a preview rendition)
    assert image.get_rendition("max-40x40").width <= 40


@pytest.mark.parametrize("uploader", sorted(UPLOADERS))
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_bad_upload_is_refused_with_a_message_and_nothing_is_stored(
    client, superuser, media_root, uploader, case
):
    name, make, message = REFUSED[case]
    client.force_login(superuser)
    response = UPLOADERS[uploader](client, name, make())
    assert response.status_code < 500
    assert not accepted(uploader, response)
    assert message in message_of(response)
    assert not Image.objects.exists()
    assert stored_files(media_root) == set()


def test_replacing_a_file_is_checked_too(client, superuser, media_root):
    client.force_login(superuser)
    upload_via_library(client, "portrait.png", image_bytes("PNG"))
    image = Image.objects.get()
    originals_before = originals(media_root)
    response = client.post(
        reverse("wagtailimages:edit", args=(image.pk,)),
        {"title": "Portrait", "file": SimpleUploadedFile("cut.jpg", truncated(photo_jpeg()))},
    )
    assert response.status_code < 500
    assert "damaged or incomplete" in response.content.decode()
    image.refresh_from_db()
    assert image.file.name.endswith(".png")
    assert originals(media_root) == originals_before
    # Editing the title without a new file still works.
    response = client.post(reverse("wagtailimages:edit", args=(image.pk,)), {"title": "Renamed"})
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.title == "Renamed"


# --- any bytes at all --------------------------------------------------------------

SEEDS = [image_bytes("PNG"), image_bytes("JPEG"), image_bytes("GIF", mode="P"), image_bytes("WEBP")]


@st.composite
def damaged_images(draw):
    """A real image, cut short or with bytes overwritten, or random bytes, under
    any image extension."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    action = draw(st.sampled_from(["cut", "flip", "random", "as is"]))
    if action == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif action == "flip":
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    elif action == "random":
        data = bytearray(draw(st.binary(max_size=2000)))
    name = "upload." + draw(st.sampled_from(["png", "jpg", "jpeg", "gif", "webp", "PNG", "svg"]))
    return name, bytes(data)


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(upload=damaged_images())
def test_any_bytes_are_refused_or_render(client, superuser, media_root, upload):
    """An upload is either refused (with a message, nothing stored) or good
    enough that Wagtail can make renditions of it: nothing broken gets in."""
    name, data = upload
    client.force_login(superuser)
    before_rows, before_files = Image.objects.count(), stored_files(media_root)
    response = upload_via_library(client, name, data)
    assert response.status_code < 500
    if response.status_code == 302:
        image = Image.objects.order_by("-pk").first()
        rendition = image.get_rendition("fill-20x20")
        assert (rendition.width, rendition.height) == (20, 20)
        image.delete()  # back to the starting state for the next example
    else:
        assert "w-field--error" in response.content.decode()
        assert Image.objects.count() == before_rows
        assert stored_files(media_root) == before_files
