"""The certificate as a PDF: an HTML template with print CSS, rendered by
WeasyPrint. Everything printed comes from the certificate's own snapshot."""

from __future__ import annotations

import base64
import functools
import io
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

import qrcode
import weasyprint
from PIL import Image
from weasyprint.text.fonts import FontConfiguration

from cms.credits import format_credits

from . import font_subsets
from .codes import grouped
from .kinds import (
    AMA_PRA_TITLE,
    PARTICIPATION_TITLE,
    designated_maximum,
    hours_text,
    is_participation,
)

if TYPE_CHECKING:
    from wagtail.images.models import AbstractImage

    from learning.models import Certificate

# Each font subset made once per process (the same bytes: font_subsets).
font_subsets.install()

LETTER_TIME_ZONE_PREFIXES = ("America/", "US/", "Canada/")
QR_MASK_PATTERN = 0


def verification_url(certificate: Certificate) -> str:
    path = reverse("certificate_verify_code", args=(certificate.verification_code,))
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def qr_png(url: str) -> str:
    """The QR code as a 1-bit PNG data URI, one pixel a module, printed
    without smoothing (``image-rendering: pixelated``): much cheaper for
    WeasyPrint to lay out and write than an SVG path of hundreds of modules,
    or a larger image. The mask pattern is fixed (QR_MASK_PATTERN) rather
    than chosen by trying all eight: any mask is valid and readers decode
    them all; trying them cost more than the rest of the code's making."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK_PATTERN
    )
    code.add_data(url)
    code.make(fit=True)
    modules = code.get_matrix()
    image = Image.new("1", (len(modules), len(modules)), 1)
    image.putdata([0 if dark else 1 for row in modules for dark in row])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


# The institution's logo and signature as data: URIs, by image and file: read
# from storage once per process, not for every certificate.
_IMAGE_URIS: dict[tuple[int, str], str] = {}
_IMAGE_URIS_MAX = 64


def _image_data_uri(image: AbstractImage | None) -> str:
    """A Wagtail image as a data: URI, read from storage (no HTTP fetch).
    A replaced image file has a new name, hence a new entry."""
    if image is None:
        return ""
    key = (image.pk, image.file.name)
    if key not in _IMAGE_URIS:
        rendition = image.get_rendition("max-600x240")
        with rendition.file.open("rb") as handle:
            data = handle.read()
        mime = {"png": "image/png", "gif": "image/gif", "webp": "image/webp"}.get(
            rendition.file.name.rsplit(".", 1)[-1].lower(), "image/jpeg"
        )
        if len(_IMAGE_URIS) >= _IMAGE_URIS_MAX:
            _IMAGE_URIS.clear()
        _IMAGE_URIS[key] = f"data:{mime};base64,{base64.b64encode(data).decode()}"
    return _IMAGE_URIS[key]


def paper_for(time_zone: str | None) -> str:
    return "letter" if (time_zone or "").startswith(LETTER_TIME_ZONE_PREFIXES) else "a4"


def kind_context(certificate: Certificate) -> dict[str, object]:
    """What the certificate's kind changes in print and on its verification page."""
    if not is_participation(certificate.kind):
        return {"participation": False, "title": AMA_PRA_TITLE}
    return {
        "participation": True,
        "title": PARTICIPATION_TITLE,
        "hours": hours_text(certificate.credits),
        # The path's maximum as the claim recorded it, like everything printed.
        "designated_maximum": designated_maximum(certificate.claim.max_credits),
    }


def certificate_html(certificate: Certificate, paper: str = "letter") -> str:
    url = verification_url(certificate)
    institution = certificate.institution
    return render_to_string(
        "learning/certificates/certificate.html",
        {
            "certificate": certificate,
            "credits": format_credits(certificate.credits),
            **kind_context(certificate),
            "code": grouped(certificate.verification_code),
            "verification_url": url,
            "qr_png": qr_png(url),
            "logo": _image_data_uri(institution.logo),
            "signature": _image_data_uri(institution.signature),
            "paper": paper,
        },
    )


@functools.cache
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@functools.cache
def _stylesheet(paper: str) -> weasyprint.CSS:
    """The print CSS (certificate.css), parsed once per process and paper."""
    css = render_to_string("learning/certificates/certificate.css", {"paper": paper})
    return weasyprint.CSS(string=css, font_config=_fonts())


@functools.cache
def _ua_stylesheet() -> weasyprint.CSS:
    css = render_to_string("learning/certificates/certificate-ua.css")
    return weasyprint.CSS(string=css, font_config=_fonts())


class CertificateHTML(weasyprint.HTML):
    """The certificate's HTML with only the user-agent rules its elements
    need (certificate-ua.css: WeasyPrint's HTML5 stylesheet cut down, same
    values), so the cascade matches a dozen rules per element, not hundreds.

    ``_ua_stylesheets`` is WeasyPrint's own (private) hook; it takes any
    arguments so a new keyword in a later WeasyPrint cannot break rendering,
    and tests/learning/test_certificate_rendering.py fails if the page is no
    longer drawn exactly as plain WeasyPrint draws it."""

    def _ua_stylesheets(self, *args: Any, **kwargs: Any) -> list[weasyprint.CSS]:
        return [_ua_stylesheet()]


def render_pdf(certificate: Certificate, paper: str = "letter") -> bytes:
    """PDF bytes for the certificate on ``paper`` ("letter" or "a4")."""
    html = CertificateHTML(string=certificate_html(certificate, paper), base_url=None)
    buffer = io.BytesIO()
    html.write_pdf(buffer, stylesheets=[_stylesheet(paper)], font_config=_fonts())
    return buffer.getvalue()
