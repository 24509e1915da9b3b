"""Who may do what in the admin, checked per role through real requests."""

from django.urls import reverse

import pytest

from cms.models import GuidePage, Topic
from tests.factories import InstitutionFactory

from .admin_forms import guide_form_data

pytestmark = pytest.mark.django_db


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def test_mentor_edits_own_guide_but_not_another_mentors(client, mentor_a, guide_by_a, guide_by_b):
    client.force_login(mentor_a.user)
    assert client.get(edit_url(guide_by_a)).status_code == 200
    response = client.get(edit_url(guide_by_b))
    assert response.status_code in (302, 403)
    assert guide_by_b.permissions_for_user(mentor_a.user).can_edit() is False


def test_mentor_cannot_change_another_mentors_guide_by_post(client, mentor_a, mentor_b, guide_by_b):
    client.force_login(mentor_a.user)
    data = guide_form_data(
        "Hijacked", guide_by_b.slug, Topic.CLINICAL, [mentor_b.pk], page=guide_by_b
    )
    client.post(edit_url(guide_by_b), data)
    guide_by_b.refresh_from_db()
    assert guide_by_b.title == "Ben's guide"
    assert not guide_by_b.revisions.filter(content__title="Hijacked").exists()


def test_mentor_cannot_publish_even_their_own_guide(client, mentor_a, guide_by_a):
    guide_by_a.unpublish()
    assert guide_by_a.permissions_for_user(mentor_a.user).can_publish() is False
    client.force_login(mentor_a.user)
    data = guide_form_data(
        "Publish me", guide_by_a.slug, Topic.CAREER, [mentor_a.pk], page=guide_by_a
    )
    data["action-publish"] = "Publish"
    client.post(edit_url(guide_by_a), data)
    assert GuidePage.objects.get(pk=guide_by_a.pk).live is False


def test_reviewer_can_edit_and_publish_guides(reviewer, guide_by_a):
    perms = guide_by_a.permissions_for_user(reviewer)
    assert perms.can_edit() and perms.can_publish()


def test_staff_and_doctors_cannot_edit_guides(staff_user, doctor, guide_by_a):
    assert not guide_by_a.permissions_for_user(staff_user).can_edit()
    assert not guide_by_a.permissions_for_user(doctor).can_edit()


def snippet_edit_url(obj):
    return reverse(f"wagtailsnippets_cms_{obj._meta.model_name}:edit", args=(obj.pk,))


def test_mentor_edits_only_their_own_profile(client, mentor_a, mentor_b):
    client.force_login(mentor_a.user)
    assert client.get(snippet_edit_url(mentor_a)).status_code == 200
    assert client.get(snippet_edit_url(mentor_b)).status_code in (302, 403)
    client.post(snippet_edit_url(mentor_b), {"name": "Changed", "credentials": "MD"})
    mentor_b.refresh_from_db()
    assert mentor_b.name == "Ben Brooks"


def test_staff_edit_only_their_own_institution(client, staff_user):
    own = InstitutionFactory()
    own.staff.add(staff_user)
    other = InstitutionFactory()
    client.force_login(staff_user)
    assert client.get(snippet_edit_url(own)).status_code == 200
    assert client.get(snippet_edit_url(other)).status_code in (302, 403)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("superuser", 200), ("mentor", 200), ("reviewer", 200), ("staff", 200), ("doctor", 302)],
)
def test_admin_dashboard_per_role(
    client, role, expected, superuser, mentor_a, reviewer, staff_user, doctor
):
    users = {
        "superuser": superuser,
        "mentor": mentor_a.user,
        "reviewer": reviewer,
        "staff": staff_user,
        "doctor": doctor,
    }
    client.force_login(users[role])
    response = client.get("/admin/")
    assert response.status_code == expected
    if expected == 302:
        # Signed in without admin rights: back to their own dashboard.
        assert response["Location"] == "/me/"


def test_mentor_listing_shows_only_their_own_profile(client, mentor_a, mentor_b):
    client.force_login(mentor_a.user)
    html = client.get(reverse("wagtailsnippets_cms_mentor:list")).content.decode()
    assert "Ana Alvarez" in html
    assert "Ben Brooks" not in html


def test_mentor_cannot_revert_another_mentors_profile(client, mentor_a, mentor_b):
    revision = mentor_b.save_revision()
    client.force_login(mentor_a.user)
    url = reverse("wagtailsnippets_cms_mentor:revisions_revert", args=(mentor_b.pk, revision.pk))
    assert client.get(url).status_code in (302, 403)
