"""Cache-Control per kind of answer (curbside.http_cache.headers): public
pages seen by visitors who are not signed in may be shared; anything with a
session, a cookie, a CSRF token, a flash message, a preview, a restricted
page, the admin and every signed-in answer is private, no-store."""

from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from wagtail.models import PageViewRestriction

import pytest

from curbside.http_cache.headers import cache_control_for
from tests.factories import LearnerFactory
from tests.factories.paths import LearningPathPageFactory


def directives(response):
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def assert_shared(response):
    assert response.status_code == 200
    found = directives(response)
    assert {"public", "max-age=60", "s-maxage=3600"} <= found, found
    assert not response.cookies


def assert_never_stored(response):
    found = directives(response)
    assert {"private", "no-store"} <= found, found
    assert "public" not in found


@pytest.fixture
def content(guide_by_a):
    path = LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=[guide_by_a])
    return guide_by_a, path


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/guides/",
        "/guides/?topic=clinical&page=1",
        "/guides/anas-guide/",
        "/guides/anas-guide/?path=sepsis",
        "/paths/",
        "/mentors/",
        "/mentors/ana-alvarez/",
        "/privacy/",
    ],
)
def test_anonymous_public_pages_may_be_shared(client, content, url):
    assert_shared(client.get(url))


def test_head_is_shared_like_get(client, content):
    assert_shared(client.head("/guides/anas-guide/"))


def test_the_same_pages_signed_in_are_never_stored(client, content):
    client.force_login(LearnerFactory())
    for url in ("/", "/guides/", "/guides/anas-guide/", "/mentors/", "/privacy/"):
        assert_never_stored(client.get(url))


def test_a_path_page_is_shared_with_a_tokenless_enrol_form(client, content):
    # "Log in to enrol" carries no CSRF token for a visitor (the POST is checked
    # for the same origin instead: learning/journey/anonymous_enrol.py).
    response = client.get("/paths/sepsis/")
    html = response.content.decode()
    assert "Log in to enrol" in html
    assert "csrfmiddlewaretoken" not in html
    assert_shared(response)


def test_a_signed_in_path_page_keeps_its_token_and_is_never_stored(client, content):
    client.force_login(LearnerFactory())
    response = client.get("/paths/sepsis/")
    html = response.content.decode()
    assert "Enrol in this path" in html and "csrfmiddlewaretoken" in html
    assert_never_stored(response)


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/"])
def test_log_in_and_sign_up_forms_are_never_stored(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert_never_stored(response)


@pytest.mark.parametrize(
    "url", ["/me/", "/admin/", "/certificates/verify/", "/guides/no-such-guide/", "/guides"]
)
def test_everything_else_is_never_stored(client, content, url):
    assert_never_stored(client.get(url))


def test_search_keeps_its_own_browser_cache_and_is_not_shared(client, content):
    found = directives(client.get("/search/suggest/", {"q": "anas"}))
    assert "max-age=60" in found and "public" not in found


def test_a_page_showing_a_flash_message_is_never_stored(client, content):
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    client.cookies["messages"] = storage._encode(
        [Message(constants.SUCCESS, "You have signed out.")]
    )
    response = client.get("/")
    assert "You have signed out." in response.content.decode()
    assert_never_stored(response)


def test_a_password_restricted_page_is_never_stored(client, content):
    guide, _ = content
    restriction = PageViewRestriction.objects.create(
        page=guide, restriction_type=PageViewRestriction.PASSWORD, password="kindly"
    )
    form = client.get("/guides/anas-guide/")
    assert_never_stored(form)
    assert "A practical paragraph" not in form.content.decode()
    client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{guide.pk}/",
        {"password": "kindly", "return_url": "/guides/anas-guide/"},
    )
    response = client.get("/guides/anas-guide/")
    assert response.status_code == 200
    assert "A practical paragraph" in response.content.decode()
    assert_never_stored(response)


def test_a_login_restricted_page_is_never_stored(client, content):
    guide, _ = content
    PageViewRestriction.objects.create(page=guide, restriction_type=PageViewRestriction.LOGIN)
    assert_never_stored(client.get("/guides/anas-guide/"))
    client.force_login(LearnerFactory())
    response = client.get("/guides/anas-guide/")
    assert response.status_code == 200
    assert_never_stored(response)


def test_previews_and_posts_are_never_shared(content):
    from django.http import HttpResponse

    request = RequestFactory().get("/guides/anas-guide/")
    request._http_cache_public = True
    assert cache_control_for(request, HttpResponse("page")) == "public"
    request.is_preview = True
    assert cache_control_for(request, HttpResponse("page")) == "private"
    post = RequestFactory().post("/guides/anas-guide/")
    post._http_cache_public = True
    assert cache_control_for(post, HttpResponse("page")) == "private"


def test_the_admin_preview_of_a_page_is_never_stored(client, content, superuser):
    guide, _ = content
    client.force_login(superuser)
    response = client.get(f"/admin/pages/{guide.pk}/edit/preview/?mode=")
    assert_never_stored(response)
