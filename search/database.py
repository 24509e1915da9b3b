"""Which database holds the embedded engine's index, and the router that
sends the index's tables there.

By default the index lives in the site's own database ("default"). With
SEARCH_DATABASE_URL set, the settings add a second database, "search", and
``IndexRouter`` sends the index's tables to it (documents, facet values and
entries, the index state, the spelling terms). The queue of index updates
(PendingIndexUpdate) stays in the site's database: it is written in the same
transaction as the page change it records (the outbox), and the indexing
task deletes a row only once the index has the update, so a crash between
the two databases' commits re-indexes a page, it never loses one.

Why a second database: SQLite has one write lock for a whole database file.
A rebuild writes the index in short transactions, but while one of them
holds the lock every learner's write waits, and a commit that the host
pauses (a busy machine) makes them wait longer. With the index in its own
file the rebuild never holds the site's lock (docs/search.md, "The index in
a SQLite file of its own"). PostgreSQL has no such lock and needs no second
database.

Code that reads or writes the index uses ``index_db`` (a connection like
``django.db.connection``) and ``atomic_index()``; the ORM finds the index's
models' database through the router.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.transaction import Atomic
from django.utils.connection import ConnectionProxy

SEARCH_DB_ALIAS = "search"
# The index's tables, by model name; every other model of the app (the
# update queue) stays in the site's database.
INDEX_MODELS = frozenset(
    {"indexeddocument", "facetvalue", "facetentry", "indexstate", "spellingterm"}
)


def index_alias() -> str:
    """The alias of the database that holds the index."""
    return SEARCH_DB_ALIAS if SEARCH_DB_ALIAS in settings.DATABASES else DEFAULT_DB_ALIAS


def separate_index() -> bool:
    """Is the index in a database of its own?"""
    return index_alias() != DEFAULT_DB_ALIAS


def index_database_errors() -> tuple[type[Exception], ...]:
    """What reading or writing the index raises when its own database is
    away (its file gone, its tables missing): callers catch it to say so and
    keep the update queued. Nothing when the index shares the site's
    database: an error there is the site's too, and its transaction must
    not carry on as if nothing happened."""
    return (DatabaseError,) if separate_index() else ()


def migrate_command() -> str:
    """The command that creates the index's tables."""
    return "manage.py migrate --database search" if separate_index() else "manage.py migrate"


class _IndexConnection(ConnectionProxy):
    """``django.db.connection`` for the index's database: each attribute
    is the current thread's connection to it."""

    def __init__(self) -> None:
        super().__init__(connections, DEFAULT_DB_ALIAS)

    @property
    def _alias(self) -> str:
        return index_alias()


# Typed as Django's own ``connection`` is.
index_db = cast(BaseDatabaseWrapper, _IndexConnection())


def atomic_index(savepoint: bool = True) -> Atomic:
    """``transaction.atomic`` on the index's database."""
    return transaction.atomic(using=index_alias(), savepoint=savepoint)


def _is_index_model(app_label: str, model_name: str | None) -> bool:
    return app_label == "search" and model_name in INDEX_MODELS


class IndexRouter:
    """Sends the index's tables to the "search" database when there is one;
    says nothing otherwise (every model in "default", as Django does)."""

    def _route(self, model: type) -> str | None:
        if not separate_index():
            return None
        meta = model._meta  # type: ignore[attr-defined]
        if _is_index_model(meta.app_label, meta.model_name):
            return SEARCH_DB_ALIAS
        return DEFAULT_DB_ALIAS if meta.app_label == "search" else None

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return self._route(model)

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return self._route(model)

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        if not separate_index():
            return None
        first = _is_index_model(obj1._meta.app_label, obj1._meta.model_name)
        second = _is_index_model(obj2._meta.app_label, obj2._meta.model_name)
        return first == second

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        if not separate_index():
            return None
        if db == SEARCH_DB_ALIAS:
            # Only the index's tables, and the search app's own SQL (every
            # RunPython of its migrations is about the index's tables).
            return app_label == "search" and (model_name is None or model_name in INDEX_MODELS)
        if app_label == "search":
            return model_name is not None and model_name not in INDEX_MODELS
        return None
