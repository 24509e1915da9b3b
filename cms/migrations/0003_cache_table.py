"""The database cache's table (CACHE_URL=db://, the production default), so
`migrate` alone makes a production server ready: rate limits and spent
two-factor codes are shared by every app process from the first request."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

# The default name of the database cache's table (DEFAULT_CACHE_TABLE in
# curbside/settings/env.py), written out: a migration must not import the
# project's settings package.
DEFAULT_CACHE_TABLE = "curbside_cache"


def create(apps, schema_editor):
    # Idempotent: skipped when `createcachetable` already made it.
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, DEFAULT_CACHE_TABLE, False)


def drop(apps, schema_editor):
    if DEFAULT_CACHE_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(
            f"DROP TABLE {schema_editor.connection.ops.quote_name(DEFAULT_CACHE_TABLE)}"
        )


class Migration(migrations.Migration):
    dependencies = [("cms", "0002_site_structure_roles_and_review_workflow")]

    operations = [migrations.RunPython(create, drop)]
