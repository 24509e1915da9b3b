"""Plain text out of StreamField values, for reading time and search."""

import math
import re

from django.utils.html import strip_tags

from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.rich_text import RichText

WORDS_PER_MINUTE = 200
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


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
        yield strip_tags(value.source.replace("<", " <"))
    elif isinstance(value, str):
        yield strip_tags(value)


def stream_text(value):
    """All the words a reader sees in a StreamField value, as one string."""
    return " ".join(" ".join(_texts(value)).split())


def word_count(text):
    return len(_WORD.findall(text))


def reading_minutes_for(text):
    return max(1, math.ceil(word_count(text) / WORDS_PER_MINUTE))
