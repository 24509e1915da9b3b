"""Simulated learners for load_test.py and db_restart_fault.py: one thread
each, with its own cookies and connection, walking the whole journey (path
page, enrol, every step, post-test, evaluation, claim) path after path, with
form POSTs and the CSRF cookie as a browser sends them. Every response is
recorded in the shared ``Run``.

A step is done as a learner does it: GET its step page (the guide read as a
step of the path, ``/guides/<slug>/?path=<slug>``, which shows the activity's
disclosure), then POST its "Mark complete" form with the hidden ``disclosure``
field read from that page (``learning.journey.disclosure_proof``: the server
records the step only with it, and otherwise sends the learner back to the
step page)."""

import http.client
import re
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

REQUEST_TIMEOUT = 30
# The step page's "Mark complete" form (templates/learning/includes/step_bar.html).
DISCLOSURE_FIELD = "disclosure"
DISCLOSURE_INPUT = re.compile(rf'name="{DISCLOSURE_FIELD}" value="([^"]+)"')


class Stop(Exception):
    """The deadline or the request cap was reached."""


@dataclass
class Run:
    base_url: str
    duration: float
    max_requests: int
    retry_failures: bool = False  # retry a 5xx or connection error after RETRY_PAUSE
    retry_pause: float = 1.0
    started: float = 0.0
    wall_seconds: float = 0.0
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    records: list = field(default_factory=list)

    def start(self):
        self.started = time.monotonic()

    @property
    def deadline(self):
        return self.started + self.duration

    def claim_request(self):
        with self.lock:
            if time.monotonic() >= self.deadline or self.requests >= self.max_requests:
                raise Stop
            self.requests += 1

    def elapsed(self):
        return time.monotonic() - self.started


def parse_set_cookie(value):
    """(name, value, deleted) from one Set-Cookie header."""
    first, *attributes = value.split(";")
    name, _, cookie = first.strip().partition("=")
    deleted = cookie in {"", '""'}
    for attribute in attributes:
        key, _, val = attribute.strip().partition("=")
        if key.lower() == "max-age" and val.strip() == "0":
            deleted = True
        if key.lower() == "expires" and "1970" in val:
            deleted = True
    return name, cookie, deleted


class Learner:
    def __init__(self, index, account, paths, run):
        self.index = index
        self.username = account["username"]
        self.cookies = {"sessionid": account["sessionid"]}
        self.start = account.get("start") or {"slug": None}
        self.csrf_from_server = None
        # Learner i starts at path i mod n, so every path is busy at once.
        self.paths = paths[index % len(paths) :] + paths[: index % len(paths)]
        self.run = run
        host, port = run.base_url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT)
        self.paths_done = 0
        self.last_body = ""  # the last answer's body (the step page's form is read from it)

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def send(self, method, url, form=None):
        headers = {"Cookie": self.cookie_header()}
        body = None
        if form is not None:
            token = self.cookies.get("csrftoken", "")
            body = urllib.parse.urlencode([("csrfmiddlewaretoken", token), *form])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, url, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        for value in response.msg.get_all("Set-Cookie") or []:
            name, cookie, deleted = parse_set_cookie(value)
            if deleted:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = cookie
        if response.will_close:
            self.conn.close()
        return response.status, response.getheader("Location", ""), response, text

    def call(self, kind, method, url, expect, path, form=None, guide=None):
        """Send until answered (retrying failures when the run says so); record
        every attempt. True when the answer is the expected one."""
        attempt = 0
        while True:
            attempt += 1
            self.run.claim_request()
            wall = time.time()
            begun = time.monotonic()
            error = ""
            status, location, retry_after, body = 0, "", "", ""
            try:
                status, location, response, body = self.send(method, url, form)
                retry_after = response.getheader("Retry-After", "") or ""
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
                self.conn.close()
            ended = time.monotonic()
            self.last_body = body
            ok = not error and expect(status, location, body)
            self.run.records.append(
                {
                    "t": round(begun - self.run.started, 3),
                    "end": round(ended - self.run.started, 3),
                    "wall_end": time.time(),
                    "wall": wall,
                    "kind": kind,
                    "learner": self.username,
                    "path": path["slug"],
                    "guide": guide,
                    "status": status,
                    "error": error,
                    "ms": round((ended - begun) * 1000, 1),
                    "ok": ok,
                    "location": location if not ok else "",
                    "retry_after": retry_after,
                    "attempt": attempt,
                }
            )
            if ok:
                return True
            failed = error or status >= 500
            if not (failed and self.run.retry_failures):
                return False
            time.sleep(self.run.retry_pause)

    def journey(self, path):
        url = path["url"]

        def redirect_to(suffix):
            return lambda status, location, body: status == 302 and location.endswith(suffix)

        def step_page(status, location, body):
            # The guide as a step of the path, with its "Mark complete" form.
            return status == 200 and DISCLOSURE_INPUT.search(body) is not None

        def step_done(page):
            # Success: the next guide (…?path=<slug>) or the post-test. A refusal
            # (JourneyError) redirects back to the path page with a message; a
            # request without the step page's proof back to the step page.
            def done(status, location, body):
                if status != 302 or location.endswith(page):
                    return False
                return "?path=" in location or location.endswith("test/")

            return done

        if not self.call("path page", "GET", url, lambda s, loc, b: s == 200, path):
            return False
        if "csrftoken" not in self.cookies:
            # The page did not set the cookie: Django accepts one the client made.
            self.cookies["csrftoken"] = secrets.token_hex(16)
            self.csrf_from_server = False
        elif self.csrf_from_server is None:
            self.csrf_from_server = True
        if not self.call("enrol", "POST", url + "enrol/", redirect_to("continue/"), path, form=[]):
            return False
        start = self.start if self.start["slug"] == path["slug"] else {}
        for guide, page in zip(path["guides"], path["step_pages"], strict=True):
            if guide in start.get("done", ()):
                continue
            if not self.call("step page", "GET", page, step_page, path, guide=guide):
                return False
            form = [(DISCLOSURE_FIELD, DISCLOSURE_INPUT.search(self.last_body).group(1))]
            step_url = f"{url}steps/{guide}/complete/"
            if not self.call(
                "complete", "POST", step_url, step_done(page), path, form=form, guide=guide
            ):
                return False
        # The answers are recorded and the result shown by a redirect to
        # test/result/ (post/redirect/get), passed or not: the evaluation below
        # is accepted (a redirect to claim/) only once the post-test is passed.
        if not start.get("passed") and not self.call(
            "post-test", "POST", url + "test/", redirect_to("test/result/"), path, form=path["test"]
        ):
            return False
        evaluation = path["evaluation"]
        if not self.call(
            "evaluation", "POST", url + "evaluation/", redirect_to("claim/"), path, form=evaluation
        ):
            return False
        form = [("credits", path["credits"]), ("attested", "on")]
        back_to_path = lambda s, loc, b: s == 302 and loc == url  # noqa: E731
        return self.call("claim", "POST", url + "claim/", back_to_path, path, form=form)

    def __call__(self):
        try:
            for path in self.paths:
                if self.journey(path):
                    self.paths_done += 1
        except Stop:
            pass
        finally:
            self.conn.close()


def run_learners(run, accounts, paths):
    learners = [Learner(i, account, paths, run) for i, account in enumerate(accounts)]
    threads = [threading.Thread(target=learner, daemon=True) for learner in learners]
    run.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        # Requests stop at the deadline; one in flight ends within REQUEST_TIMEOUT.
        thread.join(timeout=max(0.0, run.deadline - time.monotonic()) + REQUEST_TIMEOUT + 5)
    run.wall_seconds = run.elapsed()
    return learners
