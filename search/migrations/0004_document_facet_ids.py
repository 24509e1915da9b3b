"""Each document's facet value ids on its own row, so facet counts and
filters read the rows a search has already found instead of probing
search_facetentry once per match and facet.

PostgreSQL: ``facet_ids integer[]``. SQLite: ``facet_ids text``, a JSON list
read with json_each. Like the full-text columns of migration 0002 the column
is not a model field: the index writer (search/engines/embedded/rows.py)
writes it with the document. This migration fills it from the facet
entries of the documents already indexed (one UPDATE; `search_index rebuild`
writes it too).
"""

from django.db import migrations


def _forward(apps, schema_editor):
    entries = "SELECT facet_value_id FROM search_facetentry WHERE document_id = d.id ORDER BY 1"
    if schema_editor.connection.vendor == "postgresql":
        column = "integer[] NOT NULL DEFAULT '{}'"
        value = f"ARRAY({entries})"
    else:
        column = "text NOT NULL DEFAULT '[]'"
        value = f"(SELECT json_group_array(facet_value_id) FROM ({entries}))"
    schema_editor.execute(f"ALTER TABLE search_indexeddocument ADD COLUMN facet_ids {column}")
    schema_editor.execute(f"UPDATE search_indexeddocument AS d SET facet_ids = {value}")


def _backward(apps, schema_editor):
    schema_editor.execute("ALTER TABLE search_indexeddocument DROP COLUMN facet_ids")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_search_vector_inline")]

    operations = [migrations.RunPython(_forward, _backward)]
