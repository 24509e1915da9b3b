"""``{% responsive_image image "preset" alt=... %}``: the one way the public site
renders an image (presets and formats in ``cms.responsive_images``).

- ``alt``: required; ``alt=""`` only for an image that adds nothing to the
  text next to it (a mentor's photo beside their name, a decorative figure).
- ``priority=True`` for the page's lead image, above the fold: loaded at once
  with ``fetchpriority="high"``; ``eager=True`` for another image above the
  fold (a profile's photo): loaded at once, at normal priority. Every other
  image loads lazily (``loading="lazy"``). All decode off the main thread
  (``decoding="async"``).
- ``class_``: the ``<img>``'s class.

Renders nothing when ``image`` is empty.
"""

from django import template

from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found

from cms.responsive_images import PRESETS

register = template.Library()


@register.simple_tag
def responsive_image(image, preset, alt, priority=False, eager=False, class_=""):
    if not image:
        return ""
    config = PRESETS[preset]
    renditions = get_renditions_or_not_found(image, config.specs(image))
    attrs = {"alt": alt, "sizes": config.sizes}
    if class_:
        attrs["class"] = class_
    attrs["decoding"] = "async"
    if priority:
        attrs.update(loading="eager", fetchpriority="high")
    else:
        attrs["loading"] = "eager" if eager else "lazy"
    # Picture renders a <source> per modern format and the fallback <img>
    # with src, srcset, sizes, width and height (the narrowest rendition's,
    # which give the browser the image's proportions).
    return Picture(renditions, attrs).__html__()
