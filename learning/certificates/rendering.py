"""The certificate as a PDF: an HTML template with print CSS, rendered by
WeasyPrint. Everything printed comes from the certificate's own snapshot,
the institution's logo and signature image included (images.py;
docs/certificates.md, "The record").

Two renderers draw the same page (``CERTIFICATE_RENDERER``):

- *layered* (the default): WeasyPrint draws what is the same for every
  learner of a path once per process, and the learner's parts are drawn over
  it (layered.py); a certificate whose learner's parts cannot be drawn that
  way falls back to the flow renderer;
- *flow*: WeasyPrint lays out the whole page for each certificate."""

from __future__ import annotations

import base64
import functools
import html as html_lib
import io
import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import escape

import qrcode
import weasyprint
from PIL import Image
from weasyprint.text.fonts import FontConfiguration

from cms.credits import ama_pra_html, credit_name_html, format_credits

from . import font_subsets, images, layered, page_fit
from .codes import grouped
from .kinds import (
    AMA_PRA_TITLE,
    PARTICIPATION_TITLE,
    designated_maximum,
    hours_text,
    is_participation,
)

if TYPE_CHECKING:
    from learning.models import Certificate


class Renderer(StrEnum):
    LAYERED = "layered"
    FLOW = "flow"


# Each font subset made once per process (the same bytes: font_subsets).
font_subsets.install()

LETTER_TIME_ZONE_PREFIXES = ("America/", "US/", "Canada/")
QR_MASK_PATTERN = 0


def verification_url(certificate: Certificate) -> str:
    path = reverse("certificate_verify_code", args=(certificate.verification_code,))
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def qr_image(url: str) -> Image.Image:
    """The QR code as a 1-bit image, one pixel a module. The mask pattern is
    fixed (QR_MASK_PATTERN) rather than chosen by trying all eight: any mask
    is valid and readers decode them all; trying them cost more than the rest
    of the code's making."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK_PATTERN
    )
    code.add_data(url)
    code.make(fit=True)
    modules = code.get_matrix()
    image = Image.new("1", (len(modules), len(modules)), 1)
    image.putdata([0 if dark else 1 for row in modules for dark in row])
    return image


def qr_png(url: str) -> str:
    """The QR code as a 1-bit PNG data URI (qr_image), printed without
    smoothing (``image-rendering: pixelated``): much cheaper for WeasyPrint to
    lay out and write than an SVG path of hundreds of modules, or a larger
    image."""
    buffer = io.BytesIO()
    qr_image(url).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


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


def certificate_html(
    certificate: Certificate,
    paper: str = "letter",
    slots: dict[str, float] | None = None,
    page: int | None = None,
    compact_name: bool = False,
) -> str:
    """The certificate's page; with ``slots``, only its fixed layer: every
    learner's part left out, an empty box of that height in its place. With
    ``page`` (1 or 2), one page of a certificate whose MOC statements are on
    a second page, and with ``compact_name`` the name in a smaller size
    (page_fit)."""
    context: dict[str, object] = {
        "certificate": certificate,
        **kind_context(certificate),
        **images.data_uris(certificate),
        "paper": paper,
        "moc_on_page_2": page == 1,
        "continuation": page == 2,
        "compact_name": compact_name,
    }
    if slots is not None:
        context["slots"] = {name: f"{value:.3f}" for name, value in slots.items()}
    else:
        url = verification_url(certificate)
        context.update(
            credits=format_credits(certificate.credits),
            code=grouped(certificate.verification_code),
            verification_url=url,
            qr_png=qr_png(url),
        )
    return render_to_string("learning/certificates/certificate.html", context)


def _runs(html: str) -> list[tuple[str, bool]]:
    """``ama_pra`` HTML (escaped text, <em>name</em>) as runs of (text, italic)."""
    pieces = re.split(r"<em>(.*?)</em>", html)
    return [
        (html_lib.unescape(piece), index % 2 == 1) for index, piece in enumerate(pieces) if piece
    ]


def learner_parts(certificate: Certificate) -> layered.LearnerParts | None:
    """What the layered renderer draws for this learner, as certificate.html
    prints it in the flow renderer."""
    kind = kind_context(certificate)
    name = certificate.printed_name
    completed = dateformat.format(certificate.completion_date, "j F Y")
    statements: list[tuple[str, bool]] = []
    if kind["participation"]:
        amount = layered.Fact("Participation", [(str(kind["hours"]), False)])
        maximum = ama_pra_html(str(kind["designated_maximum"]))
        statements.append(
            (
                f"{maximum} {escape(name)} participated in the activity"
                f" for {escape(kind['hours'])}.",
                False,
            )
        )
    else:
        credits = format_credits(certificate.credits)
        amount = layered.Fact(
            "Credits claimed",
            [(f"{credits} ", False), *_runs(credit_name_html(certificate.credits))],
        )
    for moc in certificate.moc.all():
        points = format_credits(moc.points)
        text = (
            f"{moc.statement} MOC points earned: {points} {moc.credit_type_label}"
            f" ({moc.board} ID {moc.board_id})."
        )
        statements.append((str(escape(text)), True))
    facts = [
        layered.Fact("Completed", [(completed, False)]),
        amount,
        layered.Fact("Learning format", [(certificate.learning_format, False)]),
        layered.Fact("Certificate number", [(certificate.number or "", False)]),
    ]
    url = verification_url(certificate)
    code = grouped(certificate.verification_code)
    return layered.parts(name, facts, statements, url, code, qr_image(url))


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
    if settings.CERTIFICATE_RENDERER == Renderer.LAYERED:
        pdf = render_layered_pdf(certificate, paper)
        if pdf is not None:
            return pdf
    return render_flow_pdf(certificate, paper)


def render_layered_pdf(certificate: Certificate, paper: str = "letter") -> bytes | None:
    """The certificate in two layers (layered.py), or None when this
    learner's parts cannot be drawn that way."""
    learner = learner_parts(certificate)
    if learner is None:
        return None
    html = certificate_html(certificate, paper, slots=learner.slots)
    layer = layered.fixed_layer(html, paper, lambda: _laid_out(html, paper))
    if layer is None:
        return None
    return layered.compose(learner, layer, f"Certificate {certificate.number}")


def _laid_out(html: str, paper: str) -> Any:
    """The WeasyPrint document of ``html`` (one certificate page)."""
    return CertificateHTML(string=html, base_url=None).render(
        stylesheets=[_stylesheet(paper)], font_config=_fonts()
    )


def _one_page_that_fits(document: Any) -> bool:
    return len(document.pages) == 1 and page_fit.statements_fit(document.pages[0].anchors)


def render_flow_pdf(certificate: Certificate, paper: str = "letter") -> bytes:
    """The whole page laid out by WeasyPrint. When its statements would run
    into the signature or the verification block (page_fit): the MOC
    statements on a second page, then the name in a smaller size (a name of
    three lines), then both; the first layout that fits."""
    has_moc = functools.cache(certificate.moc.exists)  # asked only if page 1 is full
    for compact, split in page_fit.LAYOUTS:
        if split and not has_moc():
            continue
        if not split:
            html = certificate_html(certificate, paper, compact_name=compact)
            document = _laid_out(html, paper)
            if _one_page_that_fits(document):
                return document.write_pdf()
            continue
        first, second = (
            _laid_out(certificate_html(certificate, paper, page=n, compact_name=compact), paper)
            for n in (1, 2)
        )
        if _one_page_that_fits(first) and _one_page_that_fits(second):
            return first.copy([*first.pages, *second.pages]).write_pdf()
    raise page_fit.CertificateDoesNotFit(
        f"Certificate {certificate.number}: its statements do not fit above the "
        "signature and the verification block in any layout (the MOC statements on a "
        "second page, the name smaller)."
    )
