"""The reports benchmark's institution, generated inside Django (a child
process of reports_bench.py): 50 credit paths of 12 steps, 100,000 learners
with one enrolment each and 1,000,000 step completions, post-test attempts,
evaluations, claims and certificates in realistic shares, and two CME report
batches (10,000 and 100,000 rows) for the export.

Deterministic (one seeded ``random.Random``, dates counted back from a fixed
day) and fast: the few content rows through the factories (here), the plan of
who did what (here), the learner records written straight to their tables
(reports_records.py, COPY on PostgreSQL), then the batches (here).
"""

import datetime
import json
import os
import random
from decimal import Decimal

from benchmarks.reports_records import (
    ALL_STEPS,
    FIRST,
    LAST,
    insert,
    npi,
    write_records,
)

PATHS = 50
STEPS = 12
# BENCH_REPORTS_SCALE=0.01 for a quick try (1,000 enrolments...).
SCALE = float(os.environ.get("BENCH_REPORTS_SCALE", "1"))
ENROLMENTS = int(100_000 * SCALE)
COMPLETIONS = 10 * ENROLMENTS
BATCH_ROWS = (int(10_000 * SCALE), int(100_000 * SCALE))
SEED = 16
DAYS = 720  # the paths were released about two years before the fixed day

EVALUATION = [
    {"type": "rating", "value": {"prompt": "The activity met its stated objectives."}},
    {"type": "rating", "value": {"prompt": "The content was relevant to my practice."}},
    {"type": "rating", "value": {"prompt": "The activity was free of commercial bias."}},
    {"type": "rating", "value": {"prompt": "The format suited the way I learn."}},
    {"type": "text", "value": {"prompt": "What was most useful to you?"}},
    {
        "type": "practice_change",
        "value": {"prompt": "Will you change your practice after this activity? If so, how?"},
    },
]


def content(day):
    """The institution, its staff member and the 50 paths (factories)."""
    from tests.factories import (
        GuidePageFactory,
        InstitutionFactory,
        InstitutionStaffFactory,
        LearningPathPageFactory,
        MentorFactory,
    )

    institution = InstitutionFactory(
        name="Harbourside CME Office", slug="harbourside", accme_provider_id="0054321"
    )
    staff = InstitutionStaffFactory(username="bench-cme-staff", password=None)
    institution.staff.add(staff)
    mentor = MentorFactory()
    guides = [
        GuidePageFactory(
            title=f"Ward skills {i + 1}", slug=f"ward-skills-{i + 1}", authors=[mentor]
        )
        for i in range(60)
    ]
    paths = []
    for i in range(PATHS):
        chosen = [guides[(i * 7 + j) % len(guides)] for j in range(STEPS)]
        paths.append(
            LearningPathPageFactory(
                title=f"Acute medicine module {i + 1:02d}",
                slug=f"acute-medicine-{i + 1:02d}",
                institution=institution,
                accme_activity_id=f"{202600000 + i + 1:09d}",
                max_credits=Decimal("3.00"),
                release_date=day - datetime.timedelta(days=DAYS),
                evaluation=json.dumps(EVALUATION),
                steps=chosen,
                planners=[mentor],
            )
        )
    return institution, staff, paths


def generate(day_text):
    """Everything; returns what the measuring phases need."""
    from django.db import transaction
    from django.utils import timezone

    from learning.journey.questions import evaluation_questions
    from learning.models import (
        Certificate,
        CreditClaim,
        Enrolment,
        EvaluationResponse,
        PathStep,
        ReportBatch,
        ReportedCompletion,
        StepCompletion,
        TestAttempt,
    )

    day = datetime.date.fromisoformat(day_text)
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    rng = random.Random(SEED)
    with transaction.atomic():
        institution, staff, paths = content(day)
    steps = {
        p.pk: list(
            PathStep.objects.filter(page=p)
            .order_by("sort_order")
            .values_list("guide_id", "guide__title")
        )
        for p in paths
    }
    questions = {p.pk: [q.as_dict() for q in evaluation_questions(p)] for p in paths}
    weights = [1 / (i + 1) for i in range(PATHS)]  # a few popular paths, a long tail

    # Who took what, how far, and when.
    learners = []
    for n in range(ENROLMENTS):
        path = rng.choices(paths, weights)[0]
        share = rng.random()
        enrolled = moment - datetime.timedelta(days=rng.uniform(3, DAYS - 1))
        done = STEPS if share < ALL_STEPS else rng.randint(0, 8)
        learners.append([n, path, share, enrolled, done])
    total = sum(item[4] for item in learners)
    partial = [item for item in learners if item[2] >= ALL_STEPS]
    i = 0
    while total != COMPLETIONS:  # exactly a million: nudge the partial learners
        item = partial[i % len(partial)]
        if total < COMPLETIONS and item[4] < STEPS - 1:
            item[4] += 1
            total += 1
        elif total > COMPLETIONS and item[4] > 0:
            item[4] -= 1
            total -= 1
        i += 1

    claimed, finished, certificate_ids = write_records(learners, steps, questions, institution)

    # The export's batches, as create_batch stores them (values in ``data``).
    # The institution has fewer certificates than the larger batch has rows:
    # its rows past the certificates repeat them as "delete" rows, which
    # are written exactly like "add" rows.
    batches = {}
    for rows in BATCH_ROWS:
        with transaction.atomic():
            batch = ReportBatch.objects.create(
                institution=institution,
                body="CME",
                number=len(batches) + 1,
                created_by=staff,
                provider_id=institution.accme_provider_id,
            )

            def reported(batch=batch, rows=rows):
                for r in range(rows):
                    i = r % len(claimed)
                    n, path, *_rest = claimed[i]
                    licence = n % 3 == 0
                    data = {
                        "certificate_number": f"HB-{i + 1:07d}",
                        "provider_id": institution.accme_provider_id,
                        "provider_name": institution.name,
                        "activity_id": path.accme_activity_id,
                        "activity_title": path.title,
                        "completion_date": finished[n].date().isoformat(),
                        "completion_time": finished[n].strftime("%H:%M:%S"),
                        "first_name": FIRST[n % 10],
                        "last_name": LAST[n // 10 % 10],
                        "birth_date": f"{n % 12 + 1:02d}/{n % 28 + 1:02d}",
                        "credits": "3",
                        "identifiers": [{"domain": "NPI", "value": npi(n)}]
                        + ([{"domain": "CA", "value": f"A{n:06d}"}] if licence else []),
                        "licensing_state": "California" if licence else "",
                        "licensing_id": f"A{n:06d}" if licence else npi(n),
                        "certification": "AMA PRA Category 1",
                    }
                    action = "add" if r < len(claimed) else "delete"
                    yield (batch.pk, certificate_ids[i], action, json.dumps(data))

            insert(ReportedCompletion, ["batch", "certificate", "action", "data"], reported())
        batches[rows] = batch.pk
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    sizes = sorted(((Enrolment.objects.filter(path=p).count(), p.pk) for p in paths), reverse=True)
    return {
        "staff": staff.username,
        "largest_path": {"pk": sizes[0][1], "enrolments": sizes[0][0]},
        "median_path": {"pk": sizes[len(sizes) // 2][1], "enrolments": sizes[len(sizes) // 2][0]},
        "batches": batches,
        "counts": {
            "enrolments": Enrolment.objects.count(),
            "step_completions": StepCompletion.objects.count(),
            "attempts": TestAttempt.objects.count(),
            "evaluations": EvaluationResponse.objects.count(),
            "claims": CreditClaim.objects.count(),
            "certificates": Certificate.objects.count(),
            "reported_rows": ReportedCompletion.objects.count(),
        },
        "generated_at": timezone.now().isoformat(),
    }
