"""A one-sheet Excel workbook (.xlsx) written as a stream: the rows are turned
into SpreadsheetML as they come and compressed into the zip on the way out,
so a download of 100,000 rows starts at once and its memory does not grow
with the number of rows (docs/credit-reporting.md, "Files").

openpyxl, even in its write-only mode, builds the sheet in a temporary file
and zips it at the end, and is about ten times slower per cell. This writer
does only what the PARS template needs: text (inline, never a formula: every
text goes through cms.spreadsheets.cell_text, which drops what XML cannot hold
and then neutralises it), whole and decimal numbers, dates shown as
``mm/dd/yyyy``, text cells formatted as text (``@``, so IDs keep their
leading zeros), column widths. openpyxl and Excel read it back.
"""

import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

from cms.spreadsheets import cell_text

# Bytes gathered before a piece of the file is sent.
CHUNK_BYTES = 64 * 1024
DATE_STYLE, TEXT_STYLE = 1, 2  # indexes into STYLES' cellXfs
EXCEL_EPOCH = datetime.date(1899, 12, 30)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    XML + f'<Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    XML + f'<Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0: general; 1: a date as mm/dd/yyyy; 2: text ("@", built-in format 49).
STYLES = (
    XML + f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="mm/dd/yyyy"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _workbook(sheet: str) -> str:
    return (
        XML + f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        f'<sheet name="{escape(sheet, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )


class _Sink(io.RawIOBase):
    """Where the zip writes: kept until :meth:`drain` hands the bytes on.
    Not seekable, so zipfile writes each entry's sizes after its data."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.size += len(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        return data


def _cell(reference: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        serial = (value - EXCEL_EPOCH).days
        return f'<c r="{reference}" s="{DATE_STYLE}"><v>{serial}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value!r}</v></c>'
    text = escape(cell_text(str(value)))
    return (
        f'<c r="{reference}" t="inlineStr" s="{TEXT_STYLE}">'
        f'<is><t xml:space="preserve">{text}</t></is></c>'
    )


def stream_xlsx(
    sheet: str, rows: Iterable[Sequence[Any]], widths: Sequence[float] = ()
) -> Iterator[bytes]:
    """The workbook's bytes, in pieces of about :data:`CHUNK_BYTES`, as ``rows``
    (lists of cell values; ``None`` or ``""`` for a blank) are read."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook(sheet))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        letters: list[str] = []
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                for i, w in enumerate(widths, start=1)
            )
            part.write(
                (
                    XML
                    + f'<worksheet xmlns="{MAIN}">'
                    + (f"<cols>{cols}</cols>" if cols else "")
                    + "<sheetData>"
                ).encode()
            )
            pending: list[str] = []
            size = 0
            for number, values in enumerate(rows, start=1):
                while len(letters) < len(values):
                    letters.append(get_column_letter(len(letters) + 1))
                cells = "".join(
                    _cell(f"{letters[i]}{number}", value) for i, value in enumerate(values)
                )
                text = f'<row r="{number}">{cells}</row>'
                pending.append(text)
                size += len(text)
                if size >= CHUNK_BYTES:
                    part.write("".join(pending).encode())
                    pending, size = [], 0
                    if sink.size >= CHUNK_BYTES:
                        yield sink.drain()
            part.write(("".join(pending) + "</sheetData></worksheet>").encode())
    yield sink.drain()
