"""Demo images in the image library: drawn when first needed (``artwork``),
found by title afterwards, so seeding twice adds nothing. Each image's
description is its alt text (Wagtail's default alt text), and the pages and
mentors that use it carry the same words in their own alt text field.

Guides share a few illustrations per topic (two variants each), so the first
visit to a listing renders few renditions; each learning path has its own.
Mentors in the directory get a placeholder portrait with their initials.
"""

import io
import zlib

from django.core.files.images import ImageFile
from django.utils.text import slugify

from wagtail.images import get_image_model

from cms.choices import Topic

from .artwork import lead_artwork, portrait_artwork

GUIDE_ARTWORK = {
    Topic.CLINICAL: ("trace", "teal"),
    Topic.CAREER: ("path", "career"),
    Topic.PRACTICE: ("grid", "practice"),
}
GUIDE_VARIANTS = 2
PORTRAIT_COLOURS = ("teal", "navy", "career", "practice")


def _stable_index(text, count):
    return zlib.crc32(text.encode("utf-8")) % count


def library_image(title, draw):
    """The library image called ``title``, drawn by ``draw()`` (an Artwork)
    the first time. Returns (image, alt text)."""
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        artwork = draw()
        image = Image(title=title, description=artwork.alt)
        image.file.save(
            f"{slugify(title)}.png", ImageFile(io.BytesIO(artwork.png), name="demo.png"), save=False
        )
        image.save()
    return image, image.description


def guide_lead_image(slug, topic):
    """One of its topic's illustrations for the guide ``slug``: (image, alt)."""
    motif, colour = GUIDE_ARTWORK[Topic(topic)]
    variant = _stable_index(slug, GUIDE_VARIANTS) + 1
    title = f"Demo illustration: {Topic(topic).label.lower()} {variant}"
    return library_image(title, lambda: lead_artwork(motif, colour, variant))


def path_lead_image(slug, title, motif, colour):
    """The path's own illustration: (image, alt)."""
    return library_image(
        f"Demo illustration: {title}", lambda: lead_artwork(motif, colour, f"path-{slug}")
    )


def mentor_portrait(mentor):
    """A placeholder portrait with the mentor's initials: (image, alt)."""
    colour = PORTRAIT_COLOURS[_stable_index(mentor.slug, len(PORTRAIT_COLOURS))]
    return library_image(
        f"Demo portrait: {mentor.name}",
        lambda: portrait_artwork(mentor.name, mentor.initials, colour),
    )
