"""A learner's name prints in its own script (cms/names.py keeps every
script): Chinese, Japanese, Korean, Indic, Thai, Arabic and Hebrew names go to
the whole-page render (WeasyPrint shapes them, with fontconfig's fallback
fonts), and no character may come out as an empty box (WeasyPrint's .notdef
glyph). Needs fonts for those scripts (Debian: fonts-noto-core,
fonts-noto-cjk; .ci/run installs them); `check --deploy` warns without them
(curbside.W006)."""

import logging

import pypdfium2
import pytest

from curbside.checks import check_certificate_fonts
from learning.certificates import font_coverage, rendering
from tests.availability import require

pytestmark = pytest.mark.django_db

NAMES = {
    "王秀英": True,
    "佐藤 花子": True,
    "김민준": True,
    "प्रिया शर्मा": False,
    "অমিত দাস": False,
    "செல்வி ராஜா": False,
    "สมชาย ใจดี": False,
    "محمد عبد الله": False,
    "דוד כהן": False,
}


@pytest.fixture
def fonts():
    require(font_coverage.scripts_without_a_font() == [], "a font for every script")


@pytest.mark.parametrize("name, text_is_in_order", NAMES.items())
def test_a_name_in_any_script_prints_without_empty_boxes(
    fonts, certificate, caplog, name, text_is_in_order
):
    certificate.learner_name = name
    assert rendering.render_layered_pdf(certificate) is None  # shaped by WeasyPrint
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = rendering.render_pdf(certificate)
    assert ".notdef" not in caplog.text
    if text_is_in_order:  # scripts drawn in typing order come back out of the PDF as typed
        page = pypdfium2.PdfDocument(data)[0]
        assert name in page.get_textpage().get_text_range()


def test_check_deploy_names_the_scripts_without_a_font(monkeypatch, fonts):
    assert check_certificate_fonts(None) == []
    monkeypatch.setattr(font_coverage, "SCRIPTS", {**font_coverage.SCRIPTS, "x-none": "Nowhere"})
    warnings = check_certificate_fonts(None)
    assert [warning.id for warning in warnings] == ["curbside.W006"]
    assert "No font for Nowhere" in warnings[0].msg
