"""Plain text out of StreamField values, for reading time and search."""

import math
import re

from django.utils.html import strip_tags

from wagtail.blocks import (
    Block,
    ChooserBlock,
    ListBlock,
    StreamBlock,
    StreamValue,
    StructBlock,
    StructValue,
)
from wagtail.blocks.list_block import ListValue
from wagtail.rich_text import RichText

WORDS_PER_MINUTE = 200
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# Where one block of rich text ends: a heading, paragraph or list item.
_BLOCK_END = re.compile(r"</(?:h[1-6]|p|li|blockquote)\s*>", re.IGNORECASE)
_TERMINAL = (".", "!", "?", ":", ";", "…")
# A start or end tag with at most double-quoted attribute values holding no
# angle brackets: what rich text is made of.
_SIMPLE_TAG = re.compile(
    r'</?[a-zA-Z][a-zA-Z0-9]*(?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<>]*")?)*\s*/?>'
)


def _strip_tags(text: str) -> str:
    """Django's strip_tags, faster for ordinary rich text: when the text has
    no "&" (strip_tags rewrites some entity-like text) and nothing but simple
    tags is between angle brackets, removing those tags is what it returns."""
    if "<" not in text:
        return text
    if "&" not in text:
        stripped = _SIMPLE_TAG.sub("", text)
        if "<" not in stripped and ">" not in stripped:
            return stripped
    return strip_tags(text)


def as_sentence(text: str) -> str:
    """``text`` ending as a sentence does, so a heading, a title or an author
    list does not run into what follows it ("Why this matters. Most ...")."""
    text = " ".join(text.split())
    if text and not text.endswith(_TERMINAL):
        return text + "."
    return text


def _sentence(text: str) -> str:
    """as_sentence for text whose spaces the caller collapses anyway (the
    walks below, joined by stream_text and raw_stream_text): the same words,
    without collapsing each piece's spaces first."""
    text = text.rstrip()
    if text and not text.endswith(_TERMINAL):
        return text + "."
    return text


def _rich_text(source: str):
    for part in _BLOCK_END.split(source):
        text = _sentence(_strip_tags(part.replace("<", " <")))
        if text:
            yield text


def _texts(value):
    if isinstance(value, StreamValue):
        for child in value:
            yield from _texts(child.value)
    elif isinstance(value, StructValue):
        for child in value.values():
            yield from _texts(child)
    elif isinstance(value, ListValue | list | tuple):
        for child in value:
            yield from _texts(child)
    elif isinstance(value, RichText):
        yield from _rich_text(value.source)
    elif isinstance(value, str):
        text = _sentence(_strip_tags(value))
        if text:
            yield text


def stream_text(value):
    """All the words a reader sees in a StreamField value, as one string."""
    return " ".join(" ".join(_texts(value)).split())


def raw_stream_text(block, raw):
    """``stream_text`` of a StreamField's stored JSON (already parsed), walked
    with the field's block definitions: the same words, without building a
    StreamValue or a chooser's database object (a chooser's value is never
    text). For indexing many pages at once."""
    return " ".join(" ".join(_raw_texts(block, raw)).split())


def _raw_texts(block: Block, raw):
    if isinstance(block, StreamBlock):
        for item in raw or ():
            child = block.child_blocks.get(item.get("type")) if isinstance(item, dict) else None
            if child is not None:
                yield from _raw_texts(child, item.get("value"))
    elif isinstance(block, StructBlock):
        raw = raw if isinstance(raw, dict) else {}
        for name, child in block.child_blocks.items():
            if name in raw:
                yield from _raw_texts(child, raw[name])
            else:
                yield from _texts(child.get_default())
    elif isinstance(block, ListBlock):
        for item in raw or ():
            if block._item_is_in_block_format(item):
                item = item["value"]
            yield from _raw_texts(block.child_block, item)
    elif isinstance(block, ChooserBlock):
        return
    else:
        yield from _texts(block.to_python(raw))


def word_count(text):
    return len(_WORD.findall(text))


def reading_minutes_for(text):
    return max(1, math.ceil(word_count(text) / WORDS_PER_MINUTE))
