"""PostgreSQL: an index of titles by how they begin, lower-cased, in byte
order, for completion.

A prefix matches a large share of all titles (two letters: about 23,000 of
100,000 guides); ranking them all read every matching row, 178-207 ms at the
95th percentile. With this index, the titles that begin with what was typed
are read in order, a few rows (search/engines/postgres.py,
_suggest_queries). ``COLLATE "C"`` lets ``LIKE 'shared dec%'`` use the index
whatever the database's collation. Nothing to do on SQLite.
"""

from django.db import migrations

FORWARD = (
    "CREATE INDEX IF NOT EXISTS search_doc_title_start ON search_indexeddocument "
    '((lower(title) COLLATE "C"), id)'
)
BACKWARD = "DROP INDEX IF EXISTS search_doc_title_start"


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0008_fts_view_over_two_tables")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
