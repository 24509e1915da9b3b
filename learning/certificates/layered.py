"""A certificate drawn in two layers (issue: performance).

Most of a certificate is the same for every learner of a path: the frame, the
provider, the title, the activity, the accreditation statement, the credit
designation, the signature. WeasyPrint draws that once (the *fixed layer*),
with empty boxes of measured sizes where the learner's parts go; ReportLab
draws the learner's parts (the name, the facts, the learner's statements, the
verification link and QR code) into those boxes, and pikepdf lays the one page
over the other. Laying out the whole page with WeasyPrint for each learner cost
about four fifths of a worker's time in bulk issuance.

The boxes are measured before the fixed layer is drawn (a long name takes two
lines and moves everything under it down), so the fixed layer is keyed by its
own HTML: every fact printed in it and every box size. A path whose statement
changes, or a name that needs two lines, gets another fixed layer; a learner
never gets another learner's page. Where a box sits on the page is read back
from WeasyPrint's layout (``Page.anchors``), never assumed.

``parts`` returns None when this learner's certificate cannot be drawn this
way (a character that needs shaping, a name longer than two lines, facts wider
than the page); rendering.py then renders the whole page with WeasyPrint."""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from PIL import Image
from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from . import layered_order, page_fit
from .layered_fonts import (
    SANS,
    SANS_BOLD,
    SANS_BOLD_OBLIQUE,
    SERIF,
    SERIF_ITALIC,
    drawable,
    line_box,
    registered,
    width,
)

MM = 72 / 25.4  # points in a millimetre
PX = 0.75  # points in a CSS pixel

# The certificate's measures, as certificate.css sets them.
INNER_WIDTH = 233 * MM  # the sheet (265 mm) less 16 mm each side
STATEMENTS_WIDTH = 190 * MM
NAME_SIZE, NAME_LINE_HEIGHT, NAME_MAX_LINES = 26.0, 1.2, 2
LABEL_SIZE, LABEL_LINE_HEIGHT, LABEL_TRACKING = 7.5, 1.2, 0.05
VALUE_SIZE, VALUE_LINE_HEIGHT, VALUE_GAP = 11.0, 1.2, 0.5 * MM
FACT_PADDING = 9 * MM
PARAGRAPH_GAP = 1.6 * MM
VERIFY_SIZE, CODE_SIZE, VERIFY_LINE_HEIGHT, CODE_TRACKING = 7.8, 8.5, 1.25, 0.03

INK, NAME_INK, LABEL_INK, STATEMENT_INK = "#1b2733", "#0c2440", "#44515f", "#2c3a48"
STATEMENT = ParagraphStyle(
    "statement", fontName=SERIF, fontSize=9.6, leading=9.6 * 1.4, textColor=HexColor(STATEMENT_INK)
)
MOC_STATEMENT = ParagraphStyle("moc", parent=STATEMENT, fontSize=8.2, leading=8.2 * 1.3)

# Fixed layers kept per process, by the digest of their paper and HTML.
_FIXED_MAX = 32
# A page that cannot be a fixed layer is kept too (None): every certificate
# of it goes to the flow renderer without drawing the page again.
_fixed: OrderedDict[str, FixedLayer | None] = OrderedDict()
_fixed_lock = threading.Lock()
stats = {"hits": 0, "misses": 0}

# A fact's value: runs of (text, italic).
Runs = list[tuple[str, bool]]


@dataclass(frozen=True)
class Fact:
    label: str
    value: Runs

    def value_runs(self) -> list[tuple[str, str]]:
        """The value's runs as (text, font)."""
        return [(text, SANS_BOLD_OBLIQUE if italic else SANS_BOLD) for text, italic in self.value]

    def column_width(self) -> float:
        """As wide as its label or value, whichever is wider, then the
        table's padding (as the whole-page render's table lays it)."""
        label = width([(self.label.upper(), SANS)], LABEL_SIZE, LABEL_TRACKING * LABEL_SIZE)
        return max(label, width(self.value_runs(), VALUE_SIZE)) + FACT_PADDING


@dataclass
class LearnerParts:
    """What differs from one learner to the next, measured."""

    name_lines: list[str]
    facts: list[Fact]
    paragraphs: list[Paragraph]
    paragraph_heights: list[float]
    verify_url: str
    code: str
    qr: Image.Image
    fact_columns: list[float] = field(default_factory=list)  # each fact's column width
    slots: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class FixedLayer:
    pdf: bytes
    size: tuple[float, float]  # the page's width and height in points
    boxes: dict[str, tuple[float, float, float, float]]  # id -> x0, top, x1, bottom in points
    # Where each learner's part reads (layered_order); None: over the page, at the end.
    order: layered_order.StreamSplit | None = None


def _markup(html: str) -> str:
    """The escaped HTML of a statement (``ama_pra``: <em>name</em>™) as
    ReportLab's paragraph markup."""
    return html.replace("<em>", "<i>").replace("</em>", "</i>").replace("&#x27;", "&#39;")


def parts(
    name: str,
    facts: list[Fact],
    statements: list[tuple[str, bool]],
    verify_url: str,
    code: str,
    qr: Image.Image,
) -> LearnerParts | None:
    """The learner's parts measured, with the box sizes the fixed layer
    leaves for them; None when they cannot be drawn in two layers."""
    if not registered():
        return None
    plain = [name, verify_url, code] + [fact.label.upper() for fact in facts]
    plain += [text for fact in facts for text, _ in fact.value]
    if not drawable(
        plain + [text for text, _ in statements], [SERIF, SERIF_ITALIC, SANS, SANS_BOLD]
    ):
        return None
    if not drawable([text for fact in facts for text, _ in fact.value], [SANS_BOLD_OBLIQUE]):
        return None
    name_lines = simpleSplit(name, SERIF, NAME_SIZE, INNER_WIDTH)
    if not 1 <= len(name_lines) <= NAME_MAX_LINES:
        return None
    if any(width([(line, SERIF)], NAME_SIZE) > INNER_WIDTH for line in name_lines):
        return None  # a word longer than the line: WeasyPrint decides how it overflows
    fact_columns = [fact.column_width() for fact in facts]
    if sum(fact_columns) > INNER_WIDTH or width([(verify_url, SANS)], VERIFY_SIZE) > 110 * MM:
        return None
    paragraphs = [
        Paragraph(_markup(html), MOC_STATEMENT if moc else STATEMENT) for html, moc in statements
    ]
    heights = [paragraph.wrap(STATEMENTS_WIDTH, 10_000)[1] for paragraph in paragraphs]
    learner = LearnerParts(
        name_lines, facts, paragraphs, heights, verify_url, code, qr, fact_columns
    )
    learner.slots = {
        "name": len(name_lines) * NAME_SIZE * NAME_LINE_HEIGHT,
        "facts": LABEL_SIZE * LABEL_LINE_HEIGHT + VALUE_GAP + VALUE_SIZE * VALUE_LINE_HEIGHT,
        "statements": sum(heights) + PARAGRAPH_GAP * len(heights),
        "verify": VERIFY_LINE_HEIGHT * (2 * VERIFY_SIZE + CODE_SIZE),
    }
    return learner


def fixed_layer(html: str, paper: str, render: Callable[[], Any]) -> FixedLayer | None:
    """The fixed layer for ``html`` on ``paper`` (its size is in the
    stylesheet, not the HTML), drawn by ``render()`` (a WeasyPrint Document)
    the first time; None when it is not one page with every box, or its
    statements would run into the signature or the verification block."""
    key = hashlib.sha256(f"{paper}\n{html}".encode()).hexdigest()
    with _fixed_lock:
        if key in _fixed:
            _fixed.move_to_end(key)
            stats["hits"] += 1
            return _fixed[key]
    stats["misses"] += 1
    layer = _drawn(render())
    with _fixed_lock:
        _fixed[key] = layer
        while len(_fixed) > _FIXED_MAX:
            _fixed.popitem(last=False)
    return layer


def _drawn(document: Any) -> FixedLayer | None:
    """The fixed layer of a laid-out page; None when it is not one page with
    every box, or its statements would run into the signature or the
    verification block (the flow renderer then moves the MOC statements to
    a second page)."""
    if len(document.pages) != 1:
        return None
    page = document.pages[0]
    boxes = {
        name[len("slot-") :]: tuple(value * PX for value in box)
        for name, box in page.anchors.items()
        if name.startswith("slot-")
    }
    if set(boxes) != {"name", "facts", "statements", "verify", "qr"}:
        return None
    if not page_fit.statements_fit(page.anchors):
        return None
    pdf = document.write_pdf()
    size = (page.width * PX, page.height * PX)
    return FixedLayer(pdf, size, boxes, layered_order.split(pdf, size[1], boxes))


def _line(
    canvas: Canvas,
    x: float,
    baseline: float,
    runs: list[tuple[str, str]],
    size: float,
    char_space: float = 0.0,
) -> None:
    """One line of text runs (text, font) from ``x`` on ``baseline``."""
    text = canvas.beginText(x, baseline)
    text.setCharSpace(char_space)
    for chunk, font in runs:
        text.setFont(font, size)
        text.textOut(chunk)
    canvas.drawText(text)


def _draw_name(canvas: Canvas, learner: LearnerParts, left: float, top: float) -> None:
    baseline, line = line_box(SERIF, NAME_SIZE, NAME_LINE_HEIGHT)
    canvas.setFillColor(HexColor(NAME_INK))
    for text in learner.name_lines:
        _line(canvas, left, top - baseline, [(text, SERIF)], NAME_SIZE)
        top -= line


def _draw_facts(canvas: Canvas, learner: LearnerParts, left: float, top: float) -> None:
    """Each fact in its column (Fact.column_width, measured in parts())."""
    label_baseline, label_line = line_box(SANS, LABEL_SIZE, LABEL_LINE_HEIGHT)
    value_baseline, _ = line_box(SANS_BOLD, VALUE_SIZE, VALUE_LINE_HEIGHT)
    tracking = LABEL_TRACKING * LABEL_SIZE
    for fact, column in zip(learner.facts, learner.fact_columns, strict=True):
        canvas.setFillColor(HexColor(LABEL_INK))
        _line(
            canvas, left, top - label_baseline, [(fact.label.upper(), SANS)], LABEL_SIZE, tracking
        )
        canvas.setFillColor(HexColor(INK))
        baseline = top - label_line - VALUE_GAP - value_baseline
        _line(canvas, left, baseline, fact.value_runs(), VALUE_SIZE)
        left += column


def _draw_statements(canvas: Canvas, learner: LearnerParts, left: float, top: float) -> None:
    for paragraph, height in zip(learner.paragraphs, learner.paragraph_heights, strict=True):
        paragraph.drawOn(canvas, left, top - height)
        top -= height + PARAGRAPH_GAP


def _draw_verification(canvas: Canvas, learner: LearnerParts, right: float, top: float) -> None:
    """Three lines set right: the invitation, the link, "Code" and the code."""
    canvas.setFillColor(HexColor(INK))
    baseline, line = line_box(SANS, VERIFY_SIZE, VERIFY_LINE_HEIGHT)
    canvas.setFont(SANS, VERIFY_SIZE)
    for text in ("Verify this certificate at", learner.verify_url):
        canvas.drawRightString(right, top - baseline, text)
        top -= line
    code_baseline, _ = line_box(SANS, CODE_SIZE, VERIFY_LINE_HEIGHT)
    tracking = CODE_TRACKING * CODE_SIZE
    prefix = "Code "
    prefix_width = width([(prefix, SANS)], VERIFY_SIZE)
    start = right - width([(learner.code, SANS)], CODE_SIZE, tracking) - prefix_width
    _line(canvas, start, top - code_baseline, [(prefix, SANS)], VERIFY_SIZE)
    _line(
        canvas,
        start + prefix_width,
        top - code_baseline,
        [(learner.code, SANS)],
        CODE_SIZE,
        tracking,
    )


def _draw(learner: LearnerParts, layer: FixedLayer) -> bytes:
    """The learner's parts in the fixed layer's boxes, one page each, in the
    order of layered_order.SLOTS; the rest of each page empty."""
    page_height = layer.size[1]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=layer.size, pageCompression=1, invariant=1)

    def corner(name: str, side: int) -> tuple[float, float]:
        """The box's left (side 0) or right (side 2) edge and its top, in PDF points."""
        box = layer.boxes[name]
        return box[side], page_height - box[1]

    def qr() -> None:
        left, _, right, bottom = layer.boxes["qr"]
        side = right - left
        canvas.drawImage(ImageReader(learner.qr), left, page_height - bottom, side, side)

    drawers = {
        "name": lambda: _draw_name(canvas, learner, *corner("name", 0)),
        "facts": lambda: _draw_facts(canvas, learner, *corner("facts", 0)),
        "statements": lambda: _draw_statements(canvas, learner, *corner("statements", 0)),
        "verify": lambda: _draw_verification(canvas, learner, *corner("verify", 2)),
        "qr": qr,
    }
    for slot in layered_order.SLOTS:
        drawers[slot]()
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def compose(learner: LearnerParts, layer: FixedLayer, title: str) -> bytes:
    """The learner's parts drawn into the fixed layer, as one PDF page: each
    where it reads in the page's text (layered_order), or, when that could
    not be told, laid over the whole page."""
    parts_pdf = _draw(learner, layer)
    with (
        pikepdf.open(io.BytesIO(layer.pdf)) as pdf,
        pikepdf.open(io.BytesIO(parts_pdf)) as learner_pdf,
    ):
        page = pdf.pages[0]
        if layer.order is None:
            for part in learner_pdf.pages:
                page.add_overlay(part, pikepdf.Rectangle(page.mediabox))
        else:
            names = {
                slot: page.add_resource(
                    pdf.copy_foreign(part.as_form_xobject()), pikepdf.Name.XObject, prefix="Part"
                )
                for slot, part in zip(layered_order.SLOTS, learner_pdf.pages, strict=True)
            }
            plain = page.add_resource(
                layered_order.plain_state(), pikepdf.Name.ExtGState, prefix="Plain"
            )
            page.Contents = pdf.make_stream(layer.order.stream(names, plain))
        pdf.docinfo[pikepdf.Name.Title] = title
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()
