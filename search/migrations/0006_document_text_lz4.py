"""PostgreSQL: compress the document table's long texts with LZ4 instead of
pglz, where the server was built with LZ4 (PostgreSQL 14 or later; the
Debian and PGDG packages are).

A guide's body, objectives and the other texts are compressed when they
are written: in a full rebuild at 100,000 guides pglz took about 6% of the
server's CPU. LZ4 compresses several times faster and reads back faster
too (the ten rows of a results page). The search vector is not changed:
it hardly compresses and stays in the row uncompressed (migration 0003).

Values already stored keep their compression until their row is next
written, when its document changes (a rebuild leaves unchanged rows as
they are). Nothing to do on SQLite, or on a server without LZ4 (the
setting's allowed values say so), where pglz stays.
"""

from django.db import migrations

COLUMNS = (
    "title",
    "url",
    "summary",
    "objectives",
    "body",
    "meta",
    "mentor_names",
    "topic_labels",
)


def _compression(method):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT %s = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'",
                [method],
            )
            row = cursor.fetchone()
        if not (row and row[0]):
            return
        changes = ", ".join(f"ALTER COLUMN {c} SET COMPRESSION {method}" for c in COLUMNS)
        schema_editor.execute(f"ALTER TABLE search_indexeddocument {changes}")

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0005_facet_matrix_stamps")]

    operations = [migrations.RunPython(_compression("lz4"), _compression("pglz"))]
