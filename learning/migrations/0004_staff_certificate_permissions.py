from importlib import import_module

from django.db import migrations

site_setup = import_module("cms.migrations.0002_site_structure_roles_and_review_workflow")


def forwards(apps, schema_editor):
    site_setup._ensure_permissions(apps)
    staff = apps.get_model("auth", "Group").objects.get(name=site_setup.STAFF)
    staff.permissions.add(
        site_setup._perm(apps, "learning", "view_certificate"),
        site_setup._perm(apps, "learning", "view_certificateevent"),
    )


class Migration(migrations.Migration):
    dependencies = [("learning", "0003_certificates")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
