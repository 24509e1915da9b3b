from django.db import migrations

from cms import roles


def forwards(apps, schema_editor):
    roles.ensure_permissions(apps)
    staff = apps.get_model("auth", "Group").objects.get(name=roles.STAFF)
    staff.permissions.add(
        roles.perm(apps, "learning", "view_certificate"),
        roles.perm(apps, "learning", "view_certificateevent"),
    )


class Migration(migrations.Migration):
    dependencies = [("learning", "0003_certificates")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
