"""A batch as ACCME's JSON learner report (``ACCMELearnerReports``, the draft
schema v0_4/v0_5 of 2025: schema/accme-learner-reports.schema.json).

Written from the values stored on the batch's rows. Two choices the draft
leaves open, documented in docs/credit-reporting.md:

- BirthDate: the draft asks for YYYY-MM-DD but PARS collects only month and
  day, so the year is the placeholder ``1900``, or ``1904`` for 29 February
  (1900 was not a leap year, so "1900-02-29" is no date).
- CompletedDateTime: the certificate's completion date with the time of day
  the learner completed, in their time zone with its UTC offset
  (``2026-03-14T21:00:00-07:00``): date and time name one instant, and the
  date is the one printed on the certificate. Rows stored before carry the
  claim's time in UTC and are written as they were (``...T15:30:00Z``).
"""

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from learning.models import ReportBatch

from .batches import stored_rows
from .eligibility import CME_CERTIFICATION, is_board

SCHEMA_PATH = Path(__file__).parent / "schema" / "accme-learner-reports.schema.json"
BIRTH_YEAR_PLACEHOLDER = "1900"
# 29 February needs a leap year. 1904 rather than a new placeholder for every
# date: the files of batches already made keep the same bytes.
LEAP_DAY_BIRTH_YEAR_PLACEHOLDER = "1904"


def _amount(text: str) -> int | float:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def birth_date(mmdd: str) -> str:
    month, _, day = mmdd.partition("/")
    leap_day = (month, day) == ("02", "29")
    year = LEAP_DAY_BIRTH_YEAR_PLACEHOLDER if leap_day else BIRTH_YEAR_PLACEHOLDER
    return f"{year}-{month}-{day}"


def _credit_certificates(data: dict[str, Any], board: bool) -> list[dict[str, Any]]:
    credit_id = f"ccid:{data['provider_id']}:{data['certificate_number']}"
    if not board:
        return [
            {
                "UniqueID": [
                    {"value": i["value"], "domain": i["domain"]} for i in data["identifiers"]
                ],
                "CreditReceived": {
                    "activityCertification": CME_CERTIFICATION,
                    "creditUnit": "Point",
                    "numberOfCredits": _amount(data["credits"]),
                },
                "CreditID": credit_id,
            }
        ]
    return [
        {
            "UniqueID": [{"value": data["board_id"], "domain": data["board"]}],
            "CreditReceived": {
                "activityCertification": kind["label"],
                "creditUnit": "Point",
                "numberOfCredits": _amount(kind["points"]),
            },
            "CreditID": credit_id,
        }
        for kind in data["credit_types"]
    ]


def activity_report(action: str, data: dict[str, Any], board: bool) -> dict[str, Any]:
    return {
        "ReportingOrganization": data["provider_name"],
        "Member": {
            "Name": {"GivenName": data["first_name"], "FamilyName": data["last_name"]},
            "PersonalInfo": {"BirthDate": birth_date(data["birth_date"])},
        },
        "Activity": {
            "ProviderOrganization": data["provider_id"],
            "Module": {
                "ModuleName": {"value": data["activity_title"], "moduleID": data["activity_id"]},
                "Status": "Completed",
                "CompletedDateTime": completed_date_time(data),
                "CreditCertificate": _credit_certificates(data, board),
            },
        },
        "XtensibleInfo": {"ProviderID": data["provider_id"], "LearnerRecordAction": action},
    }


def _created(batch: ReportBatch) -> str:
    return batch.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def completed_date_time(data: dict[str, Any]) -> str:
    """The row's completion as RFC 3339 (the schema's ``date-time``)."""
    time = data["completion_time"]
    zone = "" if ("+" in time or "-" in time) else "Z"  # rows stored before: UTC
    return f"{data['completion_date']}T{time}{zone}"


def learners_document(batch: ReportBatch) -> dict[str, Any]:
    """The whole document in memory (for tests): the download streams the
    same document (:func:`learners_json_chunks`)."""
    board = is_board(batch.body)
    return {
        "ACCMELearnerReports": {
            "ActivityReports": {
                "DateTimeCreated": _created(batch),
                "ActivityReport": [
                    activity_report(action, data, board) for action, data in stored_rows(batch)
                ],
            }
        }
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


# Bytes gathered before each piece of the download is sent.
CHUNK_BYTES = 64 * 1024
# Each report sits four levels deep in the document (two spaces a level).
REPORT_INDENT = " " * 8


def learners_json_chunks(batch: ReportBatch) -> Iterator[bytes]:
    """The document's text, written as the rows are read: memory does not
    grow with the batch. The document is indented by two spaces a level
    down to the list of reports; each report is one line (JSON's C encoder
    writes it; indenting inside it takes Python's encoder, ten times slower)."""
    board = is_board(batch.body)
    reports: dict[str, Any] = {"DateTimeCreated": _created(batch), "ActivityReport": []}
    empty = {"ACCMELearnerReports": {"ActivityReports": reports}}
    head, tail = _dumps(empty).rsplit("[]", 1)
    pending = [head, "["]
    size = 0
    separator = "\n"
    for action, data in stored_rows(batch):
        text = json.dumps(activity_report(action, data, board), ensure_ascii=False)
        pending += [separator, REPORT_INDENT, text]
        separator = ",\n"
        size += len(text)
        if size >= CHUNK_BYTES:
            yield "".join(pending).encode()
            pending, size = [], 0
    pending.append("]" if separator == "\n" else "\n" + REPORT_INDENT[2:] + "]")
    pending.append(tail)
    yield "".join(pending).encode()


def learners_json(batch: ReportBatch) -> bytes:
    return b"".join(learners_json_chunks(batch))


def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())
