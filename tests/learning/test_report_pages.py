"""The report's long lists, a page at a time (issue: performance): the
learners' drill-down and a report batch's rows show 50 or 100 per page with
the total above them, every page in the same number of queries, a page
number out of range or not a number gives a page (never an error), and the
downloads still hold every row. The written evaluation answers are listed
whole, escaped."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import openpyxl
import pytest

from learning.models import EvaluationResponse
from learning.reporting import admin_views
from learning.reports import views

from .test_report_scale import batch_of, harbourside_office, learners

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    """The same CME office, path and learners as the report's scale tests."""
    return harbourside_office()


def get(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def test_learners_are_listed_a_page_at_a_time_with_the_total(client, office, monkeypatch):
    monkeypatch.setattr(views, "LEARNERS_PER_PAGE", 4)
    path = office["path"]
    learners(path, 0, 10)
    client.force_login(office["staff"])
    url = reverse("learning_path_learners", args=(path.pk,))
    get(client, url)  # the first request fills caches (site, admin menu)
    first, first_queries = get(client, url)
    assert "10 learners enrolled from" in first
    assert "Learners 1 to 4, oldest enrolment first." in first
    assert "Page 1 of 3" in first
    shown = [n for n in range(10) if f">learner-{n}<" in first]
    assert shown == [0, 1, 2, 3]
    last, last_queries = get(client, url, page=3)
    assert [n for n in range(10) if f">learner-{n}<" in last] == [8, 9]
    assert "10 learners enrolled from" in last and "Learners 9 to 10" in last
    assert last_queries == first_queries
    # Past the end: the last page; not a number: the first.
    assert ">learner-9<" in get(client, url, page=99)[0]
    assert ">learner-0<" in get(client, url, page="two")[0]


def test_the_next_page_keeps_the_date_range(client, office, monkeypatch):
    monkeypatch.setattr(views, "LEARNERS_PER_PAGE", 2)
    path = office["path"]
    learners(path, 0, 3)
    client.force_login(office["staff"])
    url = reverse("learning_path_learners", args=(path.pk,))
    html, _ = get(client, url, **{"from": "2020-01-01"})
    assert "page=2" in html and "from=2020-01-01" in html.split('rel="next"')[0].rsplit("<a", 1)[1]


def test_batch_rows_are_listed_a_page_at_a_time_and_the_file_holds_all(client, office, monkeypatch):
    monkeypatch.setattr(admin_views, "ROWS_PER_PAGE", 4)
    certificates = learners(office["path"], 0, 30)  # 5 certificates
    batch = batch_of(office, certificates, 10)
    client.force_login(office["staff"])
    url = reverse("learning_report_batch", args=(batch.pk,))
    get(client, url)
    first, first_queries = get(client, url)
    assert "Rows (10)" in first and "Rows 1 to 4 of 10" in first
    assert [r for r in range(10) if f"Chen {r}<" in first] == [0, 1, 2, 3]
    last, last_queries = get(client, url, page=3)
    assert [r for r in range(10) if f"Chen {r}<" in last] == [8, 9]
    assert "Rows (10)" in last and last_queries == first_queries
    response = client.get(reverse("learning_report_batch_xlsx", args=(batch.pk,)))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Sheet1"]
    assert len(list(sheet.iter_rows(min_row=3))) == 10


def test_written_answers_are_listed_whole_and_escaped(client, office):
    path = office["path"]
    learners(path, 0, 12)  # learners 5 and 11 wrote an answer
    response = EvaluationResponse.objects.get(enrolment__user__username="learner-5")
    text = next(q["id"] for q in response.questions if q["kind"] == "text")
    response.answers[text] = '<b>Fluids</b> & "reassess" at 6 h'
    response.save()
    client.force_login(office["staff"])
    html, _ = get(client, reverse("learning_path_report", args=(path.pk,)))
    assert (
        "<li>&lt;b&gt;Fluids&lt;/b&gt; &amp; &quot;reassess&quot; at 6 h</li><li>Useful 11</li>"
        in html
    )
    assert "<b>Fluids</b>" not in html
