"""Sign-up, log-in, log-out and password reset through django-allauth."""

import re

from django.contrib.auth import get_user_model
from django.core import mail

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def confirmation_link(message):
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_confirms_the_address_then_lands_on_the_dashboard(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.doctor@example.org",
            "password1": "a-long-clinical-passphrase",
            "password2": "a-long-clinical-passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/me/").status_code == 302  # not signed in before confirming
    (message,) = mail.outbox
    assert message.to == ["new.doctor@example.org"]
    link = confirmation_link(message)
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert client.get("/me/").status_code == 200
    user = get_user_model().objects.get(email="new.doctor@example.org")
    assert user.username  # made from the address


def test_sign_up_with_a_taken_email_looks_exactly_like_a_new_one(client):
    UserFactory(username="taken", email="taken@example.org")
    answers = []
    for email in ("taken@example.org", "fresh@example.org"):
        client.cookies.clear()
        response = client.post(
            "/accounts/signup/",
            {
                "email": email,
                "password1": "a-long-clinical-passphrase",
                "password2": "a-long-clinical-passphrase",
            },
            follow=True,
        )
        page = response.content.decode().replace(email, "EMAIL")
        answers.append((response.redirect_chain, re.sub(r'value="[^"]{20,}"', "", page)))
    assert answers[0] == answers[1]
    assert "already registered" not in answers[0][1]
    # The owner of the taken address is told, by email, that they have an account.
    to_taken = [m for m in mail.outbox if m.to == ["taken@example.org"]]
    assert len(to_taken) == 1 and "already" in to_taken[0].body.lower()
    assert get_user_model().objects.filter(email__iexact="taken@example.org").count() == 1


def test_sign_up_with_a_weak_password_explains(client):
    response = client.post(
        "/accounts/signup/", {"email": "other@example.org", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert not get_user_model().objects.filter(email="other@example.org").exists()


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


def closed_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_email_server_outage_is_a_normal_page_not_a_server_error(client, settings):
    # A real SMTP connection to a port nothing listens on.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    UserFactory(username="maya", email="maya@example.org")
    response = client.post("/accounts/password/reset/", {"email": "maya@example.org"})
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "We could not send the email just now" in response.content.decode()
