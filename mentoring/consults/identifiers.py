"""A check for obvious patient identifiers in a consult question, before it is sent.

Pure functions, no Django. ``find_identifiers(text)`` returns a ``Finding`` for
each stretch of text that looks like a patient identifier, with what it looks
like and where it is, so the ask page can highlight it (``segments``).

It is a safeguard, not a guarantee: it looks for the obvious patterns below and
the doctor confirms the rest. What it flags:

* e-mail addresses;
* phone numbers: North American (``(555) 123-4567``, ``555.123.4567``,
  ``+1 555 123 4567``), international with a leading ``+`` (``+44 20 7946 0958``)
  and national numbers starting with 0 (``07700 900123``);
* full dates (day, month and year: ``03/04/1951``, ``1951-04-03``,
  ``3 March 1951``, ``March 3rd, 1951``), and any date after "DOB", "date of
  birth" or "born (on)". Birth, admission and discharge dates all identify;
* record numbers: "MRN", "record number", "patient ID", "chart #",
  "account number" followed by a number, and any run of 7 or more digits;
* US social security numbers (``123-45-6789``) and NHS numbers (10 digits that
  pass the NHS check digit, e.g. ``943 476 5919``);
* full names with an age: ``John Smith, 54``, ``Mrs Jones (72 y/o)``,
  ``Maria Lopez is a 54-year-old``.

What it does not flag, on purpose (clinical text needs them and alone they do
not identify anyone): doses and rates (``5 mg/kg``, ``0.1 mcg/kg/min``), lab
values (``K 3.2``, ``Hb 10.4``, ``eGFR 45``), vital signs (``BP 120/80``),
a year alone (``in 2019``), a month and year (``March 2019``), an age alone
(``a 54-year-old``, ``aged 72``), a title and surname without an age
(``Dr Okafor``), and numbers labelled as trial or article IDs (``NCT01234567``,
``PMID 31234567``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    DATE = "date"
    BIRTH_DATE = "birth_date"
    RECORD_NUMBER = "record_number"
    LONG_NUMBER = "long_number"
    SSN = "ssn"
    NHS_NUMBER = "nhs_number"
    NAME_WITH_AGE = "name_with_age"


LABELS: dict[Kind, str] = {
    Kind.EMAIL: "an e-mail address",
    Kind.PHONE: "a phone number",
    Kind.DATE: "a full date (a date of birth, admission or discharge identifies a patient)",
    Kind.BIRTH_DATE: "a date of birth",
    Kind.RECORD_NUMBER: "a medical record or patient number",
    Kind.LONG_NUMBER: "a long number (record, account and ID numbers identify patients)",
    Kind.SSN: "a social security number",
    Kind.NHS_NUMBER: "an NHS number",
    Kind.NAME_WITH_AGE: "a full name with an age",
}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return LABELS[self.kind]


_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_WRITTEN_DATE = (
    rf"(?:{_DAY}\s+(?:of\s+)?{_MONTHS},?\s+{_YEAR}"  # 3 March 1951, 3rd of March, 1951
    rf"|{_MONTHS}\s+{_DAY},?\s+{_YEAR})"  # March 3, 1951
)
_NUMERIC_DATE = r"(?:\d{1,2}(?P<sep>[/.-])\d{1,2}(?P=sep)(?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})"
_ANY_DATE = (
    rf"(?:{_WRITTEN_DATE}|\d{{1,2}}(?P<bsep>[/.-])\d{{1,2}}(?P=bsep)(?:\d{{4}}|\d{{2}})"
    r"|\d{4}-\d{1,2}-\d{1,2})"
)

_WRITTEN_DATE_RE = re.compile(rf"(?<![\w]){_WRITTEN_DATE}(?!\w)", re.IGNORECASE)
_NUMERIC_DATE_RE = re.compile(rf"(?<![\w/.-]){_NUMERIC_DATE}(?![\w/]|[.-]\d)")
_BIRTH_RE = re.compile(
    rf"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?)\s*[:\-]?\s*(?P<date>{_ANY_DATE})",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_RECORD_RE = re.compile(
    r"\b(?:MRN|UR\s*(?:no\.?|number)|(?:medical\s+)?record\s*(?:number|no\.?|#)"
    r"|hospital\s*(?:number|no\.?|#)|patient\s*(?:id|number|no\.?|#)|chart\s*(?:number|no\.?|#)"
    r"|account\s*(?:number|no\.?|#)|acct\.?\s*(?:no\.?|#)?)\s*(?:is\s+)?[:#]?\s*"
    r"(?P<number>[A-Z]{0,3}\d[\d -]{2,}\d)",
    re.IGNORECASE,
)
_SSN_RE = re.compile(
    r"(?:\b(?:SSN|SS#|social security(?: number| no\.?)?)\s*[:#]?\s*)?"
    r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])",
    re.IGNORECASE,
)
_NHS_RE = re.compile(r"(?<![\w-])\d{3}([ -]?)\d{3}\1\d{4}(?![\w-])")
_PHONE_NANP_RE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w])"
)
_PHONE_INTL_RE = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\w)")
_PHONE_NATIONAL_RE = re.compile(r"(?<![\w.,])0\d{2,4}[\s-]\d{3,4}[\s-]?\d{3,4}(?![\w.,]\d|\w)")
_LONG_NUMBER_RE = re.compile(r"(?<![\w.,])\d{7,}(?![\w]|[.,]\d)")
_NOT_PATIENT_IDS = re.compile(
    r"(?:NCT|PMID:?\s*|PMCID:?\s*|ISBN:?\s*|ISRCTN:?\s*|doi:?\s*\S*)$", re.IGNORECASE
)

_NAME_WORD = r"(?:[A-Z]'|Mc|Mac)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Mstr|Master)\.?"
_AGE_UNIT = r"(?:\s*(?:y/o|yo|y\.o\.|yrs?(?:\s+old)?|years?(?:\s+old)?|y)\b)?"
_AGE_AFTER = (
    r"(?=\s*(?:[).,;:!?]|$)"
    r"|\s+(?:is|was|has|had|presents|presented|with|who|and|M|F|male|female)\b)"
)
_NAME_AGE_RE = re.compile(
    rf"\b(?:{_TITLE}\s+{_NAME_WORD}(?:\s+{_NAME_WORD})*|{_NAME_WORD}(?:\s+{_NAME_WORD})+)"
    rf"(?:\s*,\s*(?:aged?\s+)?\d{{1,3}}{_AGE_UNIT}{_AGE_AFTER}"
    rf"|\s*\(\s*(?:aged?\s+)?\d{{1,3}}{_AGE_UNIT}\s*\))"
    rf"|\b(?:{_TITLE}\s+{_NAME_WORD}(?:\s+{_NAME_WORD})*|{_NAME_WORD}(?:\s+{_NAME_WORD})+)"
    rf",?\s+(?:is|was)\s+an?\s+\d{{1,3}}[- ]year[- ]old\b"
)
# Capitalised words that start sentences or name things, not people: "Type 2
# Diabetes, 54" is not a name with an age.
# fmt: off
_NOT_NAMES = frozenset((
    "a", "an", "the", "this", "that", "my", "our", "his", "her", "their", "in", "on", "at",
    "for", "with", "and", "or", "but", "if", "when", "type", "stage", "grade", "class", "day",
    "week", "month", "year", "room", "bed", "ward", "unit", "floor", "level", "dose", "group",
    "table", "figure", "patient", "patients", "case", "question", "answer", "note", "update",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
))
# fmt: on


def _valid_numeric_date(text: str) -> bool:
    parts = re.split(r"[/.-]", text)
    if len(parts[0]) == 4:  # ISO: year-month-day
        _, month, day = (int(p) for p in parts)
        return 1 <= month <= 12 and 1 <= day <= 31
    first, second, _year = (int(p) for p in parts)
    return 1 <= first <= 31 and 1 <= second <= 31 and min(first, second) <= 12


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check digit."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _candidates(text: str) -> list[Finding]:
    found: list[Finding] = []

    def add(kind: Kind, start: int, end: int) -> None:
        found.append(Finding(kind, start, end, text[start:end]))

    for m in _EMAIL_RE.finditer(text):
        add(Kind.EMAIL, m.start(), m.end())
    for m in _BIRTH_RE.finditer(text):
        add(Kind.BIRTH_DATE, m.start(), m.end())
    for m in _WRITTEN_DATE_RE.finditer(text):
        add(Kind.DATE, m.start(), m.end())
    for m in _NUMERIC_DATE_RE.finditer(text):
        if _valid_numeric_date(m.group()):
            add(Kind.DATE, m.start(), m.end())
    for m in _RECORD_RE.finditer(text):
        if len(_digits(m.group("number"))) >= 4:
            add(Kind.RECORD_NUMBER, m.start(), m.end("number"))
    for m in _SSN_RE.finditer(text):
        add(Kind.SSN, m.start(), m.end())
    for m in _NHS_RE.finditer(text):
        if nhs_number_is_valid(_digits(m.group())):
            add(Kind.NHS_NUMBER, m.start(), m.end())
    for pattern in (_PHONE_NANP_RE, _PHONE_INTL_RE, _PHONE_NATIONAL_RE):
        for m in pattern.finditer(text):
            if 9 <= len(_digits(m.group())) <= 15:
                add(Kind.PHONE, m.start(), m.end())
    for m in _LONG_NUMBER_RE.finditer(text):
        if not _NOT_PATIENT_IDS.search(text[max(0, m.start() - 40) : m.start()]):
            add(Kind.LONG_NUMBER, m.start(), m.end())
    for m in _NAME_AGE_RE.finditer(text):
        first_word = m.group().split()[0].rstrip(".").lower()
        if first_word not in _NOT_NAMES:
            add(Kind.NAME_WITH_AGE, m.start(), m.end())
    return found


# When two findings overlap, the more specific one is kept.
_PRIORITY = [
    Kind.EMAIL,
    Kind.BIRTH_DATE,
    Kind.RECORD_NUMBER,
    Kind.SSN,
    Kind.NHS_NUMBER,
    Kind.NAME_WITH_AGE,
    Kind.PHONE,
    Kind.DATE,
    Kind.LONG_NUMBER,
]


def find_identifiers(text: str) -> list[Finding]:
    """Every stretch of ``text`` that looks like a patient identifier, in
    order, none overlapping another."""
    candidates = sorted(
        _candidates(text), key=lambda f: (_PRIORITY.index(f.kind), -(f.end - f.start), f.start)
    )
    kept: list[Finding] = []
    for finding in candidates:
        if all(finding.end <= k.start or finding.start >= k.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    finding: Finding | None = None


def segments(text: str, findings: list[Finding]) -> list[Segment]:
    """``text`` cut into plain stretches and findings, for highlighting."""
    out: list[Segment] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < position:
            continue
        if finding.start > position:
            out.append(Segment(text[position : finding.start]))
        out.append(Segment(text[finding.start : finding.end], finding))
        position = finding.end
    if position < len(text):
        out.append(Segment(text[position:]))
    return out


def summary(findings: list[Finding]) -> list[str]:
    """One line per finding for the form's message: what and where."""
    return [f"{f.label[0].upper()}{f.label[1:]}: “{f.text}”" for f in findings]
