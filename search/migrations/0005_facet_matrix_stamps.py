"""A stamp on each indexed document and one index-state row, so each
process can keep the facet entries in memory and count facets there
(search/engines/embedded/facet_matrix.py) instead of reading every match's
entries from the database on every search.

The column is added with ALTER TABLE ... ADD COLUMN on both databases:
Django's own AddField would rebuild the table on SQLite, which drops the
trigger that deletes a document's full-text entry with it (migration 0002).

Existing documents keep stamp 0 and the state row starts at token 0: a
process reads every document's entries the first time it counts facets.
"""

from django.db import migrations, models


def _add_stamp(apps, schema_editor):
    schema_editor.execute(
        "ALTER TABLE search_indexeddocument ADD COLUMN stamp bigint NOT NULL DEFAULT 0"
    )


def _drop_stamp(apps, schema_editor):
    schema_editor.execute("ALTER TABLE search_indexeddocument DROP COLUMN stamp")


def _state_row(apps, schema_editor):
    apps.get_model("search", "IndexState").objects.update_or_create(pk=1, defaults={"token": 0})


class Migration(migrations.Migration):
    dependencies = [("search", "0004_document_facet_ids")]

    operations = [
        migrations.CreateModel(
            name="IndexState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="indexeddocument",
                    name="stamp",
                    field=models.BigIntegerField(default=0),
                ),
            ],
            database_operations=[migrations.RunPython(_add_stamp, _drop_stamp)],
        ),
        migrations.AddIndex(
            model_name="indexeddocument",
            index=models.Index(fields=["stamp", "id"], name="search_doc_stamp"),
        ),
        migrations.RunPython(_state_row, migrations.RunPython.noop),
    ]
