"""A fresh database gets the site tree, the editorial groups and the CME review
workflow, so that roles work without running any command."""

from django.db import migrations

from cms.roles import MENTORS, REVIEWERS, STAFF, WORKFLOW, create_page, ensure_permissions, perm

GROUP_MODEL_PERMISSIONS = {
    MENTORS: [
        ("wagtailadmin", "access_admin"),
        ("cms", "change_own_mentor"),
        ("cms", "view_institution"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "choose_document"),
    ],
    REVIEWERS: [
        ("wagtailadmin", "access_admin"),
        ("cms", "view_mentor"),
        ("cms", "view_institution"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "choose_document"),
    ],
    STAFF: [
        ("wagtailadmin", "access_admin"),
        ("cms", "change_own_institution"),
        ("cms", "view_mentor"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "choose_image"),
    ],
}
# Page permissions on /guides/ (and, once it exists, /paths/).
GROUP_PAGE_PERMISSIONS = {
    MENTORS: ["add_page"],  # add guides and edit the ones they own; never publish
    REVIEWERS: ["change_page", "publish_page", "lock_page", "unlock_page"],
}
COLLECTION_PERMISSIONS = {
    MENTORS: ["add_image", "choose_image", "add_document", "choose_document"],
    REVIEWERS: ["choose_image", "choose_document"],
    STAFF: ["add_image", "choose_image"],
}


def forwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    ensure_permissions(apps)

    # Site tree: replace Wagtail's welcome page with our home page.
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore", slug="home").delete()
    root = Page.objects.get(depth=1)
    used = Page.objects.filter(depth=2).count()
    home = create_page(
        apps,
        "HomePage",
        None,
        "home",
        "Curbside",
        used + 1,
        hero_heading="Hallway wisdom from physicians who have been there",
        hero_text="Guides and accredited learning paths written by experienced mentors, "
        "for the judgment calls textbooks leave out.",
    )
    Page.objects.filter(pk=root.pk).update(numchild=used + 1)
    guides = create_page(
        apps,
        "GuideIndexPage",
        home,
        "guides",
        "Guides",
        1,
        intro="Short, practical guides from mentors on clinical judgment, career "
        "navigation and practice management.",
    )
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True,
        site_name="Curbside",
    )

    # Groups and their permissions.
    groups = {}
    for name, perms in GROUP_MODEL_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*[perm(apps, app, codename) for app, codename in perms])
        groups[name] = group
    for name, codenames in GROUP_PAGE_PERMISSIONS.items():
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=groups[name], page_id=guides.pk, permission=perm(apps, "wagtailcore", codename)
            )
    root_collection = Collection.objects.get(depth=1)
    for name, codenames in COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            app = "wagtailimages" if codename.endswith("image") else "wagtaildocs"
            GroupCollectionPermission.objects.get_or_create(
                group=groups[name], collection=root_collection, permission=perm(apps, app, codename)
            )

    # The CME review workflow on /guides/.
    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.create(name=WORKFLOW, content_type=task_type, active=True)
    task.groups.set([groups[REVIEWERS]])
    workflow = Workflow.objects.create(name=WORKFLOW, active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page_id=guides.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
