"""Institution reports: per-path figures and the PARS credit export, computed
in the database in a fixed number of queries."""

import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Avg, Count, Q, QuerySet, Sum

from cms import spreadsheets
from cms.credits import CREDIT_NAME, format_credits
from learning.models import (
    Certificate,
    CertificateStatus,
    EvaluationResponse,
    LearningPathPage,
    TestAttempt,
)

PARS_COLUMNS = [
    "learner_name",
    "completion_date",
    "credits",
    "credit_type",
    "board_id",
    "birth_month",
    "birth_day",
    "activity",
    "certificate_number",
]


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
    credits = {
        row["path"]: row["total"]
        for row in Certificate.objects.filter(path__in=ids, status=CertificateStatus.VALID)
        .values("path")
        .annotate(total=Sum("credits"))
    }
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
                "credits": credits.get(path.pk, Decimal(0)),
            }
        )
    return rows


def evaluation_summary(path: LearningPathPage) -> dict[str, Any]:
    """Per question: the mean rating and its distribution, free-text answers,
    and the change-in-practice answers."""
    responses = EvaluationResponse.objects.filter(enrolment__path=path).values_list(
        "questions", "answers"
    )
    questions: dict[str, dict[str, Any]] = {}
    ratings: defaultdict[str, list[int]] = defaultdict(list)
    texts: defaultdict[str, list[str]] = defaultdict(list)
    changes: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for asked, answers in responses:
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
    return {"responses": len(responses), "questions": summary}


def pars_rows(user: User, path: LearningPathPage | None = None) -> Iterator[dict[str, Any]]:
    certificates = Certificate.objects.visible_to_staff(user).filter(status=CertificateStatus.VALID)
    if path is not None:
        certificates = certificates.filter(path=path)
    certificates = certificates.select_related("user__learner_profile").order_by(
        "completion_date", "pk"
    )
    for c in certificates:
        profile = getattr(c.user, "learner_profile", None)
        consented = profile if profile is not None and profile.pars_consent else None
        yield {
            "learner_name": c.learner_name,
            "completion_date": c.completion_date.isoformat(),
            "credits": format_credits(c.credits),
            "credit_type": CREDIT_NAME,
            "board_id": consented.board_id if consented else "",
            "birth_month": consented.birth_month or "" if consented else "",
            "birth_day": consented.birth_day or "" if consented else "",
            "activity": c.activity_title,
            "certificate_number": c.number,
        }


def pars_csv(user: User, path: LearningPathPage | None = None) -> str:
    buffer = io.StringIO()
    writer = spreadsheets.dict_writer(buffer, PARS_COLUMNS)
    writer.writeheader()
    for row in pars_rows(user, path):
        writer.writerow(row)
    return buffer.getvalue()
