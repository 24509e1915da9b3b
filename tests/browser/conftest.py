"""Playwright driving Debian's Chromium (/usr/bin/chromium); no browser download."""

import os
import shutil
import threading

import pytest

from tests.availability import require

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _run_in_own_thread(scenario, timeout=180):
    """Run ``scenario(page)`` with Playwright in a thread of its own.

    Playwright's sync API runs an event loop; in the test's own thread that
    would give Django a different (async-context) database connection than
    the test database fixtures set up. The scenario must not use the ORM: it
    talks to the live server like a real browser does.
    """
    from playwright.sync_api import sync_playwright

    outcome = {}

    def target():
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    page.console_errors = []
                    page.on(
                        "console",
                        lambda msg: msg.type == "error" and page.console_errors.append(msg.text),
                    )
                    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
                    scenario(page)
                finally:
                    browser.close()
        except BaseException as exc:  # re-raised in the test's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="playwright", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"The browser scenario did not finish within {timeout} s")
    if "error" in outcome:
        raise outcome["error"]


@pytest.fixture
def run_in_browser():
    require(os.path.exists(CHROMIUM) or shutil.which("chromium"), f"Chromium at {CHROMIUM}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - dev extras not installed
        require(False, "the playwright package")
    return _run_in_own_thread


def serious_violations(page, enhanced_contrast=None):
    """axe-core's serious and critical findings on ``page``: WCAG 2.2 A and AA,
    and on the public site (every page but Wagtail's admin, whose styles are
    Wagtail's) AAA contrast, ``color-contrast-enhanced``: 7:1 for body text,
    4.5:1 for large text. Clinicians read long guides, often on a phone."""
    from urllib.parse import urlsplit

    from axe_playwright_python.sync_playwright import Axe

    if enhanced_contrast is None:
        enhanced_contrast = not urlsplit(page.url).path.startswith("/admin/")
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]},
            # A rule enabled by name runs besides the tags' rules.
            "rules": {"color-contrast-enhanced": {"enabled": enhanced_contrast}},
            "resultTypes": ["violations"],
        },
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
