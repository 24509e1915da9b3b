"""Physicians and other learners counted apart (issue #12, item 7): staff
reports, the PARS export (physicians' credit only), the learner's transcript
(page, PDF, CSV) and dashboard never add participation hours to AMA PRA credits."""

import csv
import io

from django.urls import reverse

import pypdf
import pytest

from learning.models import Degree
from tests.factories import InstitutionFactory, LearningPathPageFactory, UserFactory

from .conftest import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each(learner, nurse, django_capture_on_commit_callbacks):
    institution = InstitutionFactory(name="Institution A")
    path = LearningPathPageFactory(title="Path A", slug="path-a", institution=institution)
    other = LearningPathPageFactory(title="Path B", slug="path-b", institution=institution)
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path, credits="1.5")
        complete(nurse, path, credits="0.75")
        complete(nurse, other, credits="1")
    staff = UserFactory(username="staff-a", groups=["Institution staff"])
    institution.staff.add(staff)
    return {"staff": staff, "path": path, "other": other}


def test_reports_count_physicians_and_other_learners(client, one_of_each):
    client.force_login(one_of_each["staff"])
    html = client.get(reverse("learning_reports")).content.decode()
    assert "<th>Physicians</th><th>Other learners</th>" in html
    # Path A: 1 physician, 1 other learner, 1.5 credits awarded, 0.75 participation hours.
    assert "<td>1</td><td>1</td>\n                    <td>1.5</td><td>0.75</td>" in html
    # Path B: the nurse only.
    assert "<td>0</td><td>1</td>\n                    <td>0</td><td>1</td>" in html
    # All paths: the nurse is one learner, whatever the number of paths.
    assert "<td>1</td><td>1</td>\n                    <td>1.5</td><td>1.75</td>" in html

    page = client.get(reverse("learning_path_report", args=(one_of_each["path"].pk,)))
    text = page.content.decode()
    assert "1 physician and 1 other learner certified" in text
    assert "1.5 credits awarded" in text and "0.75 participation hours" in text


def test_pars_batches_report_physicians_credit_only(one_of_each, learner, nurse):
    """Both learners consent to PARS; only the physician's AMA PRA credit is
    reportable: a certificate of participation is never a CME row."""
    from learning.reporting.batches import preview
    from learning.reporting.consent import set_consent

    for user in (learner, nurse):
        set_consent(user.learner_profile, "pars", given=True)
    plan = preview(one_of_each["path"].institution, "CME")
    names = (
        [c.certificate.learner_name for c in plan.left_out]
        + [row.certificate.learner_name for row in plan.rows]
        + [c.certificate.learner_name for c in plan.excluded]
    )
    assert names == ["Alice Able"]
    assert "Nora Nightingale" not in str([row.data for row in plan.rows])


def test_transcript_totals_credits_and_hours_apart(client, learner, nurse, one_of_each):
    # The physician and the nurse from one_of_each; a second path for the physician.
    third = LearningPathPageFactory(title="Path C", slug="path-c")
    complete(learner, third, credits="0.5")

    client.force_login(learner)
    html = client.get("/me/transcript/").content.decode()
    assert "2 <em>AMA PRA Category 1 Credits</em>™ on valid certificates." in html
    assert "hours of participation" not in html

    client.force_login(nurse)
    html = client.get("/me/transcript/").content.decode()
    assert "0 <em>AMA PRA Category 1 Credits</em>™ on valid certificates, and 1.75 hours" in html
    assert "Certificate of participation" in html
    assert "0.75 hours" in html and "1 hour<" in html

    rows = list(csv.DictReader(io.StringIO(client.get("/me/transcript/transcript.csv").text)))
    assert {r["certificate_kind"] for r in rows} == {"Certificate of participation"}
    assert sorted(r["participation_hours"] for r in rows) == ["0.75", "1"]
    assert {r["credits"] for r in rows} == {""} and {r["credit_type"] for r in rows} == {""}

    pdf = client.get("/me/transcript/transcript.pdf").content
    text = " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Total 0 AMA PRA Category 1 Credits" in text
    assert "Total 1.75 hours of participation" in text
    assert "Certificate of participation" in text


def test_transcript_of_both_kinds_labels_each_row(client, learner, one_of_each):
    profile = learner.learner_profile
    profile.degree = Degree.PA  # later certificates are of participation
    profile.save()
    fourth = LearningPathPageFactory(title="Path D", slug="path-d")
    complete(learner, fourth, credits="1.25")

    client.force_login(learner)
    rows = list(csv.DictReader(io.StringIO(client.get("/me/transcript/transcript.csv").text)))
    by_activity = {r["activity"]: r for r in rows}
    assert by_activity["Path A"]["certificate_kind"] == "AMA PRA Category 1 Credit™ certificate"
    assert by_activity["Path A"]["credits"] == "1.5"
    assert by_activity["Path D"]["certificate_kind"] == "Certificate of participation"
    assert by_activity["Path D"]["participation_hours"] == "1.25"
    assert by_activity["Path D"]["credits"] == ""

    html = client.get("/me/transcript/").content.decode()
    year = html.split('<h2 id="year-')[1].split("</h2>")[0]
    assert "1.5 credits · 1.25 hours of participation" in year

    dashboard = client.get("/me/").content.decode()
    assert "Credits claimed in" in dashboard and "<strong>1.5</strong>" in dashboard
    assert "Hours of participation in" in dashboard and "<strong>1.25</strong>" in dashboard
    assert "1.25 hours of participation</td>" in dashboard


def test_reports_csv_has_the_counts_and_neutralises_formulas(client, one_of_each):
    path = one_of_each["other"]
    path.title = '=HYPERLINK("http://evil.example","x")'
    path.save_revision().publish()
    client.force_login(one_of_each["staff"])
    response = client.get(reverse("learning_reports_export"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_activity = {r["activity"]: r for r in rows}
    a = by_activity["Path A"]
    assert (a["physicians"], a["other_learners"]) == ("1", "1")
    assert (a["credits_awarded"], a["participation_hours"]) == ("1.5", "0.75")
    assert by_activity["'" + path.title]["other_learners"] == "1"
    overall = by_activity["All paths"]
    assert (overall["physicians"], overall["other_learners"]) == ("1", "1")
    assert overall["participation_hours"] == "1.75"
