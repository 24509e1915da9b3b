"""PostgreSQL: keep each document's search_vector in the table row (storage
MAIN) rather than out of line in the TOAST table.

A tsvector of a 500-word guide is about 2.6 kB and hardly compresses, so
with the default storage (EXTENDED) PostgreSQL moved it out of line. Ranking
(ts_rank) reads the vector of every document that matches, and each read was
then two or three TOAST index look-ups: ranking the 2,763 documents matching
"rural practice" at 10,000 guides took 12 ms of CPU, and 6 ms with the vector
in the row. The rows grow to about 3 kB; the body and the other long texts
still go out of line as before.

Existing rows move when they are next written (a rebuild writes only the
rows whose document changed), or at once with `VACUUM FULL
search_indexeddocument`. Nothing to do on SQLite.
"""

from django.db import migrations


def _run(storage):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                "ALTER TABLE search_indexeddocument "
                f"ALTER COLUMN search_vector SET STORAGE {storage}"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text_structures")]

    operations = [migrations.RunPython(_run("MAIN"), _run("EXTENDED"))]
