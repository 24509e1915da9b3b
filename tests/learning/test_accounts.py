"""Sign-up, log-in, log-out and password reset through django-allauth."""

from django.contrib.auth import get_user_model
from django.core import mail

import pytest

from cms.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_logs_in_and_lands_on_the_dashboard(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.doctor@example.org",
            "username": "newdoctor",
            "password1": "a-long-clinical-passphrase",
            "password2": "a-long-clinical-passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert get_user_model().objects.filter(username="newdoctor").exists()
    assert client.get("/me/").status_code == 200


def test_sign_up_with_a_weak_password_or_taken_email_explains(client):
    UserFactory(username="taken", email="taken@example.org")
    response = client.post(
        "/accounts/signup/",
        {"email": "taken@example.org", "username": "other", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A user is already registered with this email address." in html
    assert "This password is too short" in html
    assert not get_user_model().objects.filter(username="other").exists()


def test_log_in_with_username_or_email_and_log_out(client):
    UserFactory(username="maya", email="maya@example.org")
    for login in ("maya", "maya@example.org"):
        response = client.post(
            "/accounts/login/", {"login": login, "password": "correct-horse-battery"}
        )
        assert response.status_code == 302, login
        assert client.post("/accounts/logout/").status_code == 302
    response = client.post("/accounts/login/", {"login": "maya", "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_password_reset_sends_an_email(client):
    UserFactory(username="maya", email="maya@example.org")
    response = client.post("/accounts/password/reset/", {"email": "maya@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
