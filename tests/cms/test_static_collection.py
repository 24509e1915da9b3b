"""`make static` (manage.py collectstatic_once): concurrent runs from one
checkout never race. Real processes, real files, the production storage
(whitenoise's compressed manifest storage). The source files are a few files of
the test's own, so a collection takes a second rather than a minute."""

import fcntl
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site(tmp_path):
    """A settings module: production settings, static files from `src/`
    collected into `static/` under tmp_path."""
    src = tmp_path / "src"
    (src / "css").mkdir(parents=True)
    (src / "img").mkdir()
    (src / "img" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    # A reference the manifest storage rewrites to the hashed name.
    (src / "css" / "site.css").write_text("body { background: url('../img/logo.svg'); }\n" * 50)
    (src / "js").mkdir()
    for index in range(30):
        (src / "js" / f"part{index}.js").write_text(f"console.log({index});\n" * 200)
    (tmp_path / "static_settings.py").write_text(
        textwrap.dedent(
            f"""
            from curbside.settings.production import *  # noqa: F403
            STATIC_ROOT = {str(tmp_path / "static")!r}
            STATICFILES_DIRS = [{str(src)!r}]
            STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
            """
        )
    )
    env = {
        **os.environ,
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "static_settings",
        "SECRET_KEY": "static-collection-test-key-" + "abcdefghijklmnopqrstuvwxyz0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
        "CACHE_URL": "db://",
        "EMAIL_HOST": "127.0.0.1",
    }
    return tmp_path, env


def start(env):
    return subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "manage.py", "collectstatic_once", "-v", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process):
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output
    return output


def manifest_paths(static_root):
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return manifest["paths"]


def assert_complete(static_root):
    paths = manifest_paths(static_root)
    assert set(paths) == {"css/site.css", "img/logo.svg"} | {f"js/part{i}.js" for i in range(30)}
    for name, hashed in paths.items():
        assert (static_root / name).is_file(), name
        assert (static_root / hashed).is_file(), hashed
        if not name.endswith(".svg"):  # too small to be worth compressing
            assert (static_root / f"{hashed}.gz").is_file(), hashed
    css = (static_root / paths["css/site.css"]).read_text()
    assert paths["img/logo.svg"].removeprefix("img/") in css


def test_two_concurrent_runs_both_succeed_and_collect_once(site):
    tmp_path, env = site
    first, second = start(env), start(env)
    outputs = [finish(first), finish(second)]

    assert_complete(tmp_path / "static")
    assert sum("Static files collected" in output for output in outputs) == 1, outputs
    assert sum("are up to date" in output for output in outputs) == 1, outputs


def test_a_run_waits_while_another_holds_the_lock(site):
    tmp_path, env = site
    lock_path = tmp_path / "var" / "static.lock"
    lock_path.parent.mkdir()
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        process = start(env)
        line = process.stdout.readline()  # blocks until the run reports
        assert "waiting" in line, line
        assert not (tmp_path / "static").exists()
        fcntl.flock(lock, fcntl.LOCK_UN)
    finish(process)
    assert_complete(tmp_path / "static")


def test_changed_sources_are_collected_again_and_unchanged_ones_left_alone(site):
    tmp_path, env = site
    static_root = tmp_path / "static"
    assert "collected" in finish(start(env))
    before = manifest_paths(static_root)["css/site.css"]
    mtime = (static_root / before).stat().st_mtime_ns

    assert "up to date" in finish(start(env))
    assert (static_root / before).stat().st_mtime_ns == mtime  # not rewritten

    css = tmp_path / "src" / "css" / "site.css"
    css.write_text("body { color: black; }\n")
    os.utime(css, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert "collected" in finish(start(env))
    after = manifest_paths(static_root)["css/site.css"]
    assert after != before
    assert (static_root / after).read_text() == "body { color: black; }\n"


def test_an_incomplete_collection_is_redone(site):
    tmp_path, env = site
    static_root = tmp_path / "static"
    finish(start(env))
    hashed = manifest_paths(static_root)["js/part3.js"]
    (static_root / hashed).unlink()  # e.g. a run killed half-way, or a stray rm

    assert "collected" in finish(start(env))
    assert_complete(static_root)
