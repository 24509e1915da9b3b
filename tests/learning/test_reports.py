"""Institution reports: figures per path and the evaluation summary; staff
see their institution only. Reporting to PARS is in batches
(test_report_batches, test_report_files, test_report_validation)."""

from django.urls import reverse

import pytest

from learning.journey import progress, services
from tests.factories import InstitutionFactory, LearningPathPageFactory, UserFactory

from .conftest import complete, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(learner, other_learner, django_capture_on_commit_callbacks):
    inst_a, inst_b = (
        InstitutionFactory(name="Institution A"),
        InstitutionFactory(name="Institution B"),
    )
    path_a = LearningPathPageFactory(title="Path A", slug="path-a", institution=inst_a)
    path_b = LearningPathPageFactory(title="Path B", slug="path-b", institution=inst_b)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol(learner, path_a)
        for step in progress.path_steps(path_a):
            services.complete_step(learner, path_a, step.guide_id)
        services.submit_attempt(learner, path_a, wrong_answers(path_a))  # 0%
        complete(learner, path_a, credits="1.5")  # passes at 100% on attempt 2
        complete(other_learner, path_b, credits="0.75")
    third = UserFactory(username="doctor-c")
    services.enrol(third, path_a)
    staff_a = UserFactory(username="staff-a", groups=["Institution staff"])
    inst_a.staff.add(staff_a)
    return {"staff_a": staff_a, "path_a": path_a, "path_b": path_b}


def test_path_figures(client, data):
    client.force_login(data["staff_a"])
    html = client.get(reverse("learning_reports")).content.decode()
    assert "Path A" in html and "Path B" not in html
    # 2 enrolled, 1 completed, 2 attempts, 50% pass rate, average 50%, 1.5 credits
    for figure in ("<td>2</td><td>1</td><td>2</td>", "50%", "50.0%", "<td>1.5</td>"):
        assert figure in html, figure


def test_evaluation_summary_includes_practice_change(client, data):
    client.force_login(data["staff_a"])
    html = client.get(reverse("learning_path_report", args=(data["path_a"].pk,))).content.decode()
    assert "Evaluation (1 response)" in html
    assert "Screen earlier." in html
    assert '<tr><th scope="row">Yes</th><td>1</td></tr>' in html
    assert client.get(reverse("learning_path_report", args=(data["path_b"].pk,))).status_code == 404


def test_reports_link_to_report_batches(client, data):
    """The PARS CSV export is gone: credit goes to PARS in report batches."""
    client.force_login(data["staff_a"])
    html = client.get(reverse("learning_reports")).content.decode()
    assert 'href="/admin/cme-reports/batches/"' in html and "pars.csv" not in html
    assert client.get("/admin/cme-reports/pars.csv/").status_code == 404


@pytest.mark.parametrize("role", ["doctor", "mentor", "reviewer"])
def test_reports_are_for_institution_staff(client, data, role, mentor_a, reviewer, doctor):
    user = {"doctor": doctor, "mentor": mentor_a.user, "reviewer": reviewer}[role]
    client.force_login(user)
    for url in (reverse("learning_reports"), reverse("learning_report_batches")):
        assert client.get(url).status_code in (302, 404)


def test_profile_birth_date_is_checked(client, learner):
    client.force_login(learner)
    response = client.post(
        "/me/profile/",
        {
            "full_name": "Alice Able",
            "credentials": "MD",
            "time_zone": "UTC",
            "birth_month": "2",
            "birth_day": "30",
        },
    )
    assert response.status_code == 400
    assert "That month does not have that many days." in response.content.decode()
