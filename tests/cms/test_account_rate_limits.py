"""Rate limits on logging in, two-factor codes, sign-up, password resets and
certificate checks, on the shared database cache too, and the CACHE_URL
setting that chooses that cache (docs/accounts-security.md)."""

import importlib.util
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

import pytest

from tests.cms.accounts import AUTHENTICATE, fresh_code, html, log_in, make_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


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


def test_an_accounts_username_and_e_mail_address_share_its_failed_log_ins(client):
    """Learners sign in with their username or their e-mail address: the 5
    guesses in 5 minutes are the account's, not each name's."""
    UserFactory(username="maya", email="maya.chen@example.org")
    names = ["maya", "Maya.Chen@example.org", "MAYA", "maya.chen@example.org", "maya"]
    for n, name in enumerate(names):
        response = log_in(client, name, "not-her-password", REMOTE_ADDR=f"10.0.4.{n}")
        assert response.status_code == 200, name
    assert_rate_limit_page(log_in(client, "maya.chen@example.org", REMOTE_ADDR="10.0.4.99"))
    assert "_auth_user_id" not in client.session
