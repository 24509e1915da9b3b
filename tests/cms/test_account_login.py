"""Logging in: the Wagtail admin's log-in goes through allauth, sessions
and passwords (docs/accounts-security.md)."""

from django.contrib.auth import get_user_model

import pytest

from tests.cms.accounts import PASSWORD, html, log_in, make_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# The Wagtail admin log-in goes through allauth ------------------------------


def test_wagtail_admin_login_redirects_to_allauth_with_next(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"
    assert client.get("/admin/login/")["Location"] == "/accounts/login/"


@pytest.mark.parametrize("url", ["/admin/login/", "/_util/login/"])
def test_posting_credentials_to_wagtail_login_forms_logs_nobody_in(client, url):
    make_user("superuser", totp=None)
    response = client.post(url, {"username": "superuser-user", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/accounts/login/")


def test_wagtail_admin_password_reset_is_off(client):
    assert client.get("/admin/password_reset/").status_code == 404


# Sessions and passwords ------------------------------------------------------


def test_session_ends_with_the_browser_unless_remembered_and_lasts_8_hours(client):
    UserFactory(username="maya")
    log_in(client, "maya")
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 8 * 60 * 60
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "maya", "password": PASSWORD, "remember": "on"})
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 8 * 60 * 60


def test_passwords_need_twelve_characters_and_not_a_common_one(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "username": "newdoctor",
            "password1": "Short-pass1",  # 11 characters
            "password2": "Short-pass1",
        },
    )
    assert "at least 12 characters" in html(response)
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "username": "newdoctor",
            "password1": "111111111111",
            "password2": "111111111111",
        },
    )
    page = html(response)
    assert "too common" in page
    assert "entirely numeric" in page
    assert not get_user_model().objects.filter(username="newdoctor").exists()
