"""/paths/ in a fresh database: the catalogue page, who may do what with paths
and learner records, and the same CME review workflow as guides."""

from django.db import migrations

from cms import roles

PAGE_PERMISSIONS = {
    roles.MENTORS: ["add_page"],
    roles.STAFF: ["add_page"],
    roles.REVIEWERS: ["change_page", "publish_page", "lock_page", "unlock_page"],
}
STAFF_VIEW = ["view_enrolment", "view_stepcompletion", "view_testattempt", "view_creditclaim"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    HomePage = apps.get_model("cms", "HomePage")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    roles.ensure_permissions(apps)
    home = Page.objects.get(pk=HomePage.objects.get().pk)
    paths = roles.create_page(
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
                permission=roles.perm(apps, "wagtailcore", codename),
            )
    staff = Group.objects.get(name=roles.STAFF)
    staff.permissions.add(*[roles.perm(apps, "learning", c) for c in STAFF_VIEW])
    WorkflowPage.objects.create(
        workflow=Workflow.objects.get(name=roles.WORKFLOW), page_id=paths.pk
    )


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0001_initial"),
        ("cms", "0002_site_structure_roles_and_review_workflow"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
