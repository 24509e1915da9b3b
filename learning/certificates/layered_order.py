"""Where each of the learner's parts goes in the fixed page's content stream,
so that the certificate's text reads in the page's order.

WeasyPrint paints the fixed page's text in document order. Laid over the
page at the end, the learner's parts came last in the content stream, and
whatever reads a page's text in stream order (copying all of it, text
extraction, many screen readers on an untagged PDF) read "This certifies
that completed the activity..." with the learner's name after the
signature. Each part is now drawn (as a Form XObject) just before the first
line of fixed text that lies below its box: the name before "completed the
activity", the facts before the accreditation statement, the statements
before the signature; the verification block and the QR code, with nothing
below them, at the end.

The split is worked out once per fixed page (with its boxes), from the
operators WeasyPrint writes: lines placed with ``Tm``, transformations with
``cm``. Anything else that places a line (``Td``, ``T*``...), or a clipping
path or a transformation that flattens the page in force where a part would
go, gives no split (None): the parts are then laid over the whole page as
before, in the right place but last in reading order.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf

# The parts in document order, one page each in the learner's PDF (layered._draw).
SLOTS = ("name", "facts", "statements", "verify", "qr")
# A line whose baseline is this far (points) below a box's bottom is below it.
BELOW = 0.01
_OTHER_LINE_OPERATORS = {"Td", "TD", "T*", "'", '"'}

# A part is drawn inside the fixed page, where the graphics state is the
# page's at that point: an opacity, soft mask or blend mode set with ``gs``
# for the next line (WeasyPrint does so for an rgba() colour), its text
# spacing or render mode, its colours and line style. Each part starts from
# the defaults instead, as it would on a page of its own: what ``gs`` sets
# (plain_state(), a resource of the page), then the rest with its operators.
_PLAIN_OPERATORS = "0 Tc 0 Tw 100 Tz 0 TL 0 Tr 0 Ts 0 g 0 G 1 w 0 J 0 j 10 M [] 0 d"

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector convention: the result is m × n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _inverse(m: Matrix) -> Matrix | None:
    """None for a transformation that flattens the page (nothing drawn
    there can be seen, nor brought back)."""
    a, b, c, d, e, f = m
    det = a * d - b * c
    if abs(det) < 1e-12:
        return None
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))


@dataclass(frozen=True)
class Insertion:
    slot: str
    inverse: Matrix  # undoes the transformation in force: parts are drawn in page space
    in_text: bool  # inside a text object: closed before the part, opened again after


@dataclass(frozen=True)
class StreamSplit:
    """The fixed page's content stream in pieces, with the parts between them."""

    pieces: tuple[bytes | Insertion, ...]

    def stream(self, names: dict[str, pikepdf.Name], plain: pikepdf.Name) -> bytes:
        """The page's content stream with each part's XObject (``names``) drawn
        where it reads, in a plain graphics state: ``plain`` names an
        ExtGState (plain_state()) for what only ``gs`` sets."""
        out = io.BytesIO()
        for piece in self.pieces:
            if isinstance(piece, bytes):
                out.write(piece)
                continue
            matrix = " ".join(f"{value:.6f}" for value in piece.inverse)
            draw = f"q {matrix} cm {plain} gs {_PLAIN_OPERATORS} {names[piece.slot]} Do Q\n"
            out.write((f"ET\n{draw}BT\n" if piece.in_text else draw).encode())
        return out.getvalue()


def plain_state() -> pikepdf.Dictionary:
    """The ExtGState a part is drawn in: opaque, no soft mask, normal blending."""
    return pikepdf.Dictionary(
        Type=pikepdf.Name.ExtGState,
        CA=1,
        ca=1,
        SMask=pikepdf.Name("/None"),
        BM=pikepdf.Name.Normal,
        AIS=False,
    )


def split(
    pdf: bytes, page_height: float, boxes: dict[str, tuple[float, float, float, float]]
) -> StreamSplit | None:
    """Where each part goes in the first page of ``pdf`` (boxes: x0, top, x1,
    bottom in points from the page's top); None when it cannot be told."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        operations = list(pikepdf.parse_content_stream(document.pages[0]))
    # What is in force before each operation: transformation, clipping, text object.
    states: list[tuple[Matrix, bool, bool]] = []
    lines: list[tuple[int, float]] = []  # (index of a Tm, its baseline from the page's top)
    ctm, clipped, in_text = _IDENTITY, False, False
    saved: list[tuple[Matrix, bool]] = []
    for index, operation in enumerate(operations):
        states.append((ctm, clipped, in_text))
        operands, name = operation.operands, str(operation.operator)
        if name in _OTHER_LINE_OPERATORS:
            return None
        if name == "q":
            saved.append((ctm, clipped))
        elif name == "Q":
            if not saved:
                return None
            ctm, clipped = saved.pop()
        elif name == "cm":
            ctm = _multiply(tuple(float(x) for x in operands), ctm)  # type: ignore[arg-type]
        elif name in ("W", "W*"):
            clipped = True
        elif name == "BT":
            in_text = True
        elif name == "ET":
            in_text = False
        elif name == "Tm":
            e, f = float(operands[4]), float(operands[5])
            a, b, c, d, tx, ty = ctm
            lines.append((index, page_height - (e * b + f * d + ty)))
    end = len(operations)
    states.append((ctm, clipped, in_text))
    places: list[tuple[int, str]] = []
    earliest = 0
    for slot in SLOTS:
        bottom = boxes[slot][3]
        at = next((i for i, y in lines if i >= earliest and y > bottom + BELOW), end)
        if at < end and at > 0 and str(operations[at - 1].operator) == "BT":
            at -= 1  # before the text object rather than an empty one
        places.append((at, slot))
        earliest = at
    pieces: list[bytes | Insertion] = []
    start = 0
    for at, slot in places:
        ctm, clipped, in_text = states[at]
        inverse = _inverse(ctm)
        if clipped or inverse is None:
            return None
        if at > start:
            pieces.append(pikepdf.unparse_content_stream(operations[start:at]) + b"\n")
            start = at
        pieces.append(Insertion(slot, inverse, in_text))
    if start < end:
        pieces.append(pikepdf.unparse_content_stream(operations[start:end]) + b"\n")
    return StreamSplit(tuple(pieces))
