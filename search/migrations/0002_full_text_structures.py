"""Full-text structures for the database in use.

SQLite: an FTS5 table (porter stemming, prefix indexes for completion) whose
rowid is IndexedDocument.id, and a trigger that deletes its entry with the row. PostgreSQL: generated tsvector columns (weighted
A title, B summary and classification, C objectives, D body; and a 'simple'
title vector for completion) with GIN indexes, plus pg_trgm on the spelling
terms for "did you mean".
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        title, summary, objectives, body, meta,
        tokenize = 'porter unicode61 remove_diacritics 2',
        prefix = '2 3 4'
    )
    """,
    # Whenever a document row goes (removal, a cascade, a test database
    # flush), its full-text entry goes with it.
    """
    CREATE TRIGGER search_fts_follow_delete AFTER DELETE ON search_indexeddocument
    BEGIN
        DELETE FROM search_fts WHERE rowid = old.id;
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_follow_delete",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    ALTER TABLE search_indexeddocument ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig,
                                 coalesce(summary, '') || ' ' || coalesce(meta, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(objectives, '')), 'C')
        || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'D')
    ) STORED
    """,
    """
    ALTER TABLE search_indexeddocument ADD COLUMN title_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(title, ''))) STORED
    """,
    "CREATE INDEX search_doc_vector ON search_indexeddocument USING GIN (search_vector)",
    "CREATE INDEX search_doc_title_vector ON search_indexeddocument USING GIN (title_vector)",
    "CREATE INDEX search_term_trgm ON search_spellingterm USING GIN (term gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_term_trgm",
    "DROP INDEX IF EXISTS search_doc_title_vector",
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_indexeddocument DROP COLUMN IF EXISTS title_vector",
    "ALTER TABLE search_indexeddocument DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
