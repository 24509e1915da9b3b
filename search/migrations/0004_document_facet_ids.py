"""PostgreSQL: each document's facet value ids on its own row
(``facet_ids integer[]``), so facet counts and filters read the rows a
search has already found instead of probing search_facetentry once per
match and facet (postgres_results.py).

Like the full-text columns of migration 0002 it is not a model field: the
index writer (search/engines/embedded/rows.py) writes it with the document.
This migration fills it from the facet entries of the documents already
indexed. It is kept in the row (STORAGE PLAIN): the rows are over 2 kB (the
search vector is kept in them, migration 0003), so PostgreSQL would
otherwise move even a 50-byte array out of line, and reading it back cost
three TOAST look-ups per match (at 100,000 guides, counting the facets of
the 27,716 matches of "rural practice" took 330 ms instead of about 20).

Nothing on SQLite: there, counting through the facet entries' covering
index costs half what reading a list from each document row does (the row's
long texts come first, so SQLite follows its overflow pages to reach a last
column; measured at 100,000 guides: 48 against 99 ms of CPU for "rural
practice").
"""

from django.db import migrations


def _forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run("ALTER TABLE search_indexeddocument ADD COLUMN facet_ids integer[] NOT NULL DEFAULT '{}'")
    run("ALTER TABLE search_indexeddocument ALTER COLUMN facet_ids SET STORAGE PLAIN")
    run(
        "UPDATE search_indexeddocument AS d SET facet_ids = ARRAY(SELECT facet_value_id "
        "FROM search_facetentry WHERE document_id = d.id ORDER BY 1)"
    )


def _backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_indexeddocument DROP COLUMN facet_ids")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_search_vector_inline")]

    operations = [migrations.RunPython(_forward, _backward)]
