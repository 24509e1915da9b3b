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
from .learners import funnel_counts
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
            completion_funnel(funnel_counts(path, period)),
            score_distribution(path, period),
        ],
        evaluations=evaluations,
        questions=questions,
    )


def chart(figure: Figure) -> SafeString:
    labels = figure.labels
    if report_weekly(figure):
        # Weeks as "28 Sep": the range above the chart gives the year.
        labels = [label.rsplit(" ", 1)[0] for label in labels]
    series = figure.series
    if figure.horizontal:
        # pygal draws the first label at the bottom: the funnel starts at the top.
        labels = labels[::-1]
        series = [(name, values[::-1]) for name, values in series]
    return charts.bar_chart(
        figure.key,
        figure.title,
        figure.summary,
        labels,
        series,
        horizontal=figure.horizontal,
        stacked=figure.stacked,
        rotate=not figure.horizontal and len(labels) > 6,
    )


def report_weekly(figure: Figure) -> bool:
    return figure.category == "Week starting"


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
    start, end = report.period.start.isoformat(), report.period.end.isoformat()
    return f"{slugify(report.path.slug) or 'path'}-report-{start}-to-{end}.csv"
