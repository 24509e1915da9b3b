"""MOC on a certificate: the points a certificate carries for each board the
learner chose when claiming, and the board's statement printed with them.

Statements, by board:

- **ABIM** and **ABP** have their own wording, which ACCME says is mandatory
  for ABIM (accme.org "CME that counts for ABIM MOC"); the texts are those
  given to accredited providers with ACCME's CME for MOC Program Guide
  (docs/credit-reporting.md names the version), with the points and the
  credit type filled in.
- **ABA, ABOHNS, ABOS, ABPath, ABS, ABTS**: no fixed statement was found, so
  a generic sentence names the board and its programme (``learning.boards.RULES``)
  with the points and the credit type. Replace it here when a board publishes one.

Points (``points_for``): the points registered for the path, but never more
than the credits claimed (ABIM: "MOC points equivalent to the amount of CME
credits claimed").
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from cms.credits import format_credits
from learning.boards import Board, credit_type_label, rules_for
from learning.models import BoardCertification, CertificateMoc, PathMocRegistration

from .kinds import is_participation

if TYPE_CHECKING:
    from learning.models import Certificate, CreditClaim, LearnerProfile

ABIM_STATEMENT = (
    "Successful completion of this CME activity, which includes participation in the "
    "evaluation component, enables the participant to earn up to {points} {credit_type} MOC "
    "points in the American Board of Internal Medicine's (ABIM) Maintenance of Certification "
    "(MOC) program. Participants will earn MOC points equivalent to the amount of CME credits "
    "claimed for the activity. It is the CME activity provider's responsibility to submit "
    "participant completion information to ACCME for the purpose of granting ABIM MOC credit."
)
ABP_STATEMENT = (
    "Successful completion of this CME activity, which includes participation in the "
    "evaluation component, enables the learner to earn up to {points} MOC points "
    "({credit_type}) in the American Board of Pediatrics' (ABP) Maintenance of Certification "
    "(MOC) program. It is the CME activity provider's responsibility to submit learner "
    "completion information to ACCME for the purpose of granting ABP MOC credit."
)
GENERIC_STATEMENT = (
    "Successful completion of this CME activity enables the learner to earn {points} "
    "{credit_type} points in the {board_name}'s {program} program. The provider submits "
    "completion information to ACCME for the purpose of granting this credit."
)
STATEMENTS = {Board.ABIM.value: ABIM_STATEMENT, Board.ABP.value: ABP_STATEMENT}


def board_name(board: str) -> str:
    """ "American Board of Surgery (ABS)" -> "American Board of Surgery"."""
    return Board(board).label.rsplit(" (", 1)[0]


def statement(board: str, credit_type: str, points: Decimal) -> str:
    """The board's wording for ``points`` of ``credit_type`` ("ABIM:MK")."""
    template = STATEMENTS.get(board, GENERIC_STATEMENT)
    return template.format(
        points=format_credits(points),
        credit_type=credit_type_label(credit_type),
        board_name=board_name(board),
        program=rules_for(board).program,
    )


def summary(moc: CertificateMoc) -> str:
    """One short line: "2 ABIM Medical Knowledge MOC points (ABIM ID 123456)"."""
    return (
        f"{format_credits(moc.points)} {moc.board} {moc.credit_type_label} MOC points "
        f"({moc.board} ID {moc.board_id})"
    )


def points_for(claimed: Decimal, registered: Decimal) -> Decimal:
    return min(claimed, registered)


def board_ids(profile: LearnerProfile | None) -> dict[str, str]:
    """The learner's board IDs now, by board."""
    if profile is None:
        return {}
    return dict(BoardCertification.objects.filter(profile=profile).values_list("board", "board_id"))


def create_moc(certificate: Certificate, claim: CreditClaim, profile: LearnerProfile) -> None:
    """The certificate's MOC rows: one per registration of the path with a
    board the learner chose at claim, if the learner (still) has that board's
    ID (a choice made when the learner had one). Called when a certificate is
    issued or reissued (a snapshot)."""
    chosen = set(claim.moc_boards or [])
    # MOC is for physicians' AMA PRA credit, never a certificate of participation.
    if not chosen or is_participation(certificate.kind):
        return
    ids = board_ids(profile)
    registrations = PathMocRegistration.objects.filter(
        page_id=claim.enrolment.path_id, board__in=chosen
    ).order_by("board", "credit_type")
    for registration in registrations:
        board_id = ids.get(registration.board)
        if not board_id:
            continue
        points = points_for(certificate.credits, registration.points)
        CertificateMoc.objects.create(
            certificate=certificate,
            board=registration.board,
            credit_type=registration.credit_type,
            points=points,
            board_id=board_id,
            statement=statement(registration.board, registration.credit_type, points),
        )
