"""The reports benchmark's learner records (reports_data.py plans who did
what): users, profiles, enrolments, step completions, post-test attempts,
evaluations, claims and certificates, written straight to their tables with
COPY on PostgreSQL and ``executemany`` on SQLite, in batches. Rows are not
model instances and ``save()`` never runs (no signal, no task). Deterministic:
every value comes from the plan."""

import datetime
import json
from decimal import Decimal

# Learners reaching each stage, as cumulative shares of the enrolments:
CLAIMED, EVALUATED, PASSED, ALL_STEPS = 0.62, 0.68, 0.72, 0.75
INSERT_BATCH = 20_000

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


def write_records(learners, steps, questions, institution):
    """Every learner's records from the plan (``learners``: [n, path, share,
    enrolled, steps done]); returns the claimed learners, when each finished
    and the certificates' primary keys, for the report batches."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from learning.models import (
        Certificate,
        CertificateKind,
        ClaimStatus,
        CreditClaim,
        Enrolment,
        EvaluationResponse,
        LearnerProfile,
        StepCompletion,
        TestAttempt,
    )

    User = get_user_model()
    user_ids = next_ids(User, len(learners))
    profile_ids = next_ids(LearnerProfile, len(learners))
    enrolment_ids = next_ids(Enrolment, len(learners))
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
                "learner_family_name",
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
                    LAST[n // 10 % 10],
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
    return claimed, finished, certificate_ids
