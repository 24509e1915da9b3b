"""A batch as ACCME's Excel learner template (917_20240125, with the
instructions page of 19 November 2025): sheet ``Sheet1``, row 1 a guidance
line, row 2 the template's headers, then one row per completion.

Written from the values stored on the batch's rows, never from the live
records: the same batch always gives the same file. Every text cell goes
through cms.spreadsheets.neutralise, so no name or ID runs as a formula.
"""

import datetime
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from cms import spreadsheets
from learning.models import ReportAction, ReportBatch

from .batches import batch_rows
from .eligibility import is_board

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


def _write_row(sheet: Worksheet, row: int, values: list[Any]) -> None:
    for column, value in enumerate(values, start=1):
        if value == "" or value is None:
            continue
        cell: Cell = sheet.cell(row=row, column=column, value=spreadsheets.neutralise(value))
        if isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
        elif isinstance(value, str):
            # Kept as text: IDs with leading zeros, MM/DD birth dates.
            cell.data_type = "s"
            cell.number_format = TEXT_FORMAT


def learners_xlsx(batch: ReportBatch) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    _write_row(sheet, 1, [guidance(batch)])
    _write_row(sheet, 2, HEADERS)
    board_row = is_board(batch.body)
    for index, row in enumerate(batch_rows(batch), start=3):
        _write_row(sheet, index, row_values(row.action, row.data, board_row))
    for column, width in zip("ABCDEFGHIJKLMNOP", (10, 12, 12, 16, 18, 8, 16, 18), strict=False):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(batch: ReportBatch, extension: str) -> str:
    return f"pars-{batch.body.lower()}-{batch.institution.slug}-batch-{batch.number}.{extension}"
