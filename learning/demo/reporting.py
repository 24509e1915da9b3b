"""Demo data for credit reporting (docs/credit-reporting.md): the paths'
ACCME activity IDs, outcomes and MOC registrations, and learners who show
every case a CME office meets when it reports to PARS."""

import decimal
from typing import Any

from learning.models import LearningPathPage, PathMocRegistration

OUTCOMES = {
    "competence": "measures_competence",
    "performance": "measures_performance",
    "patient_health": "measures_patient_health",
    "community_health": "measures_community_health",
}


def activity_fields(path: LearningPathPage, item: dict[str, Any]) -> None:
    path.accme_activity_id = item.get("accme_activity_id", "")
    path.claim_window_days = item.get("claim_window_days")
    measured = set(item.get("outcomes_measured", ["competence"]))
    for name, field in OUTCOMES.items():
        setattr(path, field, name in measured)


def moc_registrations(item: dict[str, Any]) -> list[PathMocRegistration]:
    return [
        PathMocRegistration(
            board=entry["board"],
            credit_type=entry["credit_type"],
            points=decimal.Decimal(str(entry["points"])),
            sort_order=order,
        )
        for order, entry in enumerate(item.get("moc", []))
    ]
