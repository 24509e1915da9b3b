"""Production settings as an operator meets them: they refuse to start
without a secret key and host names, `check --deploy` is clean, and a
production process sends the security headers and secure cookies."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command

import pytest

from tests.availability import require

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "a-test-only-key-that-is-long-enough-for-check-deploy-0123456789"


def run(args, **env_vars):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "curbside.settings.production",
        "PUBLIC_BASE_URL": "https://curbside.example.org",
        **env_vars,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


SETUP = ["-c", "import django; django.setup()"]


def test_refuses_to_start_without_secret_key():
    result = run(SETUP, ALLOWED_HOSTS="curbside.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "The environment variable SECRET_KEY must be set" in result.stderr


def test_refuses_the_development_key():
    result = run(
        SETUP,
        SECRET_KEY="insecure-dev-key-only-for-the-embedded-setup",
        ALLOWED_HOSTS="curbside.example.org",
    )
    assert result.returncode != 0
    assert "not the development key" in result.stderr


def test_refuses_to_start_without_allowed_hosts():
    result = run(SETUP, SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "The environment variable ALLOWED_HOSTS must be set" in result.stderr


def test_refuses_debug():
    result = run(SETUP, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x.example", DJANGO_DEBUG="true")
    assert result.returncode != 0
    assert "DJANGO_DEBUG is on" in result.stderr


def check_deploy(tmp_path, **env_vars):
    """`manage.py check --deploy` with production settings on SQLite."""
    env = {
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "curbside.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **env_vars,
    }
    return run(["manage.py", "check", "--deploy"], **env)


def test_check_deploy_reports_nothing(tmp_path):
    from learning.certificates.font_coverage import scripts_without_a_font

    require(scripts_without_a_font() == [], "a font for every script (curbside.W006)")
    result = check_deploy(tmp_path, SEARCH_DATABASE_URL=f"sqlite:///{tmp_path / 'search.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_check_deploy_warns_when_the_search_index_shares_the_sqlite_database(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "search.W003" in output
    assert "set SEARCH_DATABASE_URL" in output
    assert "identified 1 issue" in output


def test_migrate_says_when_the_search_index_database_has_no_tables(tmp_path):
    env = {
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "curbside.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "SEARCH_DATABASE_URL": f"sqlite:///{tmp_path / 'search.sqlite3'}",
    }
    check = ["manage.py", "check", "--database", "default"]
    missing = run(check, **env)
    assert "search.W004" in missing.stdout + missing.stderr
    assert "manage.py migrate --database search" in missing.stdout + missing.stderr
    migrated = run(["manage.py", "migrate", "--database", "search", "-v", "0"], **env)
    assert migrated.returncode == 0, migrated.stderr
    again = run(check, **env)
    assert "search.W004" not in again.stdout + again.stderr, again.stderr


@pytest.mark.parametrize(
    "search_url, refusal",
    [
        ("postgres://curbside@127.0.0.1:5432/search", "on PostgreSQL the index stays in"),
        ("sqlite:///{tmp}/deploy.sqlite3", "names the site's own SQLite file"),
    ],
    ids=["postgresql", "the-same-file"],
)
def test_refuses_a_search_database_that_is_not_a_sqlite_file_of_its_own(
    tmp_path, search_url, refusal
):
    # Refused when the settings load: no server starts, nothing is
    # migrated, and the message says what to change. Nothing connects to
    # the PostgreSQL URL named.
    result = check_deploy(tmp_path, SEARCH_DATABASE_URL=search_url.format(tmp=tmp_path))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert refusal in result.stderr
    assert not (tmp_path / "deploy.sqlite3").exists()


def test_check_deploy_warns_when_https_is_switched_off_for_loopback(tmp_path):
    # The plain-HTTP switches `make bench` uses are honoured, and reported.
    result = check_deploy(
        tmp_path,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
    )
    assert result.returncode == 0, result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


# --- What a browser sees from a server running the production settings ---------
#
# The settings module is loaded in a subprocess with a production environment
# (as gunicorn loads it); its security settings are then applied to this test
# process, whose test client answers like the server would.

SECURITY_SETTINGS = [
    "MIDDLEWARE",
    "STORAGES",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_ADMIN",
    "PERMISSIONS_POLICY",
    "DEBUG",
]
DUMP = (
    "import json, django; django.setup(); from django.conf import settings; "
    f"print(json.dumps({{n: getattr(settings, n) for n in {SECURITY_SETTINGS!r}}}))"
)


@pytest.fixture(scope="module")
def production_values():
    result = run(["-c", DUMP], SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="testserver")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def as_production(settings, production_values, tmp_path):
    for name, value in production_values.items():
        if name == "SECURE_PROXY_SSL_HEADER":
            value = tuple(value)
        setattr(settings, name, value)
    # Only the project's own static files, collected into a temporary folder.
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings


PROXY_HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.mark.django_db
def test_security_headers(as_production, client):
    response = client.get("/accounts/login/", headers=PROXY_HTTPS)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()", "usb=()"):
        assert feature in response["Permissions-Policy"]
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split("; ")
    }
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_cookies_are_secure_and_out_of_reach_of_scripts(as_production, client):
    get_user_model().objects.create_user("ops-check", "ops@example.org", "Ops-check-password-1")
    page = client.get("/accounts/login/", headers=PROXY_HTTPS)
    client.post(
        "/accounts/login/",
        {
            "login": "ops-check",
            "password": "Ops-check-password-1",
            "csrfmiddlewaretoken": page.cookies["csrftoken"].value,
        },
        headers=PROXY_HTTPS,
    )
    assert {"csrftoken", "sessionid"} <= set(client.cookies)
    for name in ("csrftoken", "sessionid"):
        assert client.cookies[name]["secure"], name
        assert client.cookies[name]["httponly"], name


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_but_not_the_health_check(as_production, client):
    page = client.get("/accounts/login/")
    assert page.status_code == 301
    assert page["Location"] == "https://testserver/accounts/login/"
    assert client.get("/healthz").status_code == 200


def test_static_files_have_hashed_names_compressed_copies_and_long_caching(as_production):
    from django.templatetags.static import static
    from django.test import Client

    url = static("js/search-combobox.js")
    assert url.startswith("/static/js/search-combobox.") and url != "/static/js/search-combobox.js"
    name = url.removeprefix("/static/")
    assert (Path(as_production.STATIC_ROOT) / f"{name}.gz").exists()

    response = Client().get(url, headers={"Accept-Encoding": "gzip", **PROXY_HTTPS})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]


@pytest.mark.django_db
def test_csp_and_permissions_policy_in_every_settings_module(client):
    # The same middleware runs under the test settings, so every test sees it.
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "payment=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_admin_gets_its_own_policy_and_the_site_does_not(client):
    user = get_user_model().objects.create_superuser("csp-root", "root@example.org", "x" * 12)
    client.force_login(user)
    admin = client.get("/admin/login/")  # any path under the admin prefix
    site = client.get("/accounts/login/")
    assert "'unsafe-inline'" in admin["Content-Security-Policy"]
    assert "'unsafe-inline'" not in site["Content-Security-Policy"]


@pytest.mark.django_db
def test_media_from_another_origin_is_allowed_as_images(client, settings):
    settings.MEDIA_URL = "https://media.example.net/curbside/"
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "img-src 'self' data: https://media.example.net;" in policy + ";"
    assert "media-src 'self' https://media.example.net;" in policy + ";"


# Security findings: key length, shared cache, email -------------------------


def test_refuses_a_key_check_deploy_would_warn_about():
    # 42 characters passed before while `check --deploy` (W009) wants 50.
    for key in ("k" * 60, "x1y2z3" * 7):  # 1 distinct character; 42 characters
        result = run(SETUP, SECRET_KEY=key, ALLOWED_HOSTS="x.example")
        assert result.returncode != 0, key
        assert "at least 50 characters, at least 5 different ones" in result.stderr


SHOW = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.CACHES['default']['BACKEND']); print(settings.EMAIL_BACKEND)"
)


def test_production_defaults_to_the_shared_database_cache_and_smtp():
    result = run(["-c", SHOW], SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.mail.backends.smtp.EmailBackend",
    ]


def test_production_refuses_a_per_process_cache():
    result = run(SETUP, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x.example", CACHE_URL="locmem://")
    assert result.returncode != 0
    assert "CACHE_URL=locmem:// gives each process its own cache" in result.stderr


@pytest.mark.parametrize("backend", ["console", "filebased", "locmem", "dummy"])
def test_production_refuses_email_backends_that_leak_or_lose_reset_links(backend):
    result = run(
        SETUP,
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="x.example",
        EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend",
    )
    assert result.returncode != 0
    assert "is refused with production settings" in result.stderr


def test_two_production_processes_share_rate_limit_counters(tmp_path):
    """What one app process counts (a failed log-in, a spent TOTP code),
    another sees: the default production cache is in the database."""
    env = {
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "x.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
    }
    assert run(["manage.py", "migrate", "cms", "0003", "-v", "0"], **env).returncode == 0
    count = (
        "import django; django.setup(); from django.core.cache import cache; "
        "cache.add('failures', 0); print(cache.incr('failures'))"
    )
    first = run(["-c", count], **env)
    second = run(["-c", count], **env)
    assert (first.stdout.strip(), second.stdout.strip()) == ("1", "2"), first.stderr + second.stderr


def test_check_database_finds_a_missing_cache_table(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--database", "default"],
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="x.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    assert "curbside.W004" in result.stdout + result.stderr


def test_deploy_checks_flag_a_per_process_cache_and_console_email(settings):
    from curbside.checks import check_email_backend, check_shared_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert [e.id for e in check_shared_cache(None)] == ["curbside.E002"]
    assert [e.id for e in check_email_backend(None)] == ["curbside.E003"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert check_shared_cache(None) == check_email_backend(None) == []
