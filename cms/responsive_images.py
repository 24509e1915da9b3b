"""Every image on the public site is a ``<picture>``: WebP renditions with a
JPEG fallback, several widths in ``srcset`` with the layout's ``sizes``, and
width and height attributes so nothing moves while it loads.

One preset per place an image appears; the template tag
(``{% responsive_image %}`` in ``cms.templatetags.image_tags``) renders a
preset with Wagtail's ``Picture`` (what ``{% picture %}`` renders), and the
listings join the image and prefetch exactly the renditions their presets
need (``with_images``): one query per listing, however many cards it has.

Renditions are files in the default storage: local disk or the S3 bucket
(curbside/settings/storage.py), whose presigned URLs last longer than any
cached page that holds one.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from wagtail.images import get_image_model

# The browser takes the first <source> it can show: WebP (every current
# browser), else the JPEG fallback (Wagtail puts a white background under any
# transparency). Pillow here also encodes AVIF (about 20% smaller files than
# WebP for the demo illustrations), but 4 to 5 times slower: renditions are
# made during the first request that needs them, so WebP keeps that first
# view quick. Adding "avif" in front would give browsers the choice.
FORMATS = ("webp", "jpeg")


@dataclass(frozen=True)
class Preset:
    """Widths (CSS pixels x device pixel ratios) and an optional crop ratio."""

    widths: tuple[int, ...]
    sizes: str
    ratio: tuple[int, int] | None = None  # (width, height); None keeps the image's own

    def resize(self, width):
        if self.ratio is None:
            return f"width-{width}"
        w, h = self.ratio
        return f"fill-{width}x{round(width * h / w)}-c50"

    def specs(self, image=None):
        """Filter specs, grouped by format in FORMATS order, narrowest first.

        With ``image``: only the widths it can fill. Renditions are never
        scaled up, so the first width beyond the image comes out at the
        image's own width, and the wider ones would repeat it (a srcset must
        not list one width twice)."""
        return [
            f"{self.resize(width)}|format-{fmt}"
            for fmt in FORMATS
            for width in self.widths_for(image)
        ]

    def widths_for(self, image=None):
        if image is None or not image.width or not image.height:
            return self.widths
        largest = image.width
        if self.ratio is not None:
            largest = min(largest, image.height * self.ratio[0] // self.ratio[1])
        fitting = [width for width in self.widths if width < largest]
        return tuple(fitting) + tuple(w for w in self.widths if w >= largest)[:1]


# The main column of a guide (and the lead image's column on a path page) is
# at most 45.5rem wide (wrap--narrow, 48rem less its padding).
COLUMN_SIZES = "(min-width: 48rem) 45.5rem, calc(100vw - 2.5rem)"

PRESETS = {
    # Above the fold on a guide or path page: its largest image (the LCP).
    "lead": Preset(widths=(480, 800, 1200, 1600), sizes=COLUMN_SIZES, ratio=(16, 9)),
    # Guide and path cards: three to a row on a wide screen, one on a phone.
    "card": Preset(
        widths=(400, 640, 960),
        sizes="(min-width: 72rem) 21rem, (min-width: 44rem) 45vw, calc(100vw - 5rem)",
        ratio=(16, 9),
    ),
    # An image block in a guide's body, at its own proportions.
    "body": Preset(widths=(480, 800, 1200, 1600), sizes=COLUMN_SIZES),
    # Mentor photos: 3.5rem (cards, bylines) and 6.5rem (profile), at 1x, 2x and 3x.
    "avatar-md": Preset(widths=(56, 112, 168), sizes="3.5rem", ratio=(1, 1)),
    "avatar-lg": Preset(widths=(104, 208, 312), sizes="6.5rem", ratio=(1, 1)),
}


def specs_for(*presets):
    return [spec for name in presets for spec in PRESETS[name].specs()]


def renditions_prefetch(lookup, *presets):
    """For a queryset that ``select_related(lookup)``s its image: the image's
    renditions for ``presets`` in one query for the whole listing, where
    Wagtail looks for them (``prefetched_renditions``)."""
    rendition_model = get_image_model().get_rendition_model()
    return Prefetch(
        f"{lookup}__renditions",
        queryset=rendition_model.objects.filter(filter_spec__in=specs_for(*presets)),
        to_attr="prefetched_renditions",
    )


def with_images(queryset, lookup, *presets):
    """``queryset`` with the image at ``lookup`` joined and its renditions
    prefetched: one query more per listing, however many images it shows."""
    return queryset.select_related(lookup).prefetch_related(renditions_prefetch(lookup, *presets))
