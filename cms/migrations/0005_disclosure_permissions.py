"""The two CME permissions: "CME staff" (CME reviewers and institution staff)
enter and renew anyone's disclosure and read every history; CME reviewers
record relevance, mitigation and Standard 3 exceptions."""

from django.db import migrations

from cms.roles import REVIEWERS, STAFF, ensure_permissions, perm

GROUP_PERMISSIONS = {
    REVIEWERS: ["manage_disclosures", "record_mitigation"],
    STAFF: ["manage_disclosures"],
}


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*[perm(apps, "cms", codename) for codename in codenames])


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*[perm(apps, "cms", codename) for codename in codenames])


class Migration(migrations.Migration):
    dependencies = [("cms", "0004_disclosure_records")]

    operations = [
        migrations.AlterModelOptions(
            name="disclosure",
            options={
                "ordering": ["-given_on", "-recorded_at", "-pk"],
                "permissions": [
                    (
                        "manage_disclosures",
                        "Can enter disclosures for anyone and see every history",
                    ),
                    (
                        "record_mitigation",
                        "Can record relevance, mitigation and Standard 3 exceptions",
                    ),
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
