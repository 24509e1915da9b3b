"""SQLite: searches read a view, ``search_fts``, over one of two FTS5 tables
(``search_fts_a``, ``search_fts_b``); a rebuild writes the other and then
points the view at it.

The rebuild used to swap its new table in by renaming both tables, one
transaction that held SQLite's write lock 55-144 ms at 100,000 guides: SQLite
parses the whole schema (about 470 entries) for each table it renames, and
renaming an FTS5 table renames its five shadow tables too. Redefining a
view and two triggers takes about a millisecond (docs/benchmarks.md,
"eleventh pass"). The search queries are unchanged: the view's last column
is named like the view and stands for the table's hidden column, so
``search_fts MATCH``, ``bm25(search_fts)``, ``highlight()`` and ``snippet()``
read the table through it.

The table is renamed once, here; what an unfinished rebuild left
(``search_fts_next``, ``search_fts_old``) is dropped, as the next rebuild
would have emptied it. Nothing to do on PostgreSQL.
"""

import re

from django.db import migrations

COLUMNS = "title, summary, objectives, body, meta"


def _view(table):
    return (
        f"CREATE VIEW search_fts (rowid, {COLUMNS}, search_fts) AS "
        f"SELECT rowid, {COLUMNS}, {table} FROM {table}"
    )


def _trigger(table):
    return (
        "CREATE TRIGGER search_fts_follow_delete AFTER DELETE ON search_indexeddocument "
        f"BEGIN DELETE FROM {table} WHERE rowid = old.id; END"
    )


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in (
        "DROP TRIGGER IF EXISTS search_fts_next_follow_delete",
        "DROP TABLE IF EXISTS search_fts_next",
        "DROP TABLE IF EXISTS search_fts_old",
        "DROP TRIGGER IF EXISTS search_fts_follow_delete",
        "ALTER TABLE search_fts RENAME TO search_fts_a",
        _view("search_fts_a"),
        _trigger("search_fts_a"),
    ):
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'search_fts'")
        row = cursor.fetchone()
    live = re.search(r"\bFROM\s+(search_fts_[ab])\b", row[0]).group(1) if row else "search_fts_a"
    other = "search_fts_b" if live == "search_fts_a" else "search_fts_a"
    for statement in (
        "DROP TRIGGER IF EXISTS search_fts_next_follow_delete",
        "DROP TRIGGER IF EXISTS search_fts_follow_delete",
        "DROP VIEW IF EXISTS search_fts",
        f"DROP TABLE IF EXISTS {other}",
        f"ALTER TABLE {live} RENAME TO search_fts",
        _trigger("search_fts"),
    ):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0007_fts_two_letter_prefixes")]

    operations = [migrations.RunPython(forward, backward)]
