"""Demo learning paths, and a learner (``doctor``) with one completed path and
one in progress, left 9 days ago (learning.demo.reminders). Registered with
``seed_demo``; idempotent like the rest: a path's planners, reviewers,
commercial support and decisions are seeded with the path, and an existing
path (and any edit to it) is left alone."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from cms.demo.common import months_ago
from cms.demo.registry import register_seeder
from cms.models import GuidePage, Institution
from learning.demo import accreditation, reminders, reporting
from learning.journey import progress, services
from learning.journey.questions import evaluation_questions, post_test_questions
from learning.models import (
    LearnerProfile,
    LearningPathPage,
    PathIndexPage,
    PathPrerequisite,
    PathStep,
)

DATA_DIR = Path(__file__).resolve().parent / "data" / "paths"
DOCTOR_COMPLETED = "recognising-the-deteriorating-patient"
DOCTOR_IN_PROGRESS = "starting-your-first-attending-job"

# seed_demo's progress printer.
Say = Callable[[str], object]


def path_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.json"))


def _stream(block_type: str, items: list[Any]) -> str:
    return json.dumps([{"type": block_type, "value": item} for item in items])


def build_path(
    item: dict[str, Any],
    index_page: PathIndexPage,
    institution: Institution | None,
    users: dict[str, Any],
) -> LearningPathPage:
    guides = {g.slug: g for g in GuidePage.objects.filter(slug__in=item["steps"])}
    path = LearningPathPage(
        title=item["title"],
        slug=item["slug"],
        summary=item["summary"],
        target_audience=item["target_audience"],
        objectives=_stream("objective", item["objectives"]),
        max_credits=str(item["max_credits"]),
        institution=institution,
        release_date=months_ago(item["release_months_ago"]),
        last_reviewed=months_ago(item["last_reviewed_months_ago"]),
        estimated_minutes=item["estimated_minutes"],
        joint_provider=item.get("joint_provider", ""),
        certificate_policy=item["certificate_policy"],
        pass_mark=item["pass_mark"],
        post_test=_stream(
            "question",
            [
                {
                    "prompt": q["prompt"],
                    "choices": [{"text": c["text"], "correct": c["correct"]} for c in q["choices"]],
                    "explanation": q.get("explanation", ""),
                }
                for q in item["post_test"]
            ],
        ),
        evaluation=json.dumps(
            [{"type": e["type"], "value": {"prompt": e["prompt"]}} for e in item["evaluation"]]
        ),
    )
    if "hardware_software" in item:
        path.hardware_software = item["hardware_software"]
    reporting.activity_fields(path, item)
    for order, slug in enumerate(item["steps"]):
        path.steps.add(PathStep(guide=guides[slug], sort_order=order))
    path.contributors.add(*accreditation.contributors(item))
    path.commercial_support.add(*accreditation.commercial_support(item))
    path.moc.add(*reporting.moc_registrations(item))
    # A draft first: the reviewer's decisions are recorded on the saved path,
    # and only then is it published (through the publish gate).
    path.live = False
    index_page.add_child(instance=path)
    accreditation.record_decisions(path, item, users)
    accreditation.publish(path)
    return path


def seed_paths(stdout: Say) -> dict[str, LearningPathPage]:
    index_page = PathIndexPage.objects.get()
    institution = Institution.objects.order_by("pk").first()
    users = get_user_model().objects.in_bulk(["reviewer"], field_name="username")
    items = [json.loads(f.read_text(encoding="utf-8")) for f in path_files()]
    existing = set(LearningPathPage.objects.values_list("slug", flat=True))
    for item in items:
        if item["slug"] in existing:
            continue
        with transaction.atomic():
            build_path(item, index_page, institution, users)
        stdout(f"  path {item['title']}")
    paths = {p.slug: p for p in LearningPathPage.objects.all()}
    for item in items:
        path = paths[item["slug"]]
        for order, slug in enumerate(item.get("prerequisites", [])):
            PathPrerequisite.objects.get_or_create(
                page=path, required_path=paths[slug], defaults={"sort_order": order}
            )
    return paths


def correct_answers(path: LearningPathPage) -> dict[str, list[int]]:
    return {q.id: list(q.correct) for q in post_test_questions(path)}


def demo_evaluation(path: LearningPathPage) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in evaluation_questions(path):
        if question.kind == "rating":
            answers[question.id] = 5
        elif question.kind == "text":
            answers[question.id] = "Naming the diagnosis I am most afraid of missing, out loud."
        else:
            answers[question.id] = {
                "choice": "yes",
                "how": "I will re-examine patients whose early warning score rises, "
                "before accepting a handed-over diagnosis.",
            }
    return answers


def run_through(user: Any, path: LearningPathPage, moc_boards: tuple[str, ...] = ()) -> None:
    """Every step, a passing post-test, the evaluation and a claim for the
    path's full credit (which issues the certificate)."""
    services.enrol(user, path)
    for step in progress.path_steps(path):
        services.complete_step(user, path, step.guide_id)
    services.submit_attempt(user, path, correct_answers(path))
    services.submit_evaluation(user, path, demo_evaluation(path))
    services.claim_credit(user, path, path.max_credits, attested=True, moc_boards=moc_boards)


def seed_learner(paths: dict[str, LearningPathPage], stdout: Say) -> None:
    doctor = get_user_model().objects.get(username="doctor")
    profile, created = LearnerProfile.objects.get_or_create(
        user=doctor,
        defaults={
            "full_name": "Maya R. Chen",
            "credentials": "MD",
            "degree": "md",
            "specialty": "Internal medicine",
            "time_zone": "America/Chicago",
        },
    )
    if created:
        reporting.give_identity(profile, reporting.DOCTOR_IDENTITY)
    reporting.give_outside_credit(doctor)
    completed = paths.get(DOCTOR_COMPLETED)
    if completed is not None:
        # She reports to ABIM for MOC: the path is registered for it.
        run_through(doctor, completed, moc_boards=("ABIM",))
        reporting.seed_learners(completed, run_through, stdout)
    in_progress = paths.get(DOCTOR_IN_PROGRESS)
    if in_progress is not None:
        enrolment, created = services.enrol(doctor, in_progress)
        first = progress.path_steps(in_progress)[:2]
        for step in first:
            services.complete_step(doctor, in_progress, step.guide_id)
        if created:
            # Left 9 days ago: `send_notifications` sends her an inactivity reminder.
            reminders.make_quiet(enrolment)
    stdout("  learner doctor: one completed path, one in progress (quiet for 9 days)")


@register_seeder("learning", order=10)
def seed_learning(stdout: Say) -> None:
    paths = seed_paths(stdout)
    seed_learner(paths, stdout)
