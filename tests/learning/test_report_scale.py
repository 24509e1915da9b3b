"""Reports and exports at scale (issue: performance): the path report counts
in the database, in as many queries for 30 learners as for 3, and its funnel
agrees with the learners' drill-down; the PARS batch files are streamed
(read back: the workbook with openpyxl, the JSON against the schema and
as the whole document), formulas neutralised, in as many
queries for 30 rows as for 4. Rows are written directly (as
benchmarks/reports_records.py does), not through the journey: only their
number matters here."""

import datetime
import io
import json
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import jsonschema
import openpyxl
import pytest

from learning.journey.questions import evaluation_questions
from learning.models import (
    Certificate,
    ClaimStatus,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    PathStep,
    ReportBatch,
    ReportedCompletion,
    StepCompletion,
    TestAttempt,
)
from learning.reporting.json_report import learners_document, learners_json, schema
from learning.reports.figures import score_distribution
from learning.reports.learners import funnel, funnel_counts, learner_rows
from learning.reports.period import default_period
from learning.reports.services import evaluation_summary
from tests.factories import (
    InstitutionFactory,
    InstitutionStaffFactory,
    LearningPathPageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return harbourside_office()


def harbourside_office():
    """A CME office, its staff member and one credit path."""
    institution = InstitutionFactory(name="Harbourside CME Office", accme_provider_id="0054321")
    staff = InstitutionStaffFactory(username="staff-harbourside")
    institution.staff.add(staff)
    path = LearningPathPageFactory(
        title="Acute kidney injury", institution=institution, accme_activity_id="202600001"
    )
    return {"institution": institution, "staff": staff, "path": path}


def learners(path, start, count):
    """``count`` learners, each a stage further than the one before, cycling:
    enrolled; one step; all steps and a failed attempt; passed on a retake;
    evaluated; claimed with a certificate. Returns the certificates."""
    guides = list(PathStep.objects.filter(page=path).values_list("guide_id", "guide__title"))
    asked = [q.as_dict() for q in evaluation_questions(path)]
    now = timezone.now()
    certificates = []
    for n in range(start, start + count):
        stage = n % 6
        user = UserFactory(username=f"learner-{n}", password=None)
        enrolment = Enrolment.objects.create(user=user, path=path)
        done = {0: 0, 1: 1}.get(stage, len(guides))
        StepCompletion.objects.bulk_create(
            StepCompletion(enrolment=enrolment, guide_id=g, guide_title=t) for g, t in guides[:done]
        )
        if stage >= 2:
            TestAttempt.objects.create(
                enrolment=enrolment, number=1, score=Decimal("69.99"), pass_mark=70,
                passed=False, answers={}, results={},
            )  # fmt: skip
        if stage >= 3:
            TestAttempt.objects.create(
                enrolment=enrolment, number=2, score=Decimal(100), pass_mark=70, passed=True,
                answers={}, results={},
            )  # fmt: skip
        if stage >= 4:
            answers = {}
            for q in asked:
                if q["kind"] == "rating":
                    answers[q["id"]] = 1 + n % 5
                elif q["kind"] == "text":
                    answers[q["id"]] = f"Useful {n}" if n % 2 else ""
                else:
                    answers[q["id"]] = {"choice": "already" if n % 2 else "unsure", "how": ""}
            EvaluationResponse.objects.create(enrolment=enrolment, answers=answers, questions=asked)
        if stage == 5:
            claim = CreditClaim.objects.create(
                enrolment=enrolment, credits=Decimal("1.5"), max_credits=Decimal("1.5"),
                attested=True, status=ClaimStatus.APPROVED, approved_at=now,
            )  # fmt: skip
            Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=now)
            certificates.append(
                Certificate.objects.create(
                    claim=claim,
                    user=user,
                    institution=path.institution,
                    path=path,
                    number=f"HB-{n:05d}",
                    verification_code=f"code-{n:05d}",
                    learner_name=f"Learner {n}",
                    learner_credentials="MD",
                    activity_title=path.title,
                    learning_format="Internet enduring material",
                    institution_name=path.institution.name,
                    accreditation_statement="-",
                    credit_designation_statement="-",
                    signatory_name="Dr Ada Moreno",
                    signatory_title="CME Director",
                    credits=Decimal("1.5"),
                    completion_date=now.date(),
                )  # fmt: skip
            )
    return certificates


def report_queries(client, path):
    url = reverse("learning_path_report", args=(path.pk,))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_report_reads_in_as_many_queries_for_30_learners_as_for_3(client, office):
    path = office["path"]
    client.force_login(office["staff"])
    learners(path, 3, 3)  # passed, evaluated, claimed
    report_queries(client, path)  # the first request fills caches (site, admin menu)
    few, html = report_queries(client, path)
    assert "Of 3 learners enrolled in the range" in html
    learners(path, 6, 27)
    many, html = report_queries(client, path)
    assert "Of 30 learners enrolled in the range: all steps done 20" in html
    assert many == few


def test_funnel_counted_in_the_database_agrees_with_the_drill_down(office):
    path = office["path"]
    learners(path, 0, 14)
    # A guide taken out of the path no longer counts: everyone's steps change.
    PathStep.objects.filter(page=path).order_by("-sort_order").first().delete()
    period = default_period(path)
    counts = funnel_counts(path, period)
    assert counts == funnel(learner_rows(path, period))
    assert counts == [
        ("Enrolled", 14),
        ("All steps done", 8),  # the two steps left, done by everyone past the first
        ("Post-test passed", 6),
        ("Evaluation submitted", 4),
        ("Credit claimed", 2),
    ]


def test_scores_and_evaluations_counted_in_the_database(office):
    path = office["path"]
    learners(path, 0, 12)
    scores = score_distribution(path, default_period(path))
    first, retakes = (values for _, values in scores.series)
    # 69.99% is in the 60-69 band, 100% in the last; retakes apart.
    assert first[6] == 8 and sum(first) == 8
    assert retakes[9] == 6 and sum(retakes) == 6
    summary = evaluation_summary(path)
    assert summary["responses"] == 4
    rating, text, change = summary["questions"]
    # Learners 4, 5, 10 and 11 rated 5, 1, 1 and 2.
    assert rating["distribution"] == [2, 1, 0, 0, 1] and rating["mean"] == 2.25
    assert text["answers"] == ["Useful 5", "Useful 11"]
    assert change["choices"] == {"unsure": 2, "already": 2} and change["answers"] == []


def batch_of(office, certificates, rows, hostile=False):
    """A CME batch of ``rows`` rows over ``certificates`` (add, then delete rows)."""
    batch = ReportBatch.objects.create(
        institution=office["institution"], body="CME", number=ReportBatch.objects.count() + 1,
        created_by=office["staff"], provider_id="0054321",
    )  # fmt: skip
    made = []
    for r in range(rows):
        certificate = certificates[r % len(certificates)]
        first = '=HYPERLINK("http://evil.example/","x")' if hostile and r == 0 else "Maya"
        data = {
            "certificate_number": certificate.number,
            "provider_id": "0054321",
            "provider_name": "Harbourside CME Office",
            "activity_id": "202600001",
            "activity_title": "Acute kidney injury",
            "completion_date": "2026-03-14",
            "completion_time": "15:30:00",
            "first_name": first,
            "last_name": f"Chen {r}",
            "birth_date": "04/09",
            "credits": "1.5",
            "identifiers": [{"domain": "NPI", "value": "1234567893"}],
            "licensing_state": "",
            "licensing_id": "1234567893",
            "certification": "AMA PRA Category 1",
        }
        action = "add" if r < len(certificates) else "delete"
        made.append(
            ReportedCompletion(batch=batch, certificate=certificate, action=action, data=data)
        )
    ReportedCompletion.objects.bulk_create(made)
    return batch


def download(client, batch, kind):
    """The response, its bytes and the queries it took (read to the end)."""
    url = f"/admin/cme-reports/batches/{batch.pk}/learners.{kind}"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response.streaming  # sent as written, never held whole
    assert not response.has_header("Content-Length")
    name = f"pars-cme-{batch.institution.slug}-batch-{batch.number}.{kind}"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    return response, content, len(captured)


@pytest.fixture
def certified(office):
    return learners(office["path"], 0, 90)  # 15 certificates


def test_excel_file_is_streamed_and_reads_back(client, office, certified):
    client.force_login(office["staff"])
    batch = batch_of(office, certified, 30, hostile=True)
    response, content, _ = download(client, batch, "xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Sheet1"]
    rows = list(sheet.iter_rows(min_row=3))
    assert len(rows) == 30
    assert [r[0].value for r in rows].count("Delete") == 15
    first = rows[0]
    assert first[3].value == '\'=HYPERLINK("http://evil.example/","x")'  # text, never a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert first[2].value == datetime.datetime(2026, 3, 14)
    assert first[2].number_format == "mm/dd/yyyy"
    assert first[5].value == "04/09" and first[5].data_type == "s"
    assert first[5].number_format == "@"
    assert first[7].value == "1234567893" and first[8].value == 1.5
    assert [r[4].value for r in rows[:3]] == ["Chen 0", "Chen 1", "Chen 2"]


def test_json_file_is_streamed_valid_and_always_the_same(client, office, certified):
    client.force_login(office["staff"])
    for rows in (0, 25):
        batch = batch_of(office, certified, rows)
        response, content, _ = download(client, batch, "json")
        assert response["Content-Type"] == "application/json"
        assert content == learners_json(batch) == download(client, batch, "json")[1]
        parsed = json.loads(content)
        assert parsed == learners_document(batch)
        assert len(parsed["ACCMELearnerReports"]["ActivityReports"]["ActivityReport"]) == rows
        if rows:
            jsonschema.validate(parsed, schema(), format_checker=jsonschema.FormatChecker())


def test_downloads_take_as_many_queries_for_30_rows_as_for_4(client, office, certified):
    client.force_login(office["staff"])
    small, large = batch_of(office, certified, 4), batch_of(office, certified, 30)
    for kind in ("xlsx", "json"):
        download(client, small, kind)  # caches
        assert download(client, small, kind)[2] == download(client, large, kind)[2]
