"""Links and QR codes point at the site the learner uses: `make run PORT=8101`
makes the certificate, its QR code and background emails use port 8101; an
email sent while answering a request links to that request's host and port in
development; production refuses to start without its base URL; and account
emails call the site "Curbside", not its host and port."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.core import mail
from django.core.management import call_command

from wagtail.models import Site

import pytest

from cms.site_url import absolute_url, base_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_make_run_on_another_port_sets_the_base_url(tmp_path):
    """`make run PORT=8101` starts the server with PUBLIC_BASE_URL on 8101 (a
    stand-in python records what it was given; seeding is skipped)."""
    record = tmp_path / "calls"
    fake = tmp_path / "bin" / "python"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$PUBLIC_BASE_URL $*" >> {record}\n')
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.endswith("BASE_URL")}
    result = subprocess.run(  # noqa: S603 - make in our own checkout
        ["make", "-s", "-o", "seed", "run", "PORT=8101", f"BIN={fake.parent}"],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert record.read_text().splitlines() == [
        "http://127.0.0.1:8101 manage.py sync_site_url",
        "http://127.0.0.1:8101 manage.py runserver 127.0.0.1:8101",
    ]


def test_sync_site_url_keeps_wagtails_site_in_step(settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8101"
    call_command("sync_site_url", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8101"


def settings_value(name, **env_vars):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        **env_vars,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_admin_emails_follow_the_public_base_url_by_default():
    result = settings_value(
        "WAGTAILADMIN_BASE_URL",
        DJANGO_SETTINGS_MODULE="curbside.settings.dev",
        PUBLIC_BASE_URL="http://127.0.0.1:8101",
    )
    assert result.stdout.strip() == "http://127.0.0.1:8101", result.stderr


def test_production_refuses_to_start_without_a_base_url():
    common = {
        "DJANGO_SETTINGS_MODULE": "curbside.settings.production",
        "SECRET_KEY": "a-test-only-key-that-is-long-enough-for-check-deploy-0123456789",
        "ALLOWED_HOSTS": "curbside.example.org",
    }
    result = settings_value("PUBLIC_BASE_URL", **common)
    assert result.returncode != 0
    assert "PUBLIC_BASE_URL must be set" in result.stderr
    ok = settings_value(
        "PUBLIC_BASE_URL", PUBLIC_BASE_URL="https://curbside.example.org/", **common
    )
    assert ok.stdout.strip() == "https://curbside.example.org", ok.stderr


def test_links_in_a_request_follow_its_port_in_development_only(settings, rf):
    settings.PUBLIC_BASE_URL = "https://curbside.example.org"
    request = rf.get("/", SERVER_NAME="127.0.0.1", SERVER_PORT="8101")
    settings.BASE_URL_FROM_REQUEST = True
    assert absolute_url("/me/", request) == "http://127.0.0.1:8101/me/"
    assert base_url() == "https://curbside.example.org"
    settings.BASE_URL_FROM_REQUEST = False
    assert absolute_url("/me/", request) == "https://curbside.example.org/me/"


def test_sign_up_email_names_curbside_and_links_to_the_port_used(client, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
        SERVER_NAME="127.0.0.1",
        SERVER_PORT="8101",
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject.startswith("[Curbside] ")
    assert message.body.startswith("Hello from Curbside!")
    assert "127.0.0.1:8101!" not in message.body
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(link.startswith("http://127.0.0.1:8101/") for link in links)
