"""The account security tests' shared helpers: users of each role, logging
in through allauth, and current two-factor codes."""

import time

from curbside.security import totp_code
from tests.factories import (
    InstitutionStaffFactory,
    MentorUserFactory,
    ReviewerFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery"  # cms.factories.UserFactory
AUTHENTICATE = "/accounts/2fa/authenticate/"


def fresh_code(secret):
    """The current code, waiting out the last seconds of a 30-second window
    so the server checks it in the same window."""
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.1)
    return totp_code(secret)


def html(response):
    return response.content.decode()


def log_in(client, login, password=PASSWORD, next_url=None, **extra):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": login, "password": password}, **extra)


def make_user(role, totp):
    kwargs = {"username": f"{role}-user", "totp": totp}
    if role == "doctor":
        return UserFactory(**kwargs)
    if role == "mentor":
        return MentorUserFactory(**kwargs)
    if role == "reviewer":
        return ReviewerFactory(**kwargs)
    if role == "staff":
        return InstitutionStaffFactory(**kwargs)
    if role == "mentor+reviewer":
        return UserFactory(groups=["Mentors", "CME reviewers"], **kwargs)
    if role == "superuser":
        return UserFactory(is_superuser=True, is_staff=True, **kwargs)
    raise AssertionError(role)
