"""Programme staff in the Wagtail admin: their programmes only, the cohort
table, and clear messages for bad input."""

import pytest

from mentoring.models import Programme, Relationship
from tests.factories import InstitutionStaffFactory, UserFactory
from tests.factories.mentoring import ProgrammeFactory

from .conftest import mentee_in, mentor_in

pytestmark = pytest.mark.django_db

LIST = "/admin/mentoring/programmes/"


@pytest.fixture
def staff(programme):
    user = InstitutionStaffFactory(username="staff-a")
    programme.institution.staff.add(user)
    return user


def test_staff_list_and_edit_only_their_institutions_programmes(client, programme, staff):
    other = ProgrammeFactory(title="Somebody else's programme")
    client.force_login(staff)
    page = client.get(LIST).content.decode()
    assert programme.title in page and other.title not in page
    assert client.get(f"{LIST}edit/{programme.pk}/").status_code == 200
    assert client.get(f"{LIST}edit/{other.pk}/").status_code == 404
    assert client.get(f"/admin/mentoring/programmes/{other.pk}/cohort/").status_code == 404


def test_a_doctor_never_reaches_the_admin_screens(client, programme):
    client.force_login(UserFactory())
    assert client.get(f"/admin/mentoring/programmes/{programme.pk}/cohort/").status_code == 302


def test_a_cohort_without_dates_is_refused_in_words_and_keeps_the_form(client, programme, staff):
    client.force_login(staff)
    data = {
        "institution": programme.institution.pk,
        "title": "Spring cohort for rural doctors",
        "slug": "spring-rural",
        "description": "Six months, monthly calls.",
        "kind": "cohort",
        "starts_on": "",
        "ends_on": "",
        "cadence": "monthly",
        "mentees_per_mentor": "2",
        "matching_mode": "staff_match",
        "audience": "anyone",
        "member_email_domains": "",
        "status": "draft",
    }
    answer = client.post(f"{LIST}new/", data)
    page = answer.content.decode()
    assert answer.status_code == 200  # Wagtail re-renders the form with its errors
    assert "A cohort needs a start date and an end date." in page
    assert "Spring cohort for rural doctors" in page
    answer = client.post(f"{LIST}new/", {**data, "slug": "requests"})
    assert "is taken by a page of the site" in answer.content.decode()
    answer = client.post(
        f"{LIST}new/", {**data, "starts_on": "2027-03-01", "ends_on": "2027-09-01"}
    )
    assert answer.status_code == 302
    assert Programme.objects.get(slug="spring-rural").institution == programme.institution


def test_staff_cannot_give_a_programme_to_another_institution(client, programme, staff):
    elsewhere = ProgrammeFactory().institution
    client.force_login(staff)
    answer = client.post(
        f"{LIST}new/",
        {
            "institution": elsewhere.pk,
            "title": "Sneaky",
            "slug": "sneaky",
            "kind": "ongoing",
            "cadence": "monthly",
            "mentees_per_mentor": "2",
            "matching_mode": "mentee_chooses",
            "audience": "anyone",
            "status": "open",
        },
    )
    assert "Select a valid choice" in answer.content.decode()
    assert not Programme.objects.filter(slug="sneaky").exists()


def test_the_cohort_table_suggests_checks_and_confirms(client, programme, staff):
    a = mentee_in(programme, wants_shared=["career_break"])
    b = mentee_in(programme)
    keen = mentor_in(programme, capacity=1, shares=["career_break"])
    keen.first_name, keen.last_name = "Hana", "Sato"
    keen.save()
    other = mentor_in(programme, capacity=1)
    url = f"/admin/mentoring/programmes/{programme.pk}/cohort/"
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert "took a career break" in page and "Hana Sato (room for 1)" in page
    # Both mentees to the same mentor: explained, nothing saved.
    answer = client.post(
        url, {f"mentor-{a.pk}": keen.pk, f"mentor-{b.pk}": keen.pk, "action": "confirm"}
    )
    assert answer.status_code == 400
    assert "Mentor Hana Sato has room for 1 but is given 2" in answer.content.decode()
    assert not Relationship.objects.exists()
    # Nonsense in a field: a message, not a server error.
    answer = client.post(url, {f"mentor-{a.pk}": "x", "action": "check"})
    assert answer.status_code == 400
    assert "Choose each mentor from the list." in answer.content.decode()
    # A superscript digit passes str.isdigit() but is no number.
    for data in ({f"mentor-{a.pk}": "²"}, {"mentor-²": keen.pk}):
        answer = client.post(url, {**data, "action": "check"})
        assert answer.status_code == 400
        assert "Choose each mentor from the list." in answer.content.decode()
    answer = client.post(
        url, {f"mentor-{a.pk}": keen.pk, f"mentor-{b.pk}": other.pk, "action": "confirm"}
    )
    assert answer.status_code == 302
    assert {(r.mentee, r.mentor) for r in Relationship.objects.all()} == {(a, keen), (b, other)}


def test_member_domains_are_checked_and_required_for_a_members_only_programme(
    client, programme, staff
):
    client.force_login(staff)
    data = {
        "institution": programme.institution.pk,
        "title": "Lakeshore residents",
        "slug": "lakeshore-residents",
        "kind": "ongoing",
        "cadence": "fortnightly",
        "mentees_per_mentor": "2",
        "matching_mode": "mentee_chooses",
        "audience": "members",
        "member_email_domains": "",
        "status": "open",
    }
    page = client.post(f"{LIST}new/", data).content.decode()
    assert "A members-only programme needs at least one e-mail domain" in page
    page = client.post(f"{LIST}new/", {**data, "member_email_domains": "lakeshore org"}).content
    assert "is not an e-mail domain" in page.decode()
    answer = client.post(
        f"{LIST}new/", {**data, "member_email_domains": "@Lakeshore.org\nlakeshore.edu"}
    )
    assert answer.status_code == 302
    programme = Programme.objects.get(slug="lakeshore-residents")
    assert programme.domains == ["lakeshore.org", "lakeshore.edu"]
