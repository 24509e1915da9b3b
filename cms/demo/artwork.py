"""Original demo artwork, drawn with Pillow when the demo is seeded (nothing
binary is committed): abstract lead images in Curbside's palette and
placeholder portraits with a mentor's initials. None shows a real person.

Each drawing comes with the alt text that describes it; the same words go in
the image's description (Wagtail's default alt text) and in the alt text of
the page or mentor that uses it.
"""

import io
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageFont

# From cms/static/css/site.css.
PALETTE = {
    "teal": ((11, 110, 102), "a teal"),
    "career": ((106, 63, 181), "a violet"),
    "practice": ((154, 74, 8), "an amber-brown"),
    "navy": ((20, 54, 93), "a navy"),
}
PAPER = (255, 255, 255)
ACCENT_BG = (230, 243, 241)

LEAD_SIZE = (1600, 900)
PORTRAIT_SIZE = 480
SUPERSAMPLE = 2  # drawn at twice the size and scaled down: smooth edges


@dataclass(frozen=True)
class Artwork:
    png: bytes
    alt: str


def _mix(colour, other, amount):
    return tuple(round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))


def _png(image):
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _canvas(colour, size, rng):
    """A diagonal wash from the colour to a lighter shade of it, with a few
    soft, blurred circles (drawn small and scaled up: cheap and smooth)."""
    light = _mix(colour, PAPER, 0.3)
    corners = Image.new("L", (2, 2))
    corners.putdata([0, 110, 110, 255])
    wash = corners.resize(size, Image.Resampling.BILINEAR)
    image = Image.composite(Image.new("RGB", size, light), Image.new("RGB", size, colour), wash)
    small = (size[0] // 16, size[1] // 16)
    mask = Image.new("L", small, 0)
    draw = ImageDraw.Draw(mask)
    for _ in range(6):
        r = rng.randint(small[1] // 8, small[1] // 3)
        x, y = rng.randint(0, small[0]), rng.randint(0, small[1])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=50)
    mask = mask.filter(ImageFilter.GaussianBlur(1)).resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, _mix(colour, PAPER, 0.6)), image, mask)


def _trace(draw, size, rng, line):
    """A heart-rhythm trace across the picture."""
    width, height = size
    base = height * 0.58
    points, x = [], 0
    while x < width:
        points.append((x, base))
        beat = x + rng.randint(width // 9, width // 6)
        points += [
            (beat, base),
            (beat + width * 0.012, base - height * 0.06),
            (beat + width * 0.024, base),
            (beat + width * 0.04, base + height * 0.05),
            (beat + width * 0.055, base - height * 0.3),
            (beat + width * 0.07, base + height * 0.12),
            (beat + width * 0.085, base),
            (beat + width * 0.13, base - height * 0.07),
            (beat + width * 0.16, base),
        ]
        x = beat + width * 0.16
    draw.line(points, fill=line, width=height // 70, joint="curve")


def _path(draw, size, rng, line):
    """A winding road up the picture, with round milestone markers."""
    width, height = size
    phase = rng.random() * math.pi
    points = []
    for step in range(0, 101):
        t = step / 100
        x = width * (0.08 + 0.84 * t)
        y = height * (0.8 - 0.55 * t) + math.sin(t * math.pi * 2.5 + phase) * height * 0.1
        points.append((x, y))
    draw.line(points, fill=line, width=height // 28, joint="curve")
    for index in (15, 40, 65, 90):
        x, y = points[index]
        r = height // 24
        draw.ellipse((x - r, y - r, x + r, y + r), fill=PAPER, outline=line, width=height // 90)


def _grid(draw, size, rng, line):
    """A week's schedule: rows of rounded blocks, some filled."""
    width, height = size
    columns, rows = 7, 4
    gap = width // 60
    cell_w = (width * 0.8 - gap * (columns - 1)) / columns
    cell_h = (height * 0.6 - gap * (rows - 1)) / rows
    left, top = width * 0.1, height * 0.2
    for row in range(rows):
        for column in range(columns):
            x = left + column * (cell_w + gap)
            y = top + row * (cell_h + gap)
            filled = rng.random() < 0.45
            draw.rounded_rectangle(
                (x, y, x + cell_w, y + cell_h),
                radius=gap,
                fill=line if filled else None,
                outline=line,
                width=height // 150,
            )


def _conversation(draw, size, rng, line):
    """Two speech bubbles, one answering the other."""
    width, height = size
    for (x, y, w, h), fill in (
        ((0.14, 0.2, 0.42, 0.32), PAPER),
        ((0.44, 0.48, 0.42, 0.3), line),
    ):
        box = (width * x, height * y, width * (x + w), height * (y + h))
        draw.rounded_rectangle(
            box, radius=height // 12, fill=fill, outline=line, width=height // 90
        )
        tail_x = box[0] + (box[2] - box[0]) * (0.2 if fill == PAPER else 0.8)
        draw.polygon(
            [
                (tail_x, box[3] - 2),
                (tail_x + width * 0.04, box[3] - 2),
                (tail_x, box[3] + height * 0.07),
            ],
            fill=fill,
        )
        for line_index in range(3):
            ly = box[1] + (box[3] - box[1]) * (0.3 + 0.2 * line_index)
            length = (box[2] - box[0]) * (0.7 - 0.15 * (line_index == 2))
            colour = line if fill == PAPER else PAPER
            draw.line(
                (box[0] + width * 0.04, ly, box[0] + width * 0.04 + length * 0.8, ly),
                fill=colour,
                width=height // 70,
            )


def _checklist(draw, size, rng, line):
    """A checklist with three ticked items."""
    width, height = size
    for row in range(3):
        y = height * (0.24 + 0.2 * row)
        box = height * 0.11
        x = width * 0.22
        draw.rounded_rectangle(
            (x, y, x + box, y + box), radius=box // 5, fill=PAPER, outline=line, width=height // 90
        )
        draw.line(
            [
                (x + box * 0.2, y + box * 0.52),
                (x + box * 0.42, y + box * 0.75),
                (x + box * 0.82, y + box * 0.25),
            ],
            fill=line,
            width=height // 60,
            joint="curve",
        )
        draw.rounded_rectangle(
            (x + box * 1.6, y + box * 0.3, width * (0.78 - 0.08 * row), y + box * 0.7),
            radius=box // 5,
            fill=PAPER,
        )


MOTIFS = {
    "trace": (_trace, "a heart-rhythm trace running across"),
    "path": (_path, "a winding road with round milestone markers climbing across"),
    "grid": (_grid, "a weekly schedule of rounded blocks, some filled in, on"),
    "conversation": (_conversation, "two speech bubbles, one answering the other, on"),
    "checklist": (_checklist, "a checklist with three ticked items on"),
}


def lead_artwork(motif, colour_name, variant=0):
    """A 16:9 abstract illustration: ``motif`` (see MOTIFS) in a palette colour."""
    colour, colour_words = PALETTE[colour_name]
    size = (LEAD_SIZE[0] * SUPERSAMPLE, LEAD_SIZE[1] * SUPERSAMPLE)
    rng = random.Random(f"{motif}-{colour_name}-{variant}")
    image = _canvas(colour, size, rng)
    draw, what = MOTIFS[motif]
    draw(ImageDraw.Draw(image), size, rng, _mix(colour, (0, 0, 0), 0.25))
    image = image.resize(LEAD_SIZE, Image.Resampling.LANCZOS)
    return Artwork(png=_png(image), alt=f"Illustration of {what} {colour_words} background")


def portrait_artwork(name, initials, colour_name):
    """A square placeholder portrait: a head-and-shoulders outline and the
    person's initials. Drawn, not a photograph."""
    colour, colour_words = PALETTE[colour_name]
    side = PORTRAIT_SIZE * SUPERSAMPLE
    image = Image.new("RGB", (side, side), _mix(colour, PAPER, 0.15))
    draw = ImageDraw.Draw(image)
    figure = _mix(colour, PAPER, 0.45)
    draw.ellipse((side * 0.32, side * 0.14, side * 0.68, side * 0.5), fill=figure)
    draw.ellipse((side * 0.12, side * 0.56, side * 0.88, side * 1.3), fill=figure)
    font = ImageFont.load_default(size=side // 5)
    draw.text((side / 2, side * 0.8), initials, font=font, fill=PAPER, anchor="mm")
    image = image.resize((PORTRAIT_SIZE, PORTRAIT_SIZE), Image.Resampling.LANCZOS)
    return Artwork(
        png=_png(image),
        alt=f"Placeholder portrait for {name}: the outline of a head and shoulders "
        f"with the initials {initials} on {colour_words} background",
    )
