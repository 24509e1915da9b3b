"""PostgreSQL: an index of titles by how they begin, lower-cased, in byte
order, for completing a prefix of up to three letters typed on its own.

Such a prefix matches a large share of all titles (two letters: about
23,000 of 100,000 guides); ranking them all read every matching row, 110-126
ms at the 95th percentile. With this index, titles that begin with the
prefix are read in order, a few rows (search/engines/postgres.py,
SHORT_PREFIX). ``COLLATE "C"`` lets ``LIKE 'pre%'`` use the index whatever
the database's collation. Nothing to do on SQLite.
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
