"""A batch as ACCME's Excel learner template (917_20240125, with the
instructions page of 19 November 2025): sheet ``Sheet1``, row 1 a guidance
line, row 2 the template's headers, then one row per completion.

Written from the values stored on the batch's rows, never from the live
records: the same batch always gives the same file. The writer
(xlsx_stream.cell_text) removes from every text cell the characters XML
cannot hold and then neutralises it (cms.spreadsheets), in that order, so no
name or ID runs as a formula and the workbook always opens.

The download is streamed (xlsx_stream): rows are read from the database in
chunks of plain values and written into the file as they come, so a batch of
100,000 rows takes no more memory than one of 10.
"""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from learning.models import ReportAction, ReportBatch

from .batches import stored_rows
from .eligibility import is_board
from .xlsx_stream import stream_xlsx

SHEET = "Sheet1"
HEADERS = [
    "Record Action",
    "ACCME Activity ID",
    "Completion Date",
    "First Name",
    "Last Name",
    "Date of Birth",
    "Licensing State",
    "Licensing ID or NPI",
    "Number of CME Credits",
    "Certifying Board",
    "Certifying Board ID",
    "Total Board Credits",
    "Credit Type ",  # the trailing space is the template's
    "Credits Awarded for Credit Type",
    "Additional Credit Type",
    "Credits Awarded for Additional Credit Type",
]
DATE_FORMAT = "mm/dd/yyyy"
TEXT_FORMAT = "@"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def number(text: str) -> int | float:
    """A stored amount ("1.25") as an Excel number: whole amounts as integers."""
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def guidance(batch: ReportBatch) -> str:
    return (
        f"{batch.institution.name}, ACCME provider {batch.provider_id}: "
        f"{batch.get_body_display()}, batch {batch.number}, made "
        f"{batch.created_at:%m/%d/%Y}. Row 2 holds the headers of ACCME's template "
        "917_20240125; one row per completion. Upload in PARS as a learner batch."
    )


def row_values(action: str, data: dict[str, Any], board_row: bool) -> list[Any]:
    credit_types = data.get("credit_types", []) if board_row else []
    first = credit_types[0] if credit_types else None
    second = credit_types[1] if len(credit_types) > 1 else None
    return [
        "Add" if action == ReportAction.ADD else "Delete",
        data["activity_id"],
        datetime.date.fromisoformat(data["completion_date"]),
        data["first_name"],
        data["last_name"],
        data["birth_date"],
        "" if board_row else data["licensing_state"],
        "" if board_row else data["licensing_id"],
        "" if board_row else number(data["credits"]),
        data["board"] if board_row else "",
        data["board_id"] if board_row else "",
        number(data["board_credits"]) if board_row else "",
        first["label"] if first else "",
        number(first["points"]) if first else "",
        second["label"] if second else "",
        number(second["points"]) if second else "",
    ]


WIDTHS = (10, 12, 12, 16, 18, 8, 16, 18)


def _rows(batch: ReportBatch) -> Iterator[list[Any]]:
    """The sheet's rows, as values: stream_xlsx cleans and neutralises every
    text (no formula ever runs)."""
    yield [guidance(batch)]
    yield HEADERS
    board_row = is_board(batch.body)
    for action, data in stored_rows(batch):
        yield row_values(action, data, board_row)


def learners_xlsx_chunks(batch: ReportBatch) -> Iterator[bytes]:
    """The workbook, streamed as the rows are read from the database (in
    chunks, as plain values): memory does not grow with the number of rows."""
    return stream_xlsx(SHEET, _rows(batch), WIDTHS)


def learners_xlsx(batch: ReportBatch) -> bytes:
    return b"".join(learners_xlsx_chunks(batch))


def filename(batch: ReportBatch, extension: str) -> str:
    return f"pars-{batch.body.lower()}-{batch.institution.slug}-batch-{batch.number}.{extension}"
