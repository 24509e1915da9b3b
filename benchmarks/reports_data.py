"""The reports benchmark's institution, generated inside Django (a child
process of reports_bench.py): 50 credit paths of 12 steps, 100,000 learners
with one enrolment each and 1,000,000 step completions, post-test attempts,
evaluations, claims and certificates in realistic shares, and two CME report
batches (10,000 and 100,000 rows) for the export.

Deterministic (one seeded ``random.Random``, dates counted back from a fixed
day) and fast: the few content rows through the factories, the learner
records written straight to their tables, with COPY on PostgreSQL and
``executemany`` on SQLite, in batches. Rows are not model instances and
``save()`` never runs (no signal, no task).
"""

import datetime
import json
import os
import random
from decimal import Decimal

PATHS = 50
STEPS = 12
# BENCH_REPORTS_SCALE=0.01 for a quick try (1,000 enrolments...).
SCALE = float(os.environ.get("BENCH_REPORTS_SCALE", "1"))
ENROLMENTS = int(100_000 * SCALE)
COMPLETIONS = 10 * ENROLMENTS
BATCH_ROWS = (int(10_000 * SCALE), int(100_000 * SCALE))
SEED = 16
DAYS = 720  # the paths were released about two years before the fixed day
# Learners reaching each stage, as cumulative shares of the enrolments:
CLAIMED, EVALUATED, PASSED, ALL_STEPS = 0.62, 0.68, 0.72, 0.75
INSERT_BATCH = 20_000

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
USEFUL = [
    "The worked cases on the ward.",
    "The dosing table for renal impairment.",
    "Knowing when to call for senior help.",
    "The short checklist at the end of each step.",
    "The red flags to look for at triage.",
]
HOW = [
    "Review the drug chart at every handover.",
    "Use the checklist before discharge.",
    "Repeat the lactate within two hours.",
    "Ask about falls at every older patient's visit.",
]
FIRST = ["Maya", "Sam", "Ann", "Ravi", "Lena", "Tom", "Ines", "Kofi", "Yuki", "Omar"]
LAST = ["Chen", "Ortiz", "Lee", "Patel", "Novak", "Berg", "Silva", "Mensah", "Sato", "Haddad"]


def npi(n):
    """A valid 10-digit NPI (Luhn over the 80840 prefix) from a number."""
    body = f"1{n:08d}"
    digits = [int(d) for d in "80840" + body]
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return body + str((10 - total % 10) % 10)


def insert(model, columns, rows):
    """Write ``rows`` (tuples in ``columns`` order, field names) to ``model``'s table."""
    from django.db import connection

    fields = [model._meta.get_field(name).column for name in columns]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(f'"{f}"' for f in fields)
            with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(fields))
        # Names from the models' metadata, values as parameters.
        statement = f'INSERT INTO "{table}" ({", ".join(fields)}) VALUES ({marks})'  # noqa: S608
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= INSERT_BATCH:
                cursor.executemany(statement, batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)


def next_ids(model, count):
    """``count`` primary keys after the table's largest, for rows written by hand."""
    from django.db.models import Max

    start = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    return range(start, start + count)


def fix_sequences(models):
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


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
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from learning.journey.questions import evaluation_questions
    from learning.models import (
        Certificate,
        CertificateKind,
        ClaimStatus,
        CreditClaim,
        Enrolment,
        EvaluationResponse,
        LearnerProfile,
        PathStep,
        ReportBatch,
        ReportedCompletion,
        StepCompletion,
        TestAttempt,
    )

    User = get_user_model()
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

    user_ids = next_ids(User, ENROLMENTS)
    profile_ids = next_ids(LearnerProfile, ENROLMENTS)
    enrolment_ids = next_ids(Enrolment, ENROLMENTS)
    with transaction.atomic():
        insert(
            User,
            [
                "id",
                "username",
                "email",
                "first_name",
                "last_name",
                "password",
                "is_staff",
                "is_active",
                "is_superuser",
                "date_joined",
            ],
            (
                (
                    user_ids[n],
                    f"learner{n:06d}",
                    f"learner{n:06d}@example.org",
                    FIRST[n % 10],
                    LAST[n // 10 % 10],
                    "!",
                    False,
                    True,
                    False,
                    enrolled,
                )
                for n, _, _, enrolled, _ in learners
            ),
        )
        insert(
            LearnerProfile,
            [
                "id",
                "user",
                "full_name",
                "first_name",
                "last_name",
                "credentials",
                "degree",
                "specialty",
                "npi",
                "time_zone",
                "legacy_board_id",
                "birth_month",
                "birth_day",
                "updated_at",
            ],
            (
                (
                    profile_ids[n],
                    user_ids[n],
                    f"{FIRST[n % 10]} {LAST[n // 10 % 10]}",
                    FIRST[n % 10],
                    LAST[n // 10 % 10],
                    "MD",
                    "md",
                    "Internal medicine",
                    npi(n),
                    "America/New_York",
                    "",
                    n % 12 + 1,
                    n % 28 + 1,
                    enrolled,
                )
                for n, _, _, enrolled, _ in learners
            ),
        )
        claimed = [item for item in learners if item[2] < CLAIMED]
        finished = {item[0]: item[3] + datetime.timedelta(days=2) for item in claimed}
        insert(
            Enrolment,
            ["id", "user", "path", "enrolled_at", "completed_at"],
            (
                (enrolment_ids[n], user_ids[n], path.pk, enrolled, finished.get(n))
                for n, path, _, enrolled, _ in learners
            ),
        )

        def completions():
            for n, path, _, enrolled, done in learners:
                for k, (guide_id, title) in enumerate(steps[path.pk][:done]):
                    at = enrolled + datetime.timedelta(hours=2 * k + 1)
                    yield (enrolment_ids[n], guide_id, title, at)

        insert(StepCompletion, ["enrolment", "guide", "guide_title", "completed_at"], completions())

        def attempts():
            for n, _path, share, enrolled, _ in learners:
                if share >= ALL_STEPS:
                    continue
                at = enrolled + datetime.timedelta(days=1)
                retake = share >= PASSED or n % 5 == 0  # failed, or passed on a retake
                if retake:
                    yield (enrolment_ids[n], 1, at, Decimal(40 + n % 29), 70, False, "{}", "{}")
                if share < PASSED:
                    number = 2 if retake else 1
                    score = Decimal(70 + n % 31)
                    later = at + datetime.timedelta(hours=3 * (number - 1))
                    yield (enrolment_ids[n], number, later, score, 70, True, "{}", "{}")

        insert(
            TestAttempt,
            [
                "enrolment",
                "number",
                "submitted_at",
                "score",
                "pass_mark",
                "passed",
                "answers",
                "results",
            ],
            attempts(),
        )

        def evaluations():
            for n, path, share, enrolled, _ in learners:
                if share >= EVALUATED:
                    continue
                asked = questions[path.pk]
                answers = {}
                for q in asked:
                    if q["kind"] == "rating":
                        answers[q["id"]] = 3 + (n + len(answers)) % 3
                    elif q["kind"] == "text":
                        answers[q["id"]] = USEFUL[n % 5] if n % 3 == 0 else ""
                    else:
                        how = HOW[n % 4] if n % 2 == 0 else ""
                        answers[q["id"]] = {"choice": "yes" if how else "no", "how": how}
                at = enrolled + datetime.timedelta(days=1, hours=6)
                yield (enrolment_ids[n], at, json.dumps(answers), json.dumps(asked))

        insert(
            EvaluationResponse, ["enrolment", "submitted_at", "answers", "questions"], evaluations()
        )

        claim_ids = next_ids(CreditClaim, len(claimed))
        insert(
            CreditClaim,
            [
                "id",
                "enrolment",
                "credits",
                "max_credits",
                "attested",
                "kind",
                "moc_boards",
                "claimed_at",
                "status",
                "approved_at",
            ],
            (
                (
                    claim_ids[i],
                    enrolment_ids[n],
                    Decimal("3.00"),
                    Decimal("3.00"),
                    True,
                    CertificateKind.AMA_PRA,
                    "[]",
                    finished[n],
                    ClaimStatus.APPROVED,
                    finished[n],
                )
                for i, (n, *_rest) in enumerate(claimed)
            ),
        )
        certificate_ids = next_ids(Certificate, len(claimed))
        insert(
            Certificate,
            [
                "id",
                "claim",
                "user",
                "institution",
                "path",
                "number",
                "verification_code",
                "status",
                "kind",
                "learner_name",
                "learner_credentials",
                "activity_title",
                "learning_format",
                "institution_name",
                "accreditation_statement",
                "credit_designation_statement",
                "signatory_name",
                "signatory_title",
                "credits",
                "completion_date",
                "issued_at",
                "pdf",
                "pdf_status",
                "pdf_attempts",
                "pdf_error",
            ],
            (
                (
                    certificate_ids[i],
                    claim_ids[i],
                    user_ids[n],
                    institution.pk,
                    path.pk,
                    f"HB-{i + 1:07d}",
                    f"v{i + 1:012d}",
                    "valid",
                    CertificateKind.AMA_PRA,
                    f"{FIRST[n % 10]} {LAST[n // 10 % 10]}",
                    "MD",
                    path.title,
                    "Internet enduring material",
                    institution.name,
                    institution.accreditation_statement,
                    institution.credit_designation_statement,
                    "Dr Ada Moreno",
                    "CME Director",
                    Decimal("3.00"),
                    finished[n].date(),
                    finished[n],
                    "",
                    "ready",
                    0,
                    "",
                )
                for i, (n, path, *_rest) in enumerate(claimed)
            ),
        )
        fix_sequences([User, LearnerProfile, Enrolment, CreditClaim, Certificate])

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
