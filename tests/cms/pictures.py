"""Read the <picture> elements of a page as a browser would see them."""

import io
from dataclasses import dataclass, field
from html.parser import HTMLParser

from PIL import Image

from cms.responsive_images import PRESETS


@dataclass
class Picture:
    sources: list[dict] = field(default_factory=list)
    img: dict = field(default_factory=dict)

    def candidates(self, srcset):
        """``[(url, width), ...]`` from a srcset of width descriptors."""
        pairs = [item.strip().rsplit(" ", 1) for item in srcset.split(",")]
        return [(url, int(width.rstrip("w"))) for url, width in pairs]

    def source(self, mime_type):
        return next(s for s in self.sources if s.get("type") == mime_type)


class _Pictures(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pictures = []
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "picture":
            self.current = Picture()
            self.pictures.append(self.current)
        elif tag == "source" and self.current is not None:
            self.current.sources.append(attrs)
        elif tag == "img" and self.current is not None:
            self.current.img = attrs

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "picture":
            self.current = None


def pictures(html):
    parser = _Pictures()
    parser.feed(html)
    return parser.pictures


def images_outside_pictures(html):
    """<img> elements that are not in a <picture> (none should be, on the site)."""

    class Loose(HTMLParser):
        def __init__(self):
            super().__init__()
            self.depth, self.loose = 0, []

        def handle_starttag(self, tag, attrs):
            if tag == "picture":
                self.depth += 1
            elif tag == "img" and not self.depth:
                self.loose.append(dict(attrs))

        def handle_endtag(self, tag):
            if tag == "picture":
                self.depth -= 1

    parser = Loose()
    parser.feed(html)
    return parser.loose


def fetch_image(client, url):
    """The image at ``url`` (served by the app), opened with Pillow."""
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response["Content-Type"], Image.open(io.BytesIO(body))


def widths(preset):
    return list(PRESETS[preset].widths)


def assert_picture(
    picture, preset, *, alt, loading, fetchpriority=None, ratio=None, expected_widths=None
):
    """WebP source and JPEG <img>, each with every width of the preset (or
    ``expected_widths`` for an image narrower than the widest)."""
    sizes = PRESETS[preset].sizes
    expected_widths = expected_widths or widths(preset)
    webp = picture.source("image/webp")
    assert webp["sizes"] == sizes
    assert [w for _, w in picture.candidates(webp["srcset"])] == expected_widths
    img = picture.img
    assert [w for _, w in picture.candidates(img["srcset"])] == expected_widths
    assert img["src"].endswith(".jpg") and img["src"] == picture.candidates(img["srcset"])[0][0]
    assert img["sizes"] == sizes
    assert img["alt"] == alt
    assert img["loading"] == loading
    assert img["decoding"] == "async"
    assert img.get("fetchpriority") == fetchpriority
    # The narrowest rendition's size: the browser reserves the right space.
    assert int(img["width"]) == widths(preset)[0]
    if ratio:
        assert int(img["height"]) == round(int(img["width"]) * ratio[1] / ratio[0])
    return img
