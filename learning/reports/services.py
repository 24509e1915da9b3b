"""Institution reports: per-path figures, computed in the database in a fixed
number of queries. Credit is reported to PARS in batches (learning.reporting)."""

import datetime
import io
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from cms import spreadsheets
from cms.credits import format_credits
from learning.models import (
    Certificate,
    CertificateKind,
    CertificateStatus,
    EvaluationResponse,
    LearningPathPage,
    TestAttempt,
)


def paths_for(user: User) -> QuerySet[LearningPathPage]:
    return LearningPathPage.objects.accredited_by_staff(user).order_by("title")


def path_summaries(user: User) -> list[dict[str, Any]]:
    """One row per path the user may report on."""
    paths = list(
        paths_for(user).annotate(
            enrolled=Count("enrolments", distinct=True),
            completed=Count(
                "enrolments", filter=Q(enrolments__completed_at__isnull=False), distinct=True
            ),
        )
    )
    ids = [p.pk for p in paths]
    attempts = {
        row["enrolment__path"]: row
        for row in TestAttempt.objects.filter(enrolment__path__in=ids)
        .values("enrolment__path")
        .annotate(
            attempts=Count("pk"),
            passed=Count("pk", filter=Q(passed=True)),
            average=Avg("score"),
        )
    }
    learners = learner_counts(ids)
    rows = []
    for path in paths:
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


def learner_counts(path_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per path: physicians, other learners, AMA PRA credits awarded and
    participation hours recorded (never added together)."""
    certificates = Certificate.objects.filter(path__in=path_ids, status=CertificateStatus.VALID)
    return {row["path"]: _named(row) for row in certificates.values("path").annotate(**_counts())}


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
    ``since`` until before ``until`` when given."""
    responses = EvaluationResponse.objects.filter(enrolment__path=path)
    if since is not None:
        responses = responses.filter(submitted_at__gte=since)
    if until is not None:
        responses = responses.filter(submitted_at__lt=until)
    rows = list(responses.order_by("submitted_at", "pk").values_list("questions", "answers"))
    questions: dict[str, dict[str, Any]] = {}
    ratings: defaultdict[str, list[int]] = defaultdict(list)
    texts: defaultdict[str, list[str]] = defaultdict(list)
    changes: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for asked, answers in rows:
        for question in asked:
            questions.setdefault(question["id"], question)
            value = answers.get(question["id"])
            if question["kind"] == "rating" and isinstance(value, int):
                ratings[question["id"]].append(value)
            elif question["kind"] == "text" and value:
                texts[question["id"]].append(value)
            elif question["kind"] == "practice_change" and isinstance(value, dict):
                changes[question["id"]].append(value)
    summary = []
    for qid, question in questions.items():
        item = {"prompt": question["prompt"], "kind": question["kind"]}
        if question["kind"] == "rating":
            values = ratings[qid]
            item["count"] = len(values)
            item["mean"] = round(sum(values) / len(values), 2) if values else None
            item["distribution"] = [Counter(values).get(score, 0) for score in range(1, 6)]
        elif question["kind"] == "text":
            item["answers"] = texts[qid]
        else:
            item["choices"] = Counter(v.get("choice") for v in changes[qid])
            item["answers"] = [v["how"] for v in changes[qid] if v.get("how")]
        summary.append(item)
    return {"responses": len(rows), "questions": summary}


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
