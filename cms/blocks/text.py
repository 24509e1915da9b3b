"""Plain text out of StreamField values, for reading time and search."""

import math
import re

from django.utils.html import strip_tags

from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.rich_text import RichText

WORDS_PER_MINUTE = 200
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# Where one block of rich text ends: a heading, paragraph or list item.
_BLOCK_END = re.compile(r"</(?:h[1-6]|p|li|blockquote)\s*>", re.IGNORECASE)
_TERMINAL = (".", "!", "?", ":", ";", "…")


def as_sentence(text: str) -> str:
    """``text`` ending as a sentence does, so a heading, a title or an author
    list does not run into what follows it ("Why this matters. Most ...")."""
    text = " ".join(text.split())
    if text and not text.endswith(_TERMINAL):
        return text + "."
    return text


def _rich_text(source: str):
    for part in _BLOCK_END.split(source):
        text = strip_tags(part.replace("<", " <"))
        if text.strip():
            yield as_sentence(text)


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
        text = strip_tags(value)
        if text.strip():
            yield as_sentence(text)


def stream_text(value):
    """All the words a reader sees in a StreamField value, as one string."""
    return " ".join(" ".join(_texts(value)).split())


def word_count(text):
    return len(_WORD.findall(text))


def reading_minutes_for(text):
    return max(1, math.ceil(word_count(text) / WORDS_PER_MINUTE))
