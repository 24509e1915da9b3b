"""/paths/ in a fresh database: the catalogue page, who may do what with paths
and learner records, and the same CME review workflow as guides."""

from importlib import import_module

from django.db import migrations

site_setup = import_module("cms.migrations.0002_site_structure_roles_and_review_workflow")

PAGE_PERMISSIONS = {
    site_setup.MENTORS: ["add_page"],
    site_setup.STAFF: ["add_page"],
    site_setup.REVIEWERS: ["change_page", "publish_page", "lock_page", "unlock_page"],
}
STAFF_VIEW = ["view_enrolment", "view_stepcompletion", "view_testattempt", "view_creditclaim"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    HomePage = apps.get_model("cms", "HomePage")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    site_setup._ensure_permissions(apps)
    home = Page.objects.get(pk=HomePage.objects.get().pk)
    paths = site_setup._create_page(
        apps,
        "PathIndexPage",
        home,
        "paths",
        "Learning paths",
        home.numchild + 1,
        intro="Accredited learning paths: read the guides in order, pass the post-test, "
        "and claim AMA PRA Category 1 Credit™.",
        app_label="learning",
    )
    for name, codenames in PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page_id=paths.pk,
                permission=site_setup._perm(apps, "wagtailcore", codename),
            )
    staff = Group.objects.get(name=site_setup.STAFF)
    staff.permissions.add(*[site_setup._perm(apps, "learning", c) for c in STAFF_VIEW])
    WorkflowPage.objects.create(
        workflow=Workflow.objects.get(name=site_setup.WORKFLOW), page_id=paths.pk
    )


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0001_initial"),
        ("cms", "0002_site_structure_roles_and_review_workflow"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
