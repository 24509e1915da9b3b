"""SQLite: the FTS5 table keeps a prefix index for two-letter prefixes
only (it kept two, three and four).

Completion asks FTS5 for the words that begin with what was typed
(`"pa" *`). A prefix index answers that for its lengths straight away;
for a longer prefix FTS5 reads the index's terms that begin with it,
which is quick once there are three letters. Each prefix index is one
more entry for every word of every document, written with the document
and merged again and again: with two, three and four, writing the
full-text entries took about 60% more CPU than with two only (20,000 of
the benchmark's guides, docs/benchmarks.md), and completion at 100,000
guides answered as fast with two only (median 7.0 ms against 7.6).

The table is made again and filled from the document rows, as it would
be by `search_index rebuild`. Nothing to do on PostgreSQL.
"""

from django.db import migrations

TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"


def _fts_table(prefixes):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        # Migration 0002's trigger on the document table (a row's entry goes
        # with the row) names the table, not its shape, and stays as it is.
        for statement in (
            "DROP TABLE IF EXISTS search_fts",
            f"""
            CREATE VIRTUAL TABLE search_fts USING fts5(
                title, summary, objectives, body, meta,
                {TOKENIZE},
                prefix = '{prefixes}'
            )
            """,
            "INSERT INTO search_fts (rowid, title, summary, objectives, body, meta) "
            "SELECT id, title, summary, objectives, body, meta FROM search_indexeddocument",
            "INSERT INTO search_fts (search_fts) VALUES ('optimize')",
        ):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0006_document_text_lz4")]

    operations = [migrations.RunPython(_fts_table("2"), _fts_table("2 3 4"))]
