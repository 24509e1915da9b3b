"""The programme report as CSV: one row per figure and group, hidden groups
as "fewer than 5" with no numbers. Text cells are neutralised against
spreadsheet formulas (cms.spreadsheets)."""

from __future__ import annotations

import io

from cms import spreadsheets

from .figures import MIN_GROUP, Figures
from .programme import ProgrammeReport

COLUMNS = [
    ("mentees", "Mentees"),
    ("mentees_requesting", "Mentees who sent a request"),
    ("requests", "Requests"),
    ("answered", "Requests answered"),
    ("answered_within_3_days", "Answered within 3 days"),
    ("answer_hours_median", "Median hours to answer"),
    ("answer_hours_p90", "90th percentile hours to answer"),
    ("mentees_matched", "Mentees matched"),
    ("relationships", "Relationships"),
    ("ended", "Relationships ended"),
    ("ended_early", "Ended early"),
    ("sessions_per_pair_median", "Median sessions held per pair"),
    ("sessions_per_pair_mean", "Mean sessions held per pair"),
    ("pairs_without_session", "Pairs with no session held"),
    ("mentee_rating_mean", "Mentee satisfaction (mean of 1-5)"),
    ("mentee_ratings", "Mentee exit surveys"),
    ("mentor_rating_mean", "Mentor satisfaction (mean of 1-5)"),
    ("mentor_ratings", "Mentor exit surveys"),
]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return value


def _row(label: str, figures: Figures | None) -> list[object]:
    if figures is None:
        return [label, f"fewer than {MIN_GROUP}: hidden", *[""] * (len(COLUMNS) - 1)]
    return [label] + [_cell(getattr(figures, key)) for key, _ in COLUMNS]


def report_csv(report: ProgrammeReport) -> str:
    buffer = io.StringIO()
    out = spreadsheets.writer(buffer)
    out.writerow(["Group"] + [title for _, title in COLUMNS])
    out.writerow(_row("All mentees", report.overall))
    for group in report.groups:
        out.writerow(_row(group.label, group.figures))
    return buffer.getvalue()


def csv_filename(report: ProgrammeReport) -> str:
    return f"mentoring-{report.programme.slug}-{report.generated_at:%Y-%m-%d}.csv"
