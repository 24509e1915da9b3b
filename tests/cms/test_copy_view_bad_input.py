"""Wagtail's page copy view (/admin/pages/<id>/copy/) with a POST whose
``new_parent_page`` is missing or not a page id: the editor gets the copy
form again (200) with a clear message on the parent field and everything
they typed kept, never a server error, and nothing is copied. A valid POST
still copies."""

from wagtail.models import Page

import pytest

from cms.models import GuideIndexPage, GuidePage
from tests.factories import GuidePageFactory, LearningPathPageFactory, UserFactory

pytestmark = pytest.mark.django_db

PARENT_MESSAGE = "Choose the parent page for the copy: the parent page sent was missing"


@pytest.fixture
def guide():
    return GuidePageFactory(title="Handover basics", slug="handover-basics")


@pytest.fixture(params=["superuser", "reviewer"])
def editor(client, guide, request):
    """Someone who may copy the guide: a superuser, or a CME reviewer."""
    user = UserFactory(username=request.param, **{request.param: True})
    assert guide.permissions_for_user(user).can_copy()
    client.force_login(user)
    return user


def copy_url(page):
    return f"/admin/pages/{page.pk}/copy/"


def typed(**parent):
    return {"new_title": "Handover, my copy", "new_slug": "handover-my-copy", **parent}


BAD_PARENTS = [
    pytest.param({}, id="missing"),
    pytest.param({"new_parent_page": ""}, id="empty"),
    pytest.param({"new_parent_page": "abc"}, id="not-a-number"),
    pytest.param({"new_parent_page": "1.5"}, id="decimal"),
    pytest.param({"new_parent_page": "99999999"}, id="no-such-page"),
    pytest.param({"new_parent_page": "9" * 40}, id="too-big"),
    pytest.param({"new_parent_page": "-3"}, id="negative"),
]


@pytest.mark.parametrize("parent", BAD_PARENTS)
def test_bad_parent_shows_the_form_again_with_a_message(client, guide, editor, parent):
    pages_before = Page.objects.count()
    response = client.post(copy_url(guide), typed(**parent))
    assert response.status_code == 200
    text = response.content.decode()
    assert PARENT_MESSAGE in text
    # Nothing typed is lost.
    assert 'value="Handover, my copy"' in text and 'value="handover-my-copy"' in text
    assert Page.objects.count() == pages_before


def test_bad_parent_keeps_next_and_copies_nothing(client, guide, editor):
    response = client.post(
        copy_url(guide) + "?next=/admin/pages/", typed(new_parent_page="nope", next="/admin/")
    )
    assert response.status_code == 200
    assert 'name="next" value="/admin/"' in response.content.decode()
    assert not GuidePage.objects.filter(slug="handover-my-copy").exists()


def test_get_still_shows_the_form(client, guide, editor):
    response = client.get(copy_url(guide))
    assert response.status_code == 200 and PARENT_MESSAGE not in response.content.decode()


def test_a_valid_parent_goes_on_to_wagtails_own_view(client, guide, editor):
    index = GuideIndexPage.objects.get()
    response = client.post(copy_url(guide), typed(new_parent_page=str(index.pk)))
    if editor.is_superuser:
        assert response.status_code == 302
        assert response["Location"] == f"/admin/pages/{index.pk}/"
        assert GuidePage.objects.filter(slug="handover-my-copy").exists()
    else:  # a reviewer may copy, but not under the guide index: Wagtail's form says so
        assert response.status_code == 200
        assert "You do not have permission to copy to page" in response.content.decode()
        assert not GuidePage.objects.filter(slug="handover-my-copy").exists()


def test_other_invalid_input_is_still_wagtails_own_form_error(client, guide, editor):
    index = GuideIndexPage.objects.get()
    data = typed(new_parent_page=str(index.pk)) | {"new_slug": "not a slug!"}
    response = client.post(copy_url(guide), data)
    assert response.status_code == 200
    assert PARENT_MESSAGE not in response.content.decode()
    assert not GuidePage.objects.filter(title="Handover, my copy").exists()


def test_someone_who_may_not_copy_is_still_refused(client, guide):
    client.force_login(UserFactory(username="doc"))
    response = client.post(copy_url(guide), typed())
    assert response.status_code in (302, 403)
    assert not GuidePage.objects.filter(slug="handover-my-copy").exists()


def test_a_learning_path_uses_its_own_copy_form(client):
    """A path's copy form (learning.forms.admin.LearningPathCopyForm) is the
    one shown again."""
    path = LearningPathPageFactory(title="Sepsis path", slug="sepsis-path")
    client.force_login(UserFactory(username="root", superuser=True))
    response = client.post(copy_url(path), {"new_title": "Sepsis, again", "new_slug": "again"})
    assert response.status_code == 200
    text = response.content.decode()
    assert PARENT_MESSAGE in text and 'value="Sepsis, again"' in text
    assert type(response.context["form"]).__name__ == "LearningPathCopyForm"
