"""PostgreSQL: the full-text index in two shards, by document id.

One GIN index over every document becomes two partial ones, the documents
with an even id and those with an odd id (``search/engines/postgres_shards.py``).
A search then ranks each shard's matches on its own connection, side by side
on two cores: each match's row (one table page, the floor of a search at
100,000 guides) is read once, by one of the two, and a search takes a little
more than half as long (docs/benchmarks.md, "twenty-eighth pass"). Every
other statement that matches the vector names both shards, and PostgreSQL
reads the two indexes as one (a BitmapOr), as it read the single index.

The two indexes together hold what the one index held: writes and a rebuild
update one index a document, as before. Building them locks the table against
writes for the build (about 5 s at 100,000 guides); the old index is dropped
after. Nothing to do on SQLite.
"""

from django.db import migrations

SHARDS = 2  # search.engines.postgres_shards.SHARDS when this was written

FORWARD = [
    *(
        f"CREATE INDEX IF NOT EXISTS search_doc_vector_s{k} ON search_indexeddocument "
        f"USING GIN (search_vector) WHERE mod(id, {SHARDS}) = {k}"
        for k in range(SHARDS)
    ),
    "DROP INDEX IF EXISTS search_doc_vector",
    # Without statistics on the shard expression PostgreSQL takes each
    # shard for 0.5% of the documents (its default for an equality), and
    # a completion ranked the newest of 17,896 matches from both indexes
    # (116 ms) instead of walking the newest-first index (7 ms).
    f"CREATE STATISTICS IF NOT EXISTS search_doc_shard ON (mod(id, {SHARDS})) "
    "FROM search_indexeddocument",
    "ANALYZE search_indexeddocument",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS search_doc_vector ON search_indexeddocument "
    "USING GIN (search_vector)",
    *(f"DROP INDEX IF EXISTS search_doc_vector_s{k}" for k in range(SHARDS)),
    "DROP STATISTICS IF EXISTS search_doc_shard",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0009_title_start_index")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
