"""Smoke checks for the scaled shape that docs/scaled-recipe.sh starts (run by
docs/scaled-demo.sh, in the recipe's environment). Each check prints what it
saw and how long it took; the first failure stops with exit status 1.

Over real HTTP against both app servers, with one cookie jar (cookies ignore
the port, so the jar plays a browser behind a load balancer that sends one
request to server A and the next to server B)."""

import email
import html
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import boto3
import psycopg

A = f"http://127.0.0.1:{os.environ['APP_A_PORT']}"
B = f"http://127.0.0.1:{os.environ['APP_B_PORT']}"
# Varnish in front of both (deploy/varnish/curbside.vcl).
CACHE = f"http://127.0.0.1:{os.environ['VARNISH_PORT']}"
ES = os.environ["ELASTICSEARCH_URL"]
BUCKET = os.environ["AWS_STORAGE_BUCKET_NAME"]
MAILDIR = Path(os.environ["CURBSIDE_DEMO"]) / "mail" / "new"
LOGS = Path(os.environ["CURBSIDE_DEMO"])
LEARNER, PASSWORD, LEARNER_EMAIL = "doctor", "curbside-demo", "doctor@curbside.example"
WORKERS = {"demo-1", "demo-2"}
TIMEOUT = 60  # seconds for anything that waits on a worker or a mail


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


jar = http.cookiejar.CookieJar()
browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def fetch(url, data=None, referer=None):
    """(status, headers, body bytes); redirects are returned, not followed."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)  # noqa: S310 (http on loopback)
    if referer:
        request.add_header("Referer", referer)
    try:
        with browser.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def csrf_token(page):
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token on the form"
    return match.group(1).decode()


def wait_for(condition, what):
    deadline = time.monotonic() + TIMEOUT
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {TIMEOUT}s waiting for {what}")
        time.sleep(0.5)


def check_health():
    for server in (A, B):
        status, _, body = fetch(f"{server}/healthz")
        assert status == 200, f"{server}/healthz answered {status}: {body[:300]!r}"
        answer = json.loads(body)
        assert answer["status"] == "ok", f"{server}/healthz: {answer}"
    return f"{A}/healthz and {B}/healthz: 200, status ok"


def check_shared_session():
    status, _, page = fetch(f"{A}/accounts/login/")
    assert status == 200, f"log-in page on A answered {status}"
    status, headers, _ = fetch(
        f"{A}/accounts/login/",
        {"csrfmiddlewaretoken": csrf_token(page), "login": LEARNER, "password": PASSWORD},
        referer=f"{A}/accounts/login/",
    )
    assert status == 302, f"signing in on A answered {status}, not a redirect"
    status, _, page = fetch(f"{B}/me/")
    assert status == 200, f"/me/ on B answered {status} (the session was not shared)"
    assert b"<h1>My learning</h1>" in page, "B did not show the learner's dashboard"
    # The demo learner's own path in progress: this is the doctor's dashboard.
    assert b"Starting your first attending job" in page, "B shows someone else's dashboard"
    return f"signed in as {LEARNER} on A; B shows the learner's dashboard"


def check_search():
    index = os.environ.get("ELASTICSEARCH_INDEX", "curbside-search")
    with urllib.request.urlopen(f"{ES}/{index}/_count", timeout=10) as response:  # noqa: S310
        count = json.load(response)["count"]
    assert count > 0, "the Elasticsearch index is empty"
    status, _, page = fetch(f"{B}/search/?q=handoff")
    assert status == 200, f"search on B answered {status}"
    text = html.unescape(page.decode())
    assert "reduced mode" not in text, "search fell back to the embedded engine"
    assert "I-PASS" in text, "the demo guide on I-PASS handoffs is not among the results"
    return f"{count} documents in Elasticsearch; a search on B finds the I-PASS handoffs guide"


def check_certificate():
    status, _, page = fetch(f"{A}/me/")
    match = re.search(rb"/me/certificates/(\d+)/pdf/", page)
    assert match, "the learner's dashboard lists no certificate"
    certificate_id = int(match.group(1))

    # A worker renders the PDF (it was queued when the seed issued the certificate).
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:

        def rendered():
            row = connection.execute(
                "SELECT pdf, pdf_status FROM learning_certificate WHERE id = %s", [certificate_id]
            ).fetchone()
            return row if row and row[0] else None

        key, pdf_status = wait_for(rendered, "a worker to store the certificate's PDF")
        workers = connection.execute(
            "SELECT worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE %s AND status = 'SUCCESSFUL'",
            ["%render_certificate_pdf"],
        ).fetchall()
    done_by = {worker for (ids,) in workers for worker in ids}
    assert done_by & WORKERS, f"no demo worker ran a render task (ran by: {done_by})"

    s3 = boto3.client(
        "s3",
        endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"],
        region_name=os.environ["AWS_S3_REGION_NAME"],
    )
    stored = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    status, headers, downloaded = fetch(f"{B}/me/certificates/{certificate_id}/pdf/")
    assert status == 200, f"the download from B answered {status}"
    assert headers["Content-Type"] == "application/pdf"
    assert downloaded == stored, "B sent a different file from the one in the bucket"
    assert downloaded.startswith(b"%PDF-")
    return (
        f"certificate {certificate_id}: PDF ({pdf_status}) rendered by {sorted(done_by)}, "
        f"s3://{BUCKET}/{key} ({len(stored):,} bytes), downloaded from B byte for byte"
    )


def check_password_reset_mail():
    before = set(MAILDIR.glob("*")) if MAILDIR.exists() else set()
    status, _, page = fetch(f"{B}/accounts/password/reset/")
    assert status == 200, f"the reset page on B answered {status}"
    status, _, _ = fetch(
        f"{B}/accounts/password/reset/",
        {"csrfmiddlewaretoken": csrf_token(page), "email": LEARNER_EMAIL},
        referer=f"{B}/accounts/password/reset/",
    )
    assert status == 302, f"asking for a reset on B answered {status}"

    def arrived():
        return set(MAILDIR.glob("*")) - before if MAILDIR.exists() else set()

    (path,) = wait_for(arrived, "the reset email at the SMTP sink")
    message = email.message_from_bytes(path.read_bytes())
    body = message.get_payload(decode=True) if not message.is_multipart() else b""
    for part in message.walk() if message.is_multipart() else ():
        if part.get_content_type() == "text/plain":
            body = part.get_payload(decode=True)
    link = re.search(rb"http://\S+/accounts/password/reset/key/\S+", body)
    assert message["To"] == LEARNER_EMAIL, message["To"]
    assert link, "the email holds no reset link"
    for log in LOGS.glob("*.log"):
        assert link.group(0) not in log.read_bytes(), f"the reset link is in {log.name}"
    return f"reset email to {message['To']} at the SMTP sink ({path.name}); not in any log"


def django(code):
    """Runs Python in the app's environment (production settings) and returns its output."""
    done = subprocess.run(  # noqa: S603
        [".venv/bin/python", "manage.py", "shell", "--verbosity", "0", "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def anonymous(url):
    """A visitor without cookies: (status, headers, text)."""
    request = urllib.request.Request(url)  # noqa: S310 (http on loopback)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def check_http_cache():
    guide = "GuidePage.objects.live().get(slug='i-pass-handoffs')"
    url = django(f"from cms.models import GuidePage; print({guide}.url)")
    assert url.startswith("/guides/"), f"no demo guide to cache: {url!r}"
    anonymous(CACHE + url)
    status, headers, _ = anonymous(CACHE + url)
    assert status == 200, f"{url} through Varnish answered {status}"
    assert headers["X-Cache"] == "HIT", f"the second GET of {url} was a {headers['X-Cache']}"
    status, headers, _ = fetch(f"{CACHE}/me/")  # signed in (check_shared_session)
    assert status == 200 and headers["X-Cache"] == "PASS", "the dashboard went through the cache"
    assert "no-store" in headers["Cache-Control"]
    title = f"Handoffs that hold (edited {time.strftime('%H:%M:%S')})"
    django(
        f"from cms.models import GuidePage; page = {guide}; "
        f"page.title = {title!r}; page.save_revision().publish()"
    )
    published = time.monotonic()
    wait_for(lambda: title in anonymous(CACHE + url)[2], "the edit to show through Varnish")
    seen = time.monotonic() - published
    _, _, text = anonymous(f"{CACHE}/guides/")
    assert title in html.unescape(text), "the guide index still shows the old title"
    return (
        f"{url}: a HIT on the second GET, /me/ passed to the app; after publishing, "
        f"the new title shows through Varnish {seen:.1f} s later (a worker sent the purge)"
    )


CHECKS = [
    ("both app servers are healthy", check_health),
    ("a session from server A works on server B", check_shared_session),
    ("search goes through Elasticsearch", check_search),
    ("a worker-rendered certificate PDF in S3, downloaded from B", check_certificate),
    ("a password-reset email reaches the SMTP sink", check_password_reset_mail),
    ("Varnish shares public pages and a publish purges them", check_http_cache),
]


def main():
    failed = False
    for title, check in CHECKS:
        started = time.monotonic()
        try:
            detail = check()
        except Exception as error:  # report every kind of failure the same way
            print(f"FAIL {title}: {type(error).__name__}: {error}")
            failed = True
            break
        print(f"ok   {title} ({time.monotonic() - started:.1f} s): {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
