"""A path's CME report with charts: the funnel counts the right learners, the
date range filters, bad dates give the page with a message, the charts are SVG
with no script, the numbers are in tables and in one CSV, the learners'
drill-down stays within the staff member's institution, and each page reads
in a fixed number of queries whatever the number of learners."""

import csv
import datetime
import io
import re
from pathlib import Path
from xml.etree import ElementTree

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from learning.journey import progress, services
from learning.models import Enrolment, EvaluationResponse
from learning.reports import charts
from tests.factories import (
    InstitutionFactory,
    InstitutionStaffFactory,
    LearnerFactory,
    LearningPathPageFactory,
)

from .conftest import complete, correct_answers, evaluation_answers, wrong_answers

pytestmark = pytest.mark.django_db

SVG_TAGS = re.compile(r"<svg\b[^>]*\bcurbside-chart\b.*?</svg>", re.S)


def learner(username, name):
    return LearnerFactory(username=username, profile__full_name=name)


def take(user, path, *, steps=0, attempt=None, evaluate=False):
    """``user`` enrols and goes as far as asked: steps done, a post-test
    attempt ("pass" or "fail"), the evaluation."""
    services.enrol(user, path)
    for step in progress.path_steps(path)[:steps]:
        services.complete_step(user, path, step.guide_id)
    if attempt:
        answers = correct_answers(path) if attempt == "pass" else wrong_answers(path)
        services.submit_attempt(user, path, answers)
    if evaluate:
        services.submit_evaluation(user, path, evaluation_answers(path))


@pytest.fixture
def cohort(django_capture_on_commit_callbacks):
    """Six learners on a three-step path, each a stage further than the next:
    6 enrolled, 4 with all steps, 3 passed, 2 evaluated, 1 claimed."""
    alderbank = InstitutionFactory(name="Alderbank CME Office")
    birchfield = InstitutionFactory(name="Birchfield CME Office")
    path = LearningPathPageFactory(title="Recognising sepsis", institution=alderbank, steps=3)
    staff = InstitutionStaffFactory(username="staff-alderbank")
    alderbank.staff.add(staff)
    other_staff = InstitutionStaffFactory(username="staff-birchfield")
    birchfield.staff.add(other_staff)
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner("claimed", "Clara Claimed"), path)
        take(learner("evaluated", "Eve Evaluated"), path, steps=3, attempt="pass", evaluate=True)
        take(learner("passed", "Paul Passed"), path, steps=3, attempt="pass")
        take(learner("failed", "Fay Failed"), path, steps=3, attempt="fail")
        take(learner("one-step", "Otto One"), path, steps=1)
        take(learner("enrolled", "Enid Enrolled"), path)
    return {"path": path, "staff": staff, "other_staff": other_staff}


def report(client, cohort, **params):
    client.force_login(cohort["staff"])
    response = client.get(reverse("learning_path_report", args=(cohort["path"].pk,)), params)
    assert response.status_code == 200
    return response.content.decode()


def table_row(label, *values):
    cells = "".join(f"<td>{value}</td>" for value in values)
    return f'<tr><th scope="row">{label}</th>{cells}</tr>'


def test_funnel_counts_each_stage(client, cohort):
    html = report(client, cohort)
    for label, count in [
        ("Enrolled", 6),
        ("All steps done", 4),
        ("Post-test passed", 3),
        ("Evaluation submitted", 2),
        ("Credit claimed", 1),
    ]:
        assert table_row(label, count) in html, label
    assert "Of 6 learners enrolled in the range: all steps done 4" in html
    # Post-test scores: three first attempts at 100%, one at 0% (wrong answers).
    assert table_row("90–100%", 3, 0) in html and table_row("0–9%", 1, 0) in html
    # Evaluations: the two learners who submitted agree with each rating question.
    assert "Evaluation (2 responses)" in html
    assert table_row("Agree", 2) in html and table_row("Yes", 2) in html
    assert "Screen earlier." in html


def test_charts_are_svg_with_no_script_or_inline_style(client, cohort):
    # A prompt as it was asked, with markup in it, is text in the chart's title.
    response = EvaluationResponse.objects.filter(enrolment__path=cohort["path"]).first()
    questions = response.questions
    questions[0]["prompt"] = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    EvaluationResponse.objects.filter(pk=response.pk).update(questions=questions)

    html = report(client, cohort)
    svgs = SVG_TAGS.findall(html)
    assert len(svgs) >= 5  # timeline, funnel, scores and an evaluation question or more
    for markup in svgs:
        root = ElementTree.fromstring(markup)  # noqa: S314 - the page under test
        assert root.get("role") == "img"
        labelled = root.get("aria-labelledby").split()
        named = {el.get("id"): (el.text or "") for el in root.iter() if el.get("id") in labelled}
        assert len(named) == 2 and all(text.strip() for text in named.values())
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            assert tag not in ("script", "style", "foreignObject"), tag
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), name
                assert name != "style" and "javascript:" not in value.lower()
                assert not name.endswith("href"), name
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_chart_stylesheet_is_pygals_own(client):
    """The static stylesheet is what charts.stylesheet() makes from pygal: after
    a pygal upgrade, write it again with
    python -c "from learning.reports import charts; print(charts.stylesheet(), end='')"
    """
    static = Path(__file__).parents[2] / "learning" / "static" / charts.STYLESHEET
    assert static.read_text() == charts.stylesheet()


def test_date_range_leaves_out_other_enrolments(client, cohort):
    today = timezone.localdate()
    long_ago = timezone.now() - datetime.timedelta(days=45)
    Enrolment.objects.filter(user__username__in=["claimed", "enrolled"]).update(
        enrolled_at=long_ago
    )
    start = (today - datetime.timedelta(days=30)).isoformat()
    html = report(client, cohort, **{"from": start, "to": today.isoformat()})
    assert table_row("Enrolled", 4) in html and table_row("Credit claimed", 0) in html
    assert "Enrolments and completions per week" in html
    # The completion happened today, in the range, though its enrolment did not.
    assert "4 enrolments and 1 completion from" in html
    assert f'value="{start}"' in html

    client.force_login(cohort["staff"])
    learners = client.get(
        reverse("learning_path_learners", args=(cohort["path"].pk,)),
        {"from": start, "to": today.isoformat()},
    ).content.decode()
    assert "4 learners enrolled from" in learners
    assert "Eve Evaluated" in learners and "Clara Claimed" not in learners

    # The default range runs from the path's release date (60 days ago): all six.
    html = report(client, cohort)
    assert table_row("Enrolled", 6) in html
    assert "Enrolments and completions per week" in html
    # Over about four months, per month.
    year_ago = (today - datetime.timedelta(days=365)).isoformat()
    html = report(client, cohort, **{"from": year_ago})
    assert "Enrolments and completions per month" in html
    assert table_row(f"{today:%b %Y}", 4, 1) in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"from": "2026-02-30"}, "From: Enter the start date as a date, for example 2026-03-01."),
        ({"to": "yesterday"}, "To: Enter the end date as a date, for example 2026-03-31."),
        (
            {"from": "2026-03-10", "to": "2026-03-01"},
            "The start date must be on or before the end date.",
        ),
        ({"from": "9999-12-31"}, "Choose dates between 1 January 2000 and 31 December 2099."),
        ({"from": "2001-01-01", "to": "2026-01-01"}, "Choose a range of at most 10 years."),
    ],
)
def test_bad_dates_show_the_report_with_a_message(client, cohort, params, message):
    html = report(client, cohort, **params)
    assert "These dates could not be used, so the report shows" in html
    assert message in html
    assert table_row("Enrolled", 6) in html  # the default range


def test_report_csv_has_every_series(client, cohort):
    response = EvaluationResponse.objects.filter(enrolment__path=cohort["path"]).first()
    questions = response.questions
    questions[0]["prompt"] = '=HYPERLINK("http://evil.example/","Rate us")'
    EvaluationResponse.objects.filter(pk=response.pk).update(questions=questions)

    client.force_login(cohort["staff"])
    url = reverse("learning_path_report_csv", args=(cohort["path"].pk,))
    response = client.get(url, {"from": "nonsense"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert ".csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["chart", "category", "label", "series", "value"]
    assert ["Completion funnel", "Stage", "Credit claimed", "Learners", "1"] in rows
    assert ["Post-test scores", "Score", "90–100%", "First attempts", "3"] in rows
    charted = {row[0] for row in rows[1:]}
    assert {"Completion funnel", "Post-test scores"} <= charted
    assert any(title.startswith("Enrolments and completions per") for title in charted)
    assert '\'=HYPERLINK("http://evil.example/","Rate us")' in charted


def test_learners_drill_down(client, cohort):
    client.force_login(cohort["staff"])
    url = reverse("learning_path_learners", args=(cohort["path"].pk,))
    html = client.get(url).content.decode()
    assert "6 learners enrolled from" in html
    assert "Clara Claimed" in html and "Approved: 1.25 credits" in html
    assert "3 of 3" in html and "1 of 3" in html and "0 of 3" in html
    assert "Not passed, best 0% (1 attempt)" in html and "Passed, best 100% (1 attempt)" in html
    assert "Not taken" in html


def test_drill_down_and_csv_are_for_the_paths_institution_only(client, cohort, learner):
    for user, status in ((cohort["other_staff"], 404), (learner, 302)):
        client.force_login(user)
        for name in ("learning_path_learners", "learning_path_report_csv"):
            response = client.get(reverse(name, args=(cohort["path"].pk,)))
            assert response.status_code == status  # a learner is sent to /me/


def test_report_pages_read_in_fixed_queries(client, cohort, django_capture_on_commit_callbacks):
    client.force_login(cohort["staff"])
    pk = cohort["path"].pk
    urls = [
        reverse("learning_path_report", args=(pk,)),
        reverse("learning_path_learners", args=(pk,)),
        reverse("learning_path_report_csv", args=(pk,)),
    ]

    def queries():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    queries()  # the first request fills caches (site, admin menu)
    before = queries()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            complete(learner(f"more-{n}", f"More Learner {n}"), cohort["path"])
            take(learner(f"some-{n}", f"Some Learner {n}"), cohort["path"], steps=2)
    assert queries() == before
