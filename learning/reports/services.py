"""Institution reports: per-path figures, computed in the database in a fixed
number of queries. Credit is reported to PARS in batches (learning.reporting)."""

import datetime
import io
from collections import Counter
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Avg, CharField, Count, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce

from cms import spreadsheets
from cms.credits import format_credits
from learning.blocks import PRACTICE_CHANGE_CHOICES
from learning.models import (
    Certificate,
    CertificateKind,
    CertificateStatus,
    Enrolment,
    EvaluationResponse,
    LearningPathPage,
    TestAttempt,
)


def paths_for(user: User) -> QuerySet[LearningPathPage]:
    return LearningPathPage.objects.accredited_by_staff(user).order_by("title")


def path_summaries(user: User, only: LearningPathPage | None = None) -> list[dict[str, Any]]:
    """One row per path the user may report on (``only``: that path alone,
    as its report shows it: the other paths' rows are not counted)."""
    paths = paths_for(user)
    if only is not None:
        paths = paths.filter(pk=only.pk)
    paths = paths.annotate(
        # Subqueries, one per figure: a join of both counts would multiply rows.
        enrolled=_enrolment_count(Q()),
        completed=_enrolment_count(Q(completed_at__isnull=False)),
    )
    rows_paths = list(paths)
    ids = [p.pk for p in rows_paths]
    attempts = {
        row["enrolment__path"]: row
        for row in TestAttempt.objects.filter(enrolment__path__in=ids)
        .values("enrolment__path")
        .annotate(
            attempts=Count("pk"),
            passed=Count("pk", filter=Q(passed=True)),
            average=Avg("score"),
        )
        .order_by()
    }
    learners = learner_counts(ids)
    rows = []
    for path in rows_paths:
        a = attempts.get(path.pk, {})
        total_attempts = a.get("attempts", 0)
        rows.append(
            {
                "path": path,
                "enrolled": path.enrolled,
                "completed": path.completed,
                "attempts": total_attempts,
                "pass_rate": round(100 * a["passed"] / total_attempts) if total_attempts else None,
                "average_score": round(a["average"], 1) if a.get("average") is not None else None,
                **learners.get(path.pk, EMPTY_COUNTS),
            }
        )
    return rows


def _enrolment_count(condition: Q) -> Any:
    enrolments = (
        Enrolment.objects.filter(condition, path=OuterRef("pk"))
        .order_by()
        .values("path")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(enrolments), 0)


# Physicians and other learners are counted from valid certificates, whose kind
# was fixed from the learner's profession when issued (learning.certificates.kinds):
# a learner counts once per path, and once overall however many paths.
EMPTY_COUNTS = {
    "physicians": 0,
    "other_learners": 0,
    "credits": Decimal(0),
    "hours": Decimal(0),
}
_AMA = Q(kind=CertificateKind.AMA_PRA)
_PARTICIPATION = Q(kind=CertificateKind.PARTICIPATION)


def _counts() -> dict[str, Any]:
    return {
        "physicians": Count("user", filter=_AMA, distinct=True),
        "other_learners": Count("user", filter=_PARTICIPATION, distinct=True),
        # Not named after the field they sum (the ORM refuses that).
        "credits_awarded": Coalesce(Sum("credits", filter=_AMA), Decimal(0)),
        "hours_recorded": Coalesce(Sum("credits", filter=_PARTICIPATION), Decimal(0)),
    }


def _named(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "physicians": row["physicians"],
        "other_learners": row["other_learners"],
        "credits": row["credits_awarded"],
        "hours": row["hours_recorded"],
    }


def learner_counts(
    path_ids: list[int], through: datetime.date | None = None
) -> dict[int, dict[str, Any]]:
    """Per path: physicians, other learners, AMA PRA credits awarded and
    participation hours recorded (never added together); of the completions
    up to and including ``through`` when given (cumulative counts as of a
    day, as ACCME asks of enduring materials each year)."""
    certificates = Certificate.objects.filter(path__in=path_ids, status=CertificateStatus.VALID)
    if through is not None:
        certificates = certificates.filter(completion_date__lte=through)
    return {
        row["path"]: _named(row)
        for row in certificates.values("path").annotate(**_counts()).order_by()
    }


def overall_counts(user: User) -> dict[str, Any]:
    """The same figures over every path ``user`` may report on."""
    certificates = Certificate.objects.filter(
        path__in=paths_for(user).values("pk"), status=CertificateStatus.VALID
    )
    return _named(certificates.aggregate(**_counts()))


def evaluation_summary(
    path: LearningPathPage,
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Per question: the mean rating and its distribution, free-text answers,
    and the change-in-practice answers; of the evaluations submitted from
    ``since`` until before ``until`` when given.

    Two queries whatever the number of responses: the questions as first
    asked, then one pass over the responses reading each answer as a short
    text column (no JSON document is decoded whole), counted here. The
    responses table is wide (each row keeps its questions), so it is read
    once rather than once for the counts and once for the written answers."""
    responses = EvaluationResponse.objects.filter(enrolment__path=path)
    if since is not None:
        responses = responses.filter(submitted_at__gte=since)
    if until is not None:
        responses = responses.filter(submitted_at__lt=until)
    questions = _questions_asked(responses)
    total, chosen, written = _answers(responses, questions)
    summary = []
    for number, (qid, question) in enumerate(questions.items()):
        item: dict[str, Any] = {"prompt": question["prompt"], "kind": question["kind"]}
        if question["kind"] == "rating":
            distribution = [chosen[number][str(score)] for score in range(1, 6)]
            count = sum(distribution)
            item["count"] = count
            weighted = sum(score * n for score, n in enumerate(distribution, start=1))
            item["mean"] = round(weighted / count, 2) if count else None
            item["distribution"] = distribution
        elif question["kind"] == "text":
            item["answers"] = written[qid]
        else:
            item["choices"] = Counter(
                {
                    value: chosen[number][value]
                    for value, _ in PRACTICE_CHANGE_CHOICES
                    if chosen[number][value]
                }
            )
            item["answers"] = written[qid]
        summary.append(item)
    return {"responses": total, "questions": summary}


def _questions_asked(responses: QuerySet[EvaluationResponse]) -> dict[str, dict[str, Any]]:
    """Every question asked, as it was first asked: each distinct set of
    questions once, the oldest first."""
    questions: dict[str, dict[str, Any]] = {}
    sets = (
        responses.values("questions")
        .annotate(first=Min("submitted_at"), first_pk=Min("pk"))
        .order_by("first", "first_pk")
    )
    for row in sets:
        for question in row["questions"]:
            questions.setdefault(question["id"], question)
    return questions


def _answers(
    responses: QuerySet[EvaluationResponse], questions: dict[str, dict[str, Any]]
) -> tuple[int, dict[int, Counter[str]], dict[str, list[str]]]:
    """The number of responses; per question (by its number) how often each
    rating or practice-change choice was given; and the free-text and "how I
    will change my practice" answers, oldest first. Ratings and choices are
    compared as text, which reads the same on PostgreSQL and SQLite."""
    columns: dict[str, Any] = {}
    readers = []  # (column, question number, question id, kind of value)
    for number, (qid, question) in enumerate(questions.items()):
        if question["kind"] == "rating":
            columns[f"a{number}"] = Cast(KeyTextTransform(qid, "answers"), CharField())
            readers.append((f"a{number}", number, qid, "chosen"))
        elif question["kind"] == "practice_change":
            choice = KeyTextTransform("choice", KeyTransform(qid, "answers"))
            columns[f"a{number}"] = Cast(choice, CharField())
            columns[f"w{number}"] = KeyTextTransform("how", KeyTransform(qid, "answers"))
            readers.append((f"a{number}", number, qid, "chosen"))
            readers.append((f"w{number}", number, qid, "written"))
        elif question["kind"] == "text":
            columns[f"w{number}"] = KeyTextTransform(qid, "answers")
            readers.append((f"w{number}", number, qid, "written"))
    chosen: dict[int, Counter[str]] = {number: Counter() for number in range(len(questions))}
    written: dict[str, list[str]] = {qid: [] for _, _, qid, kind in readers if kind == "written"}
    if not columns:
        return responses.count(), chosen, written
    rows = (
        responses.annotate(**columns)
        .order_by("submitted_at", "pk")
        .values_list(*[name for name, *_ in readers])
    )
    total = 0
    for row in rows.iterator(chunk_size=2000):
        total += 1
        for value, (_, number, qid, kind) in zip(row, readers, strict=True):
            if not value:
                continue
            if kind == "chosen":
                chosen[number][value] += 1
            else:
                written[qid].append(value)
    return total, chosen, written


SUMMARY_COLUMNS = [
    "activity",
    "enrolments",
    "completions",
    "post_test_attempts",
    "pass_rate_percent",
    "average_score_percent",
    "physicians",
    "other_learners",
    "credits_awarded",
    "participation_hours",
]


def summary_csv(user: User) -> str:
    """The CME reports table as CSV, one row per path and a last row for all
    paths (each learner counted once). Cells are neutralised (cms.spreadsheets)."""
    buffer = io.StringIO()
    writer = spreadsheets.dict_writer(buffer, SUMMARY_COLUMNS)
    writer.writeheader()

    def figures(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "physicians": row["physicians"],
            "other_learners": row["other_learners"],
            "credits_awarded": format_credits(row["credits"]),
            "participation_hours": format_credits(row["hours"]),
        }

    for row in path_summaries(user):
        writer.writerow(
            {
                "activity": row["path"].title,
                "enrolments": row["enrolled"],
                "completions": row["completed"],
                "post_test_attempts": row["attempts"],
                "pass_rate_percent": "" if row["pass_rate"] is None else row["pass_rate"],
                "average_score_percent": ""
                if row["average_score"] is None
                else row["average_score"],
                **figures(row),
            }
        )
    writer.writerow({"activity": "All paths", **figures(overall_counts(user))})
    return buffer.getvalue()
