"""The bodies Curbside reports credit to, as plain data: the certifying boards
that take MOC completions through ACCME's PARS (each with the form of its
learner IDs and its MOC credit types), the US licensing jurisdictions, and
the credit types a learner may record from elsewhere.

Nothing here imports a model, so models, forms and services can import it.
Sources and versions are named in docs/credit-reporting.md.
"""

import re
from dataclasses import dataclass

from django.db import models


class Board(models.TextChoices):
    """The certifying boards that accept CME for MOC through PARS."""

    ABA = "ABA", "American Board of Anesthesiology (ABA)"
    ABIM = "ABIM", "American Board of Internal Medicine (ABIM)"
    ABOHNS = "ABOHNS", "American Board of Otolaryngology – Head and Neck Surgery (ABOHNS)"
    ABOS = "ABOS", "American Board of Orthopaedic Surgery (ABOS)"
    ABPATH = "ABPath", "American Board of Pathology (ABPath)"
    ABP = "ABP", "American Board of Pediatrics (ABP)"
    ABS = "ABS", "American Board of Surgery (ABS)"
    ABTS = "ABTS", "American Board of Thoracic Surgery (ABTS)"


@dataclass(frozen=True)
class CreditType:
    code: str  # stored, and written in PARS files
    label: str  # as the board names it


@dataclass(frozen=True)
class BoardRules:
    board: Board
    program: str  # the board's name for its programme, as printed on certificates
    id_pattern: str  # a full-match regular expression, matched as ASCII
    id_hint: str  # what the learner is told the ID looks like
    credit_types: tuple[CreditType, ...]

    def valid_id(self, value: str) -> bool:
        # re.ASCII: \d is 0-9 only, not every script's digits (full-width
        # "１２３", Arabic-Indic "١٢٣"), which no board and no PARS file knows.
        return re.fullmatch(self.id_pattern, value, flags=re.ASCII) is not None


RULES: dict[str, BoardRules] = {
    rules.board.value: rules
    for rules in (
        BoardRules(
            Board.ABA,
            "MOCA®",
            r"\d{8}",
            "your 8-digit ABA ID",
            (CreditType("LL", "Lifelong Learning"), CreditType("PS", "Patient Safety")),
        ),
        BoardRules(
            Board.ABIM,
            "Maintenance of Certification (MOC)",
            r"\d{6}",
            "your 6-digit ABIM ID",
            (
                CreditType("MK", "Medical Knowledge"),
                CreditType("PR", "Practice Assessment"),
                CreditType("PS", "Patient Safety"),
            ),
        ),
        BoardRules(
            Board.ABOHNS,
            "Continuing Certification",
            r"\d{5,6}",
            "your ABOHNS ID (5 or 6 digits)",
            (CreditType("SA", "Self-Assessment"),),
        ),
        BoardRules(
            Board.ABOS,
            "Continuous Certification",
            r"\d{5,6}",
            "your ABOS ID (5 or 6 digits)",
            (CreditType("SA", "Self-Assessment"),),
        ),
        BoardRules(
            Board.ABPATH,
            "Continuing Certification",
            r"\d{5,6}",
            "your ABPath ID (5 or 6 digits)",
            (CreditType("LL", "Lifelong Learning"), CreditType("SAM", "Self-Assessment Module")),
        ),
        BoardRules(
            Board.ABP,
            "Maintenance of Certification (MOC)",
            r"\d{6}",
            "your 6-digit ABP ID",
            (
                CreditType("LLSA", "Lifelong Learning and Self-Assessment (Part 2)"),
                CreditType("IPP", "Improving Professional Practice (Part 4)"),
            ),
        ),
        BoardRules(
            Board.ABS,
            "Continuous Certification",
            r"\d{5,8}",
            "your ABS ID (5 to 8 digits)",
            (CreditType("CME", "Accredited CME"), CreditType("SA", "Self-Assessment")),
        ),
        BoardRules(
            Board.ABTS,
            "Continuous Certification",
            r"\d{5,6}",
            "your ABTS ID (5 or 6 digits)",
            (CreditType("CME", "Accredited CME"), CreditType("SA", "Self-Assessment")),
        ),
    )
}


def rules_for(board: str) -> BoardRules:
    return RULES[board]


def credit_type_choices() -> list[tuple[str, str]]:
    """Every board's credit types, as ``BOARD:CODE`` with the board's words."""
    return [
        (f"{rules.board.value}:{kind.code}", f"{rules.board.value}: {kind.label}")
        for rules in RULES.values()
        for kind in rules.credit_types
    ]


def credit_type_label(value: str) -> str:
    board, _, code = value.partition(":")
    rules = RULES.get(board)
    for kind in rules.credit_types if rules else ():
        if kind.code == code:
            return kind.label
    return code


class UsState(models.TextChoices):
    """US licensing jurisdictions, by their USPS codes (PARS names a state
    licence ID's domain by this code)."""

    AL = "AL", "Alabama"
    AK = "AK", "Alaska"
    AZ = "AZ", "Arizona"
    AR = "AR", "Arkansas"
    CA = "CA", "California"
    CO = "CO", "Colorado"
    CT = "CT", "Connecticut"
    DE = "DE", "Delaware"
    DC = "DC", "District of Columbia"
    FL = "FL", "Florida"
    GA = "GA", "Georgia"
    HI = "HI", "Hawaii"
    ID = "ID", "Idaho"
    IL = "IL", "Illinois"
    IN = "IN", "Indiana"
    IA = "IA", "Iowa"
    KS = "KS", "Kansas"
    KY = "KY", "Kentucky"
    LA = "LA", "Louisiana"
    ME = "ME", "Maine"
    MD = "MD", "Maryland"
    MA = "MA", "Massachusetts"
    MI = "MI", "Michigan"
    MN = "MN", "Minnesota"
    MS = "MS", "Mississippi"
    MO = "MO", "Missouri"
    MT = "MT", "Montana"
    NE = "NE", "Nebraska"
    NV = "NV", "Nevada"
    NH = "NH", "New Hampshire"
    NJ = "NJ", "New Jersey"
    NM = "NM", "New Mexico"
    NY = "NY", "New York"
    NC = "NC", "North Carolina"
    ND = "ND", "North Dakota"
    OH = "OH", "Ohio"
    OK = "OK", "Oklahoma"
    OR = "OR", "Oregon"
    PA = "PA", "Pennsylvania"
    PR = "PR", "Puerto Rico"
    RI = "RI", "Rhode Island"
    SC = "SC", "South Carolina"
    SD = "SD", "South Dakota"
    TN = "TN", "Tennessee"
    TX = "TX", "Texas"
    UT = "UT", "Utah"
    VT = "VT", "Vermont"
    VI = "VI", "US Virgin Islands"
    VA = "VA", "Virginia"
    WA = "WA", "Washington"
    WV = "WV", "West Virginia"
    WI = "WI", "Wisconsin"
    WY = "WY", "Wyoming"
    GU = "GU", "Guam"


class ConsentScope(models.TextChoices):
    """Who a learner lets the provider report their completions to."""

    PARS = "pars", "ACCME's PARS (CME credit)"
    BOARD = "board", "A certifying board (MOC)"
    STATE = "state", "A state medical board (licensure)"


class ExternalCreditType(models.TextChoices):
    """Credit a learner earned elsewhere and records on their transcript."""

    AMA_1 = "ama_1", "AMA PRA Category 1 Credit™"
    AMA_2 = "ama_2", "AMA PRA Category 2 Credit™"
    AAFP = "aafp", "AAFP Prescribed credit"
    AOA_1A = "aoa_1a", "AOA Category 1-A credit"
    AOA_1B = "aoa_1b", "AOA Category 1-B credit"
    AOA_2 = "aoa_2", "AOA Category 2 credit"
    MOC = "moc", "MOC points"
    OTHER = "other", "Other credit or hours"
