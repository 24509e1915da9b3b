"""What institution staff read in the learner-record listings."""

from django.urls import reverse

import pytest

from tests.factories import InstitutionFactory, LearningPathPageFactory, UserFactory

from .conftest import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(learner, nurse):
    institution = InstitutionFactory(name="Institution A")
    path = LearningPathPageFactory(
        title="Recognising sepsis", slug="sepsis", institution=institution
    )
    complete(learner, path)
    complete(nurse, path)
    user = UserFactory(username="staff-a", groups=["Institution staff"])
    institution.staff.add(user)
    return user


@pytest.mark.parametrize("view", ["creditclaim", "testattempt", "stepcompletion"])
def test_records_name_the_learner_and_the_path(client, staff, view):
    client.force_login(staff)
    html = client.get(reverse(f"{view}:index")).content.decode()
    assert "Alice Able, MD in Recognising sepsis" in html
    assert "Nora Nightingale, RN, BSN in Recognising sepsis" in html
    assert "doctor-a" not in html and "nurse-n" not in html


def test_enrolments_name_the_learner(client, staff):
    client.force_login(staff)
    html = client.get(reverse("enrolment:index")).content.decode()
    assert "Alice Able" in html and "Nora Nightingale, RN, BSN" in html
    assert "doctor-a" not in html
