"""The fonts and text runs of a certificate's learner layer (layered.py).

The learner's parts of a certificate are drawn with ReportLab in the very
font files WeasyPrint uses for the rest of the page (DejaVu Serif and Sans,
found through fontconfig), cut down once per process to the characters below
(about a second, the first time a process draws a certificate). ReportLab
places glyphs one after another: it does not shape text (no ligatures, no
joining, no reordering of right-to-left scripts) the way Pango and HarfBuzz
do for WeasyPrint. So a learner text is
drawn this way only when every character is one that needs no shaping and
has a glyph in the font (``drawable``); otherwise the whole certificate is
rendered by WeasyPrint as before."""

from __future__ import annotations

import functools
import io
import logging
import unicodedata
from collections.abc import Iterable

from fontTools import subset
from fontTools.ttLib import TTFont as FontFile
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .font_coverage import fontconfig

logger = logging.getLogger(__name__)

# ReportLab font name -> (fontconfig pattern, the family and style it must match).
FACES = {
    "CS-Serif": ("DejaVu Serif", "DejaVu Serif", "Book"),
    "CS-Serif-Italic": ("DejaVu Serif:italic", "DejaVu Serif", "Italic"),
    "CS-Sans": ("DejaVu Sans", "DejaVu Sans", "Book"),
    "CS-Sans-Bold": ("DejaVu Sans:bold", "DejaVu Sans", "Bold"),
    "CS-Sans-BoldOblique": ("DejaVu Sans:bold:italic", "DejaVu Sans", "Bold Oblique"),
}
SERIF, SERIF_ITALIC = "CS-Serif", "CS-Serif-Italic"
SANS, SANS_BOLD, SANS_BOLD_OBLIQUE = "CS-Sans", "CS-Sans-Bold", "CS-Sans-BoldOblique"

# Blocks of characters that are drawn one glyph after another with no
# shaping: Basic Latin to Latin Extended-B, IPA, spacing modifiers, Greek,
# Cyrillic, Latin Extended Additional (Vietnamese's precomposed letters),
# general punctuation, currency, letterlike symbols (™). Combining marks are
# not (after NFC, a mark left over needs positioning).
DRAWABLE_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x02FF),
    (0x0370, 0x03FF),
    (0x0400, 0x04FF),
    (0x1E00, 0x1EFF),
    (0x2010, 0x2027),
    (0x2030, 0x205E),
    (0x20A0, 0x20BF),
    (0x2100, 0x214F),
)


def _fontconfig_file(pattern: str, family: str, style: str) -> str | None:
    found = fontconfig("fc-match", "-f", "%{file}|%{family}|%{style}", pattern)
    if found is None:
        return None
    path, _, rest = found.partition("|")
    families, _, styles = rest.partition("|")
    if family not in families.split(",") or style not in styles.split(","):
        return None
    return path


# Ascent and descent per em, as WeasyPrint (Pango, HarfBuzz) places a line:
# the font's horizontal header, not the OS/2 typographic values ReportLab reads.
_METRICS: dict[str, tuple[float, float]] = {}


def _drawable_font(path: str) -> tuple[io.BytesIO, tuple[float, float]]:
    """The font cut down to the characters drawn unshaped, without hinting
    (WeasyPrint embeds fonts without it too) or layout tables: ReportLab
    embeds the glyphs it draws from this, a few kB a face rather than 20.
    With the font's ascent and descent per em (_METRICS)."""
    font = FontFile(path, lazy=True)
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    options.glyph_names = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "MATH", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(
        unicodes=[code for low, high in DRAWABLE_RANGES for code in range(low, high + 1)]
    )
    subsetter.subset(font)
    per_em = font["head"].unitsPerEm
    metrics = (font["hhea"].ascent / per_em, -font["hhea"].descent / per_em)
    data = io.BytesIO()
    font.save(data)
    data.seek(0)
    return data, metrics


@functools.cache
def registered() -> bool:
    """Register the six faces with ReportLab, once per process. False (and
    the flow renderer for every certificate) when one is not installed."""
    found = {name: _fontconfig_file(*spec) for name, spec in FACES.items()}
    paths = {name: path for name, path in found.items() if path is not None}
    missing = [FACES[name][0] for name in FACES if name not in paths]
    if missing:
        logger.warning(
            "Certificates are rendered by WeasyPrint alone: fonts not found: %s",
            ", ".join(missing),
        )
        return False
    for name, path in paths.items():
        data, _METRICS[name] = _drawable_font(path)
        pdfmetrics.registerFont(TTFont(name, data))
    # <i> in a paragraph of serif text (the learner's statements) picks the italic face.
    for bold in (0, 1):
        addMapping(SERIF, bold, 0, SERIF)
        addMapping(SERIF, bold, 1, SERIF_ITALIC)
    return True


def _in_ranges(code: int) -> bool:
    return any(low <= code <= high for low, high in DRAWABLE_RANGES)


def drawable(texts: Iterable[str], fonts: Iterable[str]) -> bool:
    """Whether every character of ``texts`` can be drawn unshaped, with a
    glyph in every one of ``fonts`` (registered first)."""
    faces = [pdfmetrics.getFont(name).face for name in fonts]
    for text in texts:
        for char in unicodedata.normalize("NFC", text):
            code = ord(char)
            if char in "\n\t":
                continue
            if not _in_ranges(code) or unicodedata.combining(char):
                return False
            if any(code not in face.charToGlyph for face in faces):
                return False
    return True


def width(runs: Iterable[tuple[str, str]], size: float, char_space: float = 0.0) -> float:
    """The width in points of text runs (text, font) at ``size``."""
    total = 0.0
    for text, font in runs:
        total += pdfmetrics.stringWidth(text, font, size) + char_space * len(text)
    return total


def line_box(font: str, size: float, line_height: float) -> tuple[float, float]:
    """(baseline offset from the top of a line box, the box's height), with
    the half-leading split above and below as CSS does."""
    ascent, descent = (metric * size for metric in _METRICS[font])
    height = size * line_height
    return (height - (ascent + descent)) / 2 + ascent, height
