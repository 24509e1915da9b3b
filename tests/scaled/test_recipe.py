"""The scaled setup's recipe cannot drift: docs/scaled-setup.md shows
docs/scaled-recipe.sh exactly, `make scaled-demo` runs that file, CI runs
`make scaled-demo`, and every make target and manage.py command the recipe
names exists. (Running it is `make scaled-demo`'s job, in CI's PostgreSQL pass.)"""

import re
import subprocess
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
RECIPE = (ROOT / "docs" / "scaled-recipe.sh").read_text()
DOC = (ROOT / "docs" / "scaled-setup.md").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()


def doc_code_blocks():
    return re.findall(r"^```sh\n(.*?)^```$", DOC, flags=re.DOTALL | re.MULTILINE)


def test_the_doc_shows_the_recipe_exactly():
    assert RECIPE in doc_code_blocks(), (
        "docs/scaled-setup.md must show docs/scaled-recipe.sh unchanged in a ```sh block"
    )


def test_make_scaled_demo_runs_the_recipe_and_ci_runs_it():
    target = re.search(r"^scaled-demo:.*## .+\n\t(.+)$", MAKEFILE, flags=re.MULTILINE)
    assert target, "the Makefile has no scaled-demo target with help text"
    assert target.group(1).strip() == "bash docs/scaled-demo.sh"
    demo = (ROOT / "docs" / "scaled-demo.sh").read_text()
    assert "RECIPE=docs/scaled-recipe.sh" in demo
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^\s*make scaled-demo\b", ci, flags=re.MULTILINE)


def test_the_recipe_is_valid_bash_in_named_steps():
    subprocess.run(["bash", "-n", str(ROOT / "docs" / "scaled-recipe.sh")], check=True)  # noqa: S603, S607
    steps = re.findall(r"^# == (.+)$", RECIPE, flags=re.MULTILINE)
    assert len(steps) >= 8
    assert RECIPE.startswith("# == "), "the first line must name the first step"


def test_every_make_target_and_command_the_recipe_names_exists():
    targets = set(re.findall(r"^([a-zA-Z_-]+):", MAKEFILE, flags=re.MULTILINE))
    used_targets = set(re.findall(r"\bmake ([a-z-]+)", RECIPE))
    assert used_targets >= {"install", "migrate", "worker", "serve"}
    assert used_targets <= targets
    commands = set(re.findall(r"manage\.py ([a-z_]+)", RECIPE))
    assert commands == {"seed_demo", "search_index"}
    assert commands <= set(get_commands())


def test_the_shared_environment_is_complete():
    """What the production settings need, and what the issue found missing."""
    exported = set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", RECIPE))
    assert exported >= {
        "DJANGO_SETTINGS_MODULE",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "PUBLIC_BASE_URL",
        "DATABASE_URL",
        "CACHE_URL",
        "ELASTICSEARCH_URL",
        "TASKS_BACKEND",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
    }
    assert "postgres://postgres@" not in RECIPE  # no passwordless superuser
    assert "-A trust" not in RECIPE
