"""Who sees which learner records, per role."""

from django.urls import reverse

import pytest

from learning.journey import progress
from learning.models import CreditClaim, Enrolment, StepCompletion, TestAttempt
from tests.factories import InstitutionFactory, LearningPathPageFactory, UserFactory, from_step_page

from .conftest import complete

pytestmark = pytest.mark.django_db

RECORD_MODELS = {
    "enrolment": Enrolment,
    "stepcompletion": StepCompletion,
    "testattempt": TestAttempt,
    "creditclaim": CreditClaim,
}
RECORD_VIEWS = list(RECORD_MODELS)


def test_doctor_a_never_sees_or_changes_doctor_bs_progress(client, learner, other_learner, path):
    complete(other_learner, path, credits="1.5")
    before = (
        list(StepCompletion.objects.values_list("pk", "completed_at")),
        list(CreditClaim.objects.values_list("pk", "credits")),
    )
    client.force_login(learner)
    page = client.get(path.url).content.decode()
    assert "Enrol in this path" in page and "You completed this path" not in page
    dashboard = client.get("/me/").content.decode()
    assert "Recognising sepsis" not in dashboard and "Nothing in progress" in dashboard
    # Whatever A posts only ever touches A's own enrolment.
    guide = progress.path_steps(path)[0].guide
    client.post(f"{path.url}steps/{guide.pk}/complete/", from_step_page(learner, path, guide.pk))
    client.post(path.url + "claim/", {"credits": "0.25", "attested": "on"})
    after = (
        list(
            StepCompletion.objects.filter(enrolment__user=other_learner).values_list(
                "pk", "completed_at"
            )
        ),
        list(CreditClaim.objects.values_list("pk", "credits")),
    )
    assert after == before
    assert not Enrolment.objects.filter(user=learner).exists()


def test_anonymous_is_sent_to_log_in_for_personal_pages(client):
    for url in ("/me/", "/me/profile/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.fixture
def two_institutions(learner, other_learner):
    inst_a, inst_b = (
        InstitutionFactory(name="Institution A"),
        InstitutionFactory(name="Institution B"),
    )
    path_a = LearningPathPageFactory(title="Path A", slug="path-a", institution=inst_a)
    path_b = LearningPathPageFactory(title="Path B", slug="path-b", institution=inst_b)
    complete(learner, path_a)
    complete(other_learner, path_b)
    staff_a = UserFactory(username="staff-a", groups=["Institution staff"])
    staff_b = UserFactory(username="staff-b", groups=["Institution staff"])
    inst_a.staff.add(staff_a)
    inst_b.staff.add(staff_b)
    return staff_a, staff_b


@pytest.mark.parametrize("view", RECORD_VIEWS)
def test_staff_see_only_their_institutions_records(client, two_institutions, view):
    staff_a, staff_b = two_institutions
    model = RECORD_MODELS[view]
    lookup = "path" if view == "enrolment" else "enrolment__path"
    record_a = (
        model.objects.get(**{f"{lookup}__slug": "path-a"})
        if view != "stepcompletion"
        else model.objects.filter(enrolment__path__slug="path-a").first()
    )
    record_b = model.objects.filter(**{f"{lookup}__slug": "path-b"}).first()

    client.force_login(staff_b)
    listing = client.get(reverse(f"{view}:index"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Bob Baker" in html and "Alice Able" not in html
    assert client.get(reverse(f"{view}:inspect", args=(record_a.pk,))).status_code == 404
    assert client.get(reverse(f"{view}:inspect", args=(record_b.pk,))).status_code == 200

    client.force_login(staff_a)
    html = client.get(reverse(f"{view}:index")).content.decode()
    assert "Alice Able" in html and "Bob Baker" not in html


@pytest.mark.parametrize("view", RECORD_VIEWS)
def test_records_cannot_be_edited_in_the_admin_even_by_superusers(
    client, superuser, two_institutions, view
):
    client.force_login(superuser)
    assert client.get(reverse(f"{view}:index")).status_code == 200
    assert client.get(reverse(f"{view}:add")).status_code in (302, 403)
    model = RECORD_MODELS[view]
    record = model.objects.first()
    assert client.get(reverse(f"{view}:edit", args=(record.pk,))).status_code in (302, 403)
    assert client.post(reverse(f"{view}:delete", args=(record.pk,))).status_code in (302, 403)
    assert model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("role", ["doctor", "mentor", "reviewer"])
def test_other_roles_see_no_learner_records(
    client, two_institutions, role, mentor_a, reviewer, doctor
):
    user = {"doctor": doctor, "mentor": mentor_a.user, "reviewer": reviewer}[role]
    client.force_login(user)
    for view in RECORD_VIEWS:
        response = client.get(reverse(f"{view}:index"))
        assert response.status_code in (302, 403), (role, view)
