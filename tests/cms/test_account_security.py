"""Accounts and admin security: two-factor authentication per role, the
Wagtail admin log-in through allauth, rate limits, sessions and passwords
(docs/accounts-security.md)."""

import importlib.util
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from allauth.mfa.utils import decrypt

from curbside.demo import DEMO_TOTP_SECRET, seed_users
from curbside.security import MFAAdapter, has_second_factor, mfa_required, totp_code
from tests.factories import (
    InstitutionFactory,
    InstitutionStaffFactory,
    MentorUserFactory,
    ReviewerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # cms.factories.UserFactory
ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"


def fresh_code(secret):
    """The current code, waiting out the last seconds of a 30-second window
    so the server checks it in the same window."""
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.1)
    return totp_code(secret)


def secret_of(user):
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def html(response):
    return response.content.decode()


def log_in(client, login, password=PASSWORD, next_url=None, **extra):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": login, "password": password}, **extra)


# Who must set up two-factor authentication before using the admin --------


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


@pytest.mark.parametrize(
    ("role", "required"),
    [
        ("doctor", False),
        ("mentor", False),
        ("reviewer", True),
        ("staff", True),
        ("mentor+reviewer", True),
        ("superuser", True),
    ],
)
def test_who_must_set_up_two_factor_before_using_the_admin(client, role, required):
    user = make_user(role, totp=False)
    assert mfa_required(user) is required
    assert not has_second_factor(user)
    client.force_login(user)
    for url in ("/admin/", "/admin/account/"):
        response = client.get(url)
        if role == "doctor":
            # No admin rights: back to the dashboard, not a log-in loop.
            assert response.status_code == 302
            assert response["Location"] == "/me/"
        elif required:
            assert response.status_code == 302, url
            assert response["Location"] == ACTIVATE
        else:
            assert response.status_code == 200, url
    page = client.get("/me/")
    if required:
        assert "must use two-factor authentication" in html(page)
    elif role == "doctor":
        assert "no access to the admin" in html(page)


@pytest.mark.parametrize("role", ["reviewer", "staff", "mentor+reviewer", "superuser"])
def test_with_an_authenticator_the_admin_opens(client, role):
    user = make_user(role, totp=None)  # the factories' default: an authenticator
    assert has_second_factor(user)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200


def test_staff_member_of_an_institution_is_required_even_without_the_group():
    user = UserFactory(username="signer")
    assert not mfa_required(user)
    InstitutionFactory().staff.add(user)
    assert mfa_required(user)


def test_anonymous_admin_visitors_log_in_through_allauth(client):
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"


def test_a_reviewer_without_an_authenticator_can_still_log_out_of_the_admin(client):
    client.force_login(make_user("reviewer", totp=False))
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert response["Location"] != ACTIVATE
    assert "_auth_user_id" not in client.session


def test_required_user_sets_up_an_authenticator_then_reaches_the_admin(client):
    reviewer = make_user("reviewer", totp=False)
    response = log_in(client, "reviewer-user", next_url="/admin/")
    assert response["Location"] == "/admin/"  # no authenticator yet: no code step
    response = client.get("/admin/", follow=True)
    # allauth asks for the password again before changing two-factor settings.
    assert response.redirect_chain[0] == (ACTIVATE, 302)
    assert response.redirect_chain[1][0].startswith("/accounts/reauthenticate/")
    assert "must use two-factor authentication" in html(response)
    response = client.post(response.redirect_chain[1][0], {"password": PASSWORD})
    assert response["Location"] == ACTIVATE
    page = html(client.get(ACTIVATE))
    assert "Set up an authenticator app" in page
    assert 'alt="QR code for your authenticator app"' in page
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "1"})
    assert response.status_code == 200
    assert "Incorrect code." in html(response)
    assert not has_second_factor(reviewer)

    response = client.post(ACTIVATE, {"code": fresh_code(secret)})
    assert response.status_code == 302
    assert has_second_factor(reviewer)
    assert client.get("/admin/").status_code == 200


def test_full_log_in_with_a_code_from_the_authenticator(client):
    reviewer = make_user("reviewer", totp=None)
    secret = secret_of(reviewer)
    assert secret == reviewer.totp_secret

    response = log_in(client, "reviewer-user", next_url="/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == AUTHENTICATE
    # Password alone does not log in.
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/pages/")["Location"].startswith("/accounts/login/")

    page = client.get(AUTHENTICATE)
    assert page.status_code == 200
    assert "Two-factor authentication" in html(page)

    wrong = "123456" if fresh_code(secret) != "123456" else "654321"
    response = client.post(AUTHENTICATE, {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code." in html(response)
    assert "_auth_user_id" not in client.session

    response = client.post(AUTHENTICATE, {"code": fresh_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/", follow=True).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_learner_who_turned_on_two_factor_is_asked_for_the_code(client):
    doctor = UserFactory(username="maya", totp=False)
    assert not mfa_required(doctor)
    from curbside.security import activate_totp

    secret = activate_totp(doctor)
    response = log_in(client, "maya")
    assert response["Location"] == AUTHENTICATE
    response = client.post(AUTHENTICATE, {"code": fresh_code(secret)})
    assert response["Location"] == "/me/"


def test_offered_to_everyone_from_the_dashboard(client):
    client.force_login(UserFactory(username="maya"))
    assert 'href="/accounts/2fa/"' in html(client.get("/me/"))
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    assert 'href="/accounts/2fa/totp/activate/"' in html(page)


def test_required_roles_cannot_switch_their_only_authenticator_off():
    adapter = MFAAdapter()
    reviewer = make_user("reviewer", totp=None)
    assert not adapter.can_delete_authenticator(reviewer.authenticator_set.get())
    mentor = make_user("mentor", totp=False)
    from curbside.security import activate_totp

    activate_totp(mentor)
    assert adapter.can_delete_authenticator(mentor.authenticator_set.get())


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


# Rate limits -----------------------------------------------------------------


def assert_rate_limit_page(response):
    assert response.status_code == 429
    assert response["Retry-After"] == "60"  # curbside.middleware.RetryAfterMiddleware
    page = html(response)
    assert "Too many attempts" in page
    assert 'class="site-header"' in page  # the normal site layout, not a bare error


def test_eleventh_failed_log_in_from_one_address_gets_429(client):
    for n in range(10):
        response = log_in(client, f"nobody{n}", "wrong-password-here")
        assert response.status_code == 200, n
        assert "not correct" in html(response)
    assert_rate_limit_page(log_in(client, "nobody10", "wrong-password-here"))
    # Another address is not affected.
    response = log_in(client, "nobody11", "wrong-password-here", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200


def test_sixth_failed_log_in_to_one_account_gets_429_from_any_address(client):
    UserFactory(username="maya")
    for n in range(5):
        response = log_in(client, "maya", "not-her-password", REMOTE_ADDR=f"10.0.0.{n}")
        assert response.status_code == 200
    # Even the right password from a new address waits.
    assert_rate_limit_page(log_in(client, "maya", REMOTE_ADDR="10.0.0.99"))
    assert "_auth_user_id" not in client.session


def test_successful_log_ins_do_not_count_as_failures(client):
    UserFactory(username="maya")
    for _ in range(12):
        assert log_in(client, "maya").status_code == 302
        client.post("/accounts/logout/")


def test_wrong_two_factor_codes_are_limited_per_account(client):
    reviewer = make_user("reviewer", totp=None)
    log_in(client, "reviewer-user")
    good = fresh_code(reviewer.totp_secret)
    wrong = "111111" if good != "111111" else "222222"
    for _ in range(5):
        assert "Incorrect code." in html(client.post(AUTHENTICATE, {"code": wrong}))
    response = client.post(AUTHENTICATE, {"code": fresh_code(reviewer.totp_secret)})
    assert response.status_code == 200
    assert "Too many failed login attempts" in html(response)
    assert "_auth_user_id" not in client.session


def test_sign_up_is_rate_limited_per_address(client):
    for n in range(5):
        response = client.post("/accounts/signup/", {"email": f"x{n}@example.org"})
        assert response.status_code == 200, n  # incomplete form, shown again
    assert_rate_limit_page(client.post("/accounts/signup/", {"email": "x5@example.org"}))


def test_password_reset_is_rate_limited_per_mailbox(client):
    UserFactory(username="maya", email="maya@example.org")
    for n in range(5):
        response = client.post(
            "/accounts/password/reset/", {"email": "maya@example.org"}, REMOTE_ADDR=f"10.0.1.{n}"
        )
        assert response.status_code == 302, n
    assert len(mail.outbox) == 5
    response = client.post(
        "/accounts/password/reset/", {"email": "maya@example.org"}, REMOTE_ADDR="10.0.1.9"
    )
    assert_rate_limit_page(response)
    assert len(mail.outbox) == 5


def test_certificate_verification_limit_shares_the_client_address_rule(client):
    url = "/certificates/verify/" + "0" * 24 + "/"
    statuses = [client.get(url).status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429
    # X-Forwarded-For is ignored unless the proxies are trusted...
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    # ...and then names the client, as for allauth's limits.
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1):
        assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 404


def test_rate_limits_work_on_the_shared_database_cache(client):
    """CACHE_URL=db:// (the scaled shape): allauth's and the certificate
    limiter's counters live in one table every app process reads."""
    database_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "curbside_cache_test",
        }
    }
    with override_settings(CACHES=database_cache):
        call_command("createcachetable", verbosity=0)
        for n in range(10):
            assert log_in(client, f"nobody{n}", "wrong-password-here").status_code == 200
        assert log_in(client, "nobody10", "wrong-password-here").status_code == 429
        url = "/certificates/verify/" + "0" * 24 + "/"
        assert [client.get(url).status_code for _ in range(31)][-1] == 429
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM curbside_cache_test")
            keys = [row[0] for row in cursor.fetchall()]
    assert any("allauth:rl:allauth.account:login_failed" in key for key in keys)
    assert any("ratelimit:verify:" in key for key in keys)


def load_base_settings(monkeypatch, cache_url):
    """curbside/settings/base.py run afresh with CACHE_URL set (not registered as a
    module, so the running settings are untouched)."""
    monkeypatch.setenv("CACHE_URL", cache_url)
    path = Path(settings.BASE_DIR) / "curbside" / "settings" / "base.py"
    spec = importlib.util.spec_from_file_location("curbside.settings.cache_url_probe", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("cache_url", "backend", "location"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache", "curbside"),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", "curbside"),
        ("db://", "django.core.cache.backends.db.DatabaseCache", "curbside_cache"),
        ("db://shared_cache", "django.core.cache.backends.db.DatabaseCache", "shared_cache"),
    ],
)
def test_cache_url_selects_the_shared_cache(monkeypatch, cache_url, backend, location):
    default = load_base_settings(monkeypatch, cache_url).CACHES["default"]
    assert (default["BACKEND"], default["LOCATION"]) == (backend, location)


def test_an_unknown_cache_url_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be locmem:// or db://"):
        load_base_settings(monkeypatch, "memcache://x")


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


# Factories and demo users ----------------------------------------------------


def test_factories_give_privileged_users_an_authenticator_by_default():
    assert has_second_factor(ReviewerFactory(username="r"))
    assert has_second_factor(InstitutionStaffFactory(username="s"))
    assert has_second_factor(UserFactory(username="g", groups=["Institution staff"]))
    assert has_second_factor(UserFactory(username="root", is_superuser=True))
    assert not has_second_factor(MentorUserFactory(username="m"))
    assert not has_second_factor(UserFactory(username="d"))
    assert not has_second_factor(ReviewerFactory(username="r2", totp=False))
    chosen = ReviewerFactory(username="r3", totp=DEMO_TOTP_SECRET)
    assert secret_of(chosen) == DEMO_TOTP_SECRET


def test_demo_admin_reviewer_and_staff_use_the_documented_secret(client):
    seed_users(lambda message: None)
    seed_users(lambda message: None)  # idempotent
    for username in ("admin", "reviewer", "staff"):
        user = get_user_model().objects.get(username=username)
        assert Authenticator.objects.filter(user=user).count() == 1
        assert secret_of(user) == DEMO_TOTP_SECRET
    for username in ("mentor", "doctor"):
        assert not has_second_factor(get_user_model().objects.get(username=username))
    response = log_in(client, "admin", "curbside-demo", next_url="/admin/")
    assert response["Location"] == AUTHENTICATE
    response = client.post(AUTHENTICATE, {"code": fresh_code(DEMO_TOTP_SECRET)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
