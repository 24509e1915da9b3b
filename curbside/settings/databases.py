"""The databases: DATABASE_URL (SQLite in the project folder by default) and,
for a site on SQLite, SEARCH_DATABASE_URL for the search index's own file."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

import dj_database_url

from .env import env_int, env_str


def database_config(base_dir: Path) -> dict[str, dict]:
    """DATABASES for the environment; SQLite in ``base_dir`` by default."""
    databases = {
        "default": dj_database_url.config(
            default=f"sqlite:///{base_dir / 'db.sqlite3'}",
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
    # The search index in a database of its own (search/database.py): unset, it
    # shares the site's database. Meant for SQLite, whose one write lock per file
    # would otherwise make learners' writes wait while a rebuild writes the index.
    if env_str("SEARCH_DATABASE_URL"):
        databases["search"] = dj_database_url.config(
            "SEARCH_DATABASE_URL",
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
        engines = {databases[alias]["ENGINE"] for alias in ("default", "search")}
        if engines != {"django.db.backends.sqlite3"}:
            # PostgreSQL locks rows, not the database: a rebuild never makes a
            # learner's write wait there, and only SQLite is tested split.
            raise ImproperlyConfigured(
                "SEARCH_DATABASE_URL is for a site on SQLite, with the index in a SQLite file "
                "of its own; on PostgreSQL the index stays in DATABASE_URL: unset "
                "SEARCH_DATABASE_URL."
            )
        names = {Path(databases[alias]["NAME"]).resolve() for alias in ("default", "search")}
        if len(names) == 1:
            raise ImproperlyConfigured(
                "SEARCH_DATABASE_URL names the site's own SQLite file; give the index "
                "a file of its own (for example search.sqlite3 beside it), or unset it."
            )
    for database in databases.values():
        if database["ENGINE"] == "django.db.backends.sqlite3":
            # Connections persist (DATABASE_CONN_MAX_AGE) with sync workers.
            # WAL lets readers carry on while one writer commits; IMMEDIATE takes
            # the write lock at the start of a transaction so concurrent writers
            # queue instead of failing with "database is locked" half-way through.
            # Django's backend, but a transaction waits for the write lock in 2 ms
            # steps instead of SQLite's backing-off ones (curbside/db_backends).
            database["ENGINE"] = "curbside.db_backends.sqlite3"
            database["OPTIONS"] = {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            }
    return databases
