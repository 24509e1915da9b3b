"""A request body over REQUEST_BODY_MAX_BYTES is refused with a normal 413
page before anything reads it (curbside.request_limits).

Before, a multipart POST of any size to any page with a form (the log-in
page, by anyone) was written whole to a temporary file while CSRF and the
form read it: the 10 MB limits of the upload forms applied only afterwards.
A declared length the test client cannot supply makes Django's reader fail,
so a test that passes here proves the body was never read."""

from django.test import override_settings
from django.urls import reverse

import pytest

from curbside.request_limits import declared_length

pytestmark = pytest.mark.django_db

MULTIPART = "multipart/form-data; boundary=BoUnDaRy"
SMALL_BODY = (
    b"--BoUnDaRy\r\n"
    b'Content-Disposition: form-data; name="login"\r\n\r\n'
    b"someone@example.org\r\n"
    b"--BoUnDaRy--\r\n"
)


def _post(client, url, body=SMALL_BODY, **extra):
    return client.generic("POST", url, body, content_type=MULTIPART, **extra)


def test_a_huge_declared_upload_is_refused_unread_with_a_normal_page(client):
    response = _post(client, reverse("account_login"), CONTENT_LENGTH=str(3 * 1024**3))

    assert response.status_code == 413
    text = response.content.decode()
    assert "That upload is too large" in text
    assert "at most 32 MB" in text
    assert response["Connection"] == "close"
    assert "public" not in response.get("Cache-Control", "")


@override_settings(REQUEST_BODY_MAX_BYTES=4096)
def test_the_limit_is_the_setting_and_a_body_within_it_goes_through(client):
    over = SMALL_BODY + b"x" * 5000
    assert _post(client, reverse("account_login"), over).status_code == 413
    within = _post(client, reverse("account_login"))
    assert within.status_code != 413


def test_a_signed_in_learner_sending_too_much_sees_the_page_too(client, django_user_model):
    user = django_user_model.objects.create_user("ines", "ines@example.org", "a long passphrase 1")
    client.force_login(user)
    response = _post(client, "/me/profile/", CONTENT_LENGTH=str(200 * 1024**2))
    assert response.status_code == 413
    assert "That upload is too large" in response.content.decode()


@pytest.mark.parametrize(("value", "expected"), [("", 0), ("abc", 0), ("-5", 0), ("12", 12)])
def test_a_missing_or_malformed_length_counts_as_none(rf, value, expected):
    request = rf.get("/", CONTENT_LENGTH=value)
    assert declared_length(request) == expected
