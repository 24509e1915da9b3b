"""Font subsets made once per process (issue: performance).

WeasyPrint embeds in each PDF a subset of every font the page uses: only the
glyphs drawn, cut out of the font file by HarfBuzz (about 5 ms of a
certificate's 35 ms render, for six DejaVu faces). HarfBuzz gives the same
bytes for the same font and the same glyphs, and most faces of a certificate
draw the same glyphs on every certificate (the title, the statements, the
labels); only the faces that print the learner's name, the dates and the
numbers change from one to the next. So the subset is kept, per process,
under exactly what it is made from: the font (its description, its face index,
its file's length and table directory, which holds every table's checksum),
the glyph ids, the hinting switch and whether a missing glyph needs an
outline. A hit puts the very bytes the subsetting would have produced: every
PDF is byte for byte what WeasyPrint writes without the cache
(tests/learning/test_certificate_fonts.py).

The cache wraps WeasyPrint's ``Font.subset`` (a method of its PDF writer,
not a public API). ``install`` leaves WeasyPrint alone when that method is not
there or has another signature, so a WeasyPrint upgrade costs the saving,
never a wrong PDF."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

_SUBSETS: dict[tuple[Any, ...], bytes] = {}
_SUBSETS_MAX = 256  # a few hundred subsets of a few kB to a few tens of kB
stats = {"hits": 0, "misses": 0}


def _key(font: Any, to_unicode: dict[int, Any], hinting: bool) -> tuple[Any, ...]:
    content = font.file_content
    return (
        font.hash,
        font.index,
        len(content),
        bytes(content[:1024]),  # the table directory with each table's checksum
        frozenset(to_unicode),
        bool(hinting),
        bool(font.missing),
    )


def _cached(subset: Callable[..., None]) -> Callable[..., None]:
    def cached_subset(font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
        if not to_unicode:
            return subset(font, to_unicode, hinting)
        key = _key(font, to_unicode, hinting)
        made = _SUBSETS.get(key)
        if made is not None:
            stats["hits"] += 1
            font.file_content = made
            return None
        stats["misses"] += 1
        subset(font, to_unicode, hinting)
        if len(_SUBSETS) >= _SUBSETS_MAX:
            _SUBSETS.clear()
        _SUBSETS[key] = font.file_content
        return None

    cached_subset.__wrapped__ = subset  # type: ignore[attr-defined]
    return cached_subset


def install() -> bool:
    """Wrap WeasyPrint's font subsetting with the cache (once). False when
    this WeasyPrint has no ``Font.subset(to_unicode, hinting)``."""
    try:
        from weasyprint.pdf.fonts import Font
    except ImportError:
        return False
    subset = getattr(Font, "subset", None)
    if subset is None:
        return False
    if hasattr(subset, "__wrapped__"):
        return True
    if list(inspect.signature(subset).parameters) != ["self", "to_unicode", "hinting"]:
        return False
    Font.subset = _cached(subset)
    return True
