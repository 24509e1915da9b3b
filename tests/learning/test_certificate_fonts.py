"""Font subsets made once per process (learning.certificates.font_subsets):
a certificate rendered with subsets taken from the cache is byte for byte
the PDF WeasyPrint writes without it, its fonts are still subsets (small),
and the text still reads back."""

import io

import pypdf
import pytest
from weasyprint.pdf.fonts import Font

from learning.certificates import font_subsets, rendering
from learning.models import Certificate

from .conftest import complete

pytestmark = pytest.mark.django_db


def embedded_fonts(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    found = {}
    for font in fonts.values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        found[str(font.get_object()["/BaseFont"])] = descriptor["/FontFile2"].get_data()
    return found


def test_a_render_from_cached_subsets_is_the_same_pdf(certificate):
    assert font_subsets.install()  # this WeasyPrint has the method the cache wraps
    font_subsets._SUBSETS.clear()
    before = dict(font_subsets.stats)
    first = rendering.render_flow_pdf(certificate, paper="a4")
    second = rendering.render_flow_pdf(certificate, paper="a4")
    assert font_subsets.stats["misses"] > before["misses"]
    assert font_subsets.stats["hits"] - before["hits"] == len(embedded_fonts(first))

    uncached = Font.subset.__wrapped__
    original, Font.subset = Font.subset, uncached
    try:
        plain = rendering.render_flow_pdf(certificate, paper="a4")
    finally:
        Font.subset = original
    assert embedded_fonts(first) == embedded_fonts(second) == embedded_fonts(plain)
    assert first == second == plain

    # Still subsets: each embedded font is a small part of its DejaVu file.
    assert all(len(data) < 60_000 for data in embedded_fonts(second).values())
    text = pypdf.PdfReader(io.BytesIO(second)).pages[0].extract_text()
    assert certificate.learner_name in " ".join(text.split())
    assert certificate.number in text


def test_another_learner_s_glyphs_are_subset_anew(certificate, nurse, path):
    complete(nurse, path, credits="1")
    other = Certificate.objects.get(user=nurse)
    font_subsets._SUBSETS.clear()
    rendering.render_flow_pdf(certificate)
    misses = font_subsets.stats["misses"]
    data = rendering.render_flow_pdf(other)
    assert font_subsets.stats["misses"] > misses  # the new name's glyphs
    text = " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert other.learner_name in text
