"""The numbers behind a path report's charts, for one date range, in a fixed
number of queries: enrolments and completions over time (per week up to
about four months, per month beyond), the completion funnel, the post-test
score distribution and the evaluation's answers. Each figure is a
:class:`Figure` so the page's tables, the charts and the CSV show the same
numbers."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Value, When
from django.db.models.functions import Cast, Floor, TruncMonth, TruncWeek
from django.utils import timezone

from learning.blocks import PRACTICE_CHANGE_CHOICES, RATING_CHOICES
from learning.models import Enrolment, LearningPathPage, TestAttempt

from .period import Period
from .services import evaluation_summary


@dataclass
class Figure:
    """One chart's numbers: a label per category and one or more series of
    counts, each as long as ``labels``."""

    key: str
    title: str
    category: str  # what the labels are (the table's first column)
    labels: list[str]
    series: list[tuple[str, list[int]]]
    summary: str = ""
    horizontal: bool = False
    stacked: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[str, list[int]]]:
        """The table: each label with its value in every series."""
        return [
            (label, [values[i] for _, values in self.series]) for i, label in enumerate(self.labels)
        ]

    @property
    def empty(self) -> bool:
        return not any(any(values) for _, values in self.series)


def _buckets(period: Period) -> list[datetime.date]:
    """The first day of each week (Monday) or month in ``period``."""
    if period.weekly:
        day = period.start - datetime.timedelta(days=period.start.weekday())
        step = datetime.timedelta(days=7)
        weeks = []
        while day <= period.end:
            weeks.append(day)
            day += step
        return weeks
    months = []
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _per_bucket(queryset: "object", field_name: str, period: Period) -> Counter[datetime.date]:
    trunc = TruncWeek if period.weekly else TruncMonth
    zone = timezone.get_current_timezone()
    counts: Counter[datetime.date] = Counter()
    for row in (
        queryset.annotate(bucket=trunc(field_name, tzinfo=zone))  # type: ignore[attr-defined]
        .values("bucket")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        bucket = row["bucket"]
        day = bucket.date() if isinstance(bucket, datetime.datetime) else bucket
        counts[day] += row["n"]
    return counts


def timeline(path: LearningPathPage, period: Period) -> Figure:
    """Enrolments made, and paths completed, in each week or month."""
    enrolments = Enrolment.objects.filter(
        path=path, enrolled_at__gte=period.since, enrolled_at__lt=period.until
    )
    completions = Enrolment.objects.filter(
        path=path, completed_at__gte=period.since, completed_at__lt=period.until
    )
    enrolled = _per_bucket(enrolments, "enrolled_at", period)
    completed = _per_bucket(completions, "completed_at", period)
    buckets = _buckets(period)
    if period.weekly:
        labels = [f"{day.day} {day:%b %Y}" for day in buckets]
    else:
        labels = [f"{day:%b %Y}" for day in buckets]
    series = [
        ("Enrolments", [enrolled[day] for day in buckets]),
        ("Completions", [completed[day] for day in buckets]),
    ]
    per = "week" if period.weekly else "month"
    total_in, total_done = sum(series[0][1]), sum(series[1][1])
    return Figure(
        key="timeline",
        title=f"Enrolments and completions per {per}",
        category="Week starting" if period.weekly else "Month",
        labels=labels,
        series=series,
        summary=f"{total_in} enrolment{'s' * (total_in != 1)} and {total_done} "
        f"completion{'s' * (total_done != 1)} from {period.start:%d %b %Y} to "
        f"{period.end:%d %b %Y}, per {per}.",
    )


def completion_funnel(stages: list[tuple[str, int]]) -> Figure:
    """The funnel's figure from :func:`learners.funnel_counts` (or :func:`learners.funnel`)."""
    enrolled = stages[0][1]
    parts = ", ".join(f"{label.lower()} {count}" for label, count in stages[1:])
    return Figure(
        key="funnel",
        title="Completion funnel",
        category="Stage",
        labels=[label for label, _ in stages],
        series=[("Learners", [count for _, count in stages])],
        summary=f"Of {enrolled} learner{'s' * (enrolled != 1)} enrolled in the range: {parts}.",
        horizontal=True,
    )


SCORE_BANDS = [(low, low + 9) for low in range(0, 90, 10)] + [(90, 100)]


def score_distribution(path: LearningPathPage, period: Period) -> Figure:
    """Post-test attempts submitted in the range, by score band; first
    attempts and retakes apart."""
    first = [0] * len(SCORE_BANDS)
    retakes = [0] * len(SCORE_BANDS)
    # Counted per band of ten points in the database (100% joins the last band).
    attempts = (
        TestAttempt.objects.filter(
            enrolment__path=path, submitted_at__gte=period.since, submitted_at__lt=period.until
        )
        .annotate(
            band=Cast(Floor(F("score") / 10), IntegerField()),
            first=Case(When(number=1, then=Value(True)), default=Value(False)),
        )
        .order_by()
        .values_list("band", "first")
        .annotate(n=Count("pk"))
    )
    for band, is_first, count in attempts:
        (first if is_first else retakes)[min(band, len(SCORE_BANDS) - 1)] += count
    total = sum(first) + sum(retakes)
    return Figure(
        key="scores",
        title="Post-test scores",
        category="Score",
        labels=[f"{low}–{high}%" for low, high in SCORE_BANDS],
        series=[("First attempts", first), ("Retakes", retakes)],
        summary=f"{total} attempt{'s' * (total != 1)} in the range; the pass mark is "
        f"{path.pass_mark}%.",
        stacked=True,
    )


PRACTICE_LABELS = dict(PRACTICE_CHANGE_CHOICES)


def evaluation_figures(path: LearningPathPage, period: Period) -> tuple[int, list[dict]]:
    """The number of evaluations submitted in the range, and per question its
    prompt, kind, figure (ratings and practice-change choices) and answers."""
    summary = evaluation_summary(path, since=period.since, until=period.until)
    questions = []
    for number, item in enumerate(summary["questions"], start=1):
        figure = None
        if item["kind"] == "rating":
            mean = "no answers" if item["mean"] is None else f"mean {item['mean']} of 5"
            figure = Figure(
                key=f"question-{number}",
                title=item["prompt"],
                category="Answer",
                labels=[label for _, label in RATING_CHOICES],
                series=[("Answers", item["distribution"])],
                summary=f"{item['count']} answer{'s' * (item['count'] != 1)}, {mean}.",
                horizontal=True,
            )
        elif item["kind"] == "practice_change":
            counts = [item["choices"].get(value, 0) for value, _ in PRACTICE_CHANGE_CHOICES]
            answered = sum(counts)
            figure = Figure(
                key=f"question-{number}",
                title=item["prompt"],
                category="Answer",
                labels=[label for _, label in PRACTICE_CHANGE_CHOICES],
                series=[("Answers", counts)],
                summary=f"{answered} answer{'s' * (answered != 1)}.",
                horizontal=True,
            )
        questions.append({**item, "figure": figure})
    return summary["responses"], questions
