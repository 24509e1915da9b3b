"""One path's report for a date range: its figures, charted for the page and
written as one CSV with every series (cells neutralised, cms.spreadsheets)."""

import io
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString
from django.utils.text import slugify

from cms import spreadsheets
from learning.models import LearningPathPage

from . import charts
from .figures import Figure, completion_funnel, evaluation_figures, score_distribution, timeline
from .learners import learner_rows
from .period import Period


@dataclass
class PathReport:
    path: LearningPathPage
    period: Period
    figures: list[Figure]  # timeline, funnel, scores
    evaluations: int
    questions: list[dict[str, Any]]

    @property
    def all_figures(self) -> list[Figure]:
        return self.figures + [q["figure"] for q in self.questions if q["figure"] is not None]


def build_report(path: LearningPathPage, period: Period) -> PathReport:
    """Every figure of the report, in a fixed number of queries."""
    evaluations, questions = evaluation_figures(path, period)
    return PathReport(
        path=path,
        period=period,
        figures=[
            timeline(path, period),
            completion_funnel(learner_rows(path, period)),
            score_distribution(path, period),
        ],
        evaluations=evaluations,
        questions=questions,
    )


def chart(figure: Figure) -> SafeString:
    return charts.bar_chart(
        figure.key,
        figure.title,
        figure.summary,
        figure.labels,
        figure.series,
        horizontal=figure.horizontal,
        stacked=figure.stacked,
        rotate=figure.key == "timeline" and len(figure.labels) > 6,
    )


CSV_COLUMNS = ["chart", "category", "label", "series", "value"]


def report_csv(report: PathReport) -> str:
    """Every chart's numbers, one row per label and series (the range is in
    the file's name)."""
    buffer = io.StringIO()
    writer = spreadsheets.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for figure in report.all_figures:
        for label, values in figure.rows:
            for (series, _), value in zip(figure.series, values, strict=True):
                writer.writerow([figure.title, figure.category, label, series, value])
    return buffer.getvalue()


def csv_filename(report: PathReport) -> str:
    period = report.period
    return f"{slugify(report.path.slug) or 'path'}-report-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
