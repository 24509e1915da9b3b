"""The editorial roles (groups), the CME review workflow's name, and the
helpers the data migrations use to set them up. Plain functions that take the
migration's ``apps`` registry: the cms and learning migrations import them
normally."""

from __future__ import annotations

import uuid
from typing import Any

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

MENTORS = "Mentors"
REVIEWERS = "CME reviewers"
STAFF = "Institution staff"
WORKFLOW = "CME review"


def ensure_permissions(apps: Apps) -> None:
    """Create the permission rows of every app now, not after the migrations
    (Django's post_migrate), so a migration can give them to groups."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def perm(apps: Apps, app_label: str, codename: str) -> Any:
    """The Permission row ``app_label.codename``."""
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def create_page(
    apps: Apps,
    model_name: str,
    parent: Any,
    slug: str,
    title: str,
    child_index: int,
    app_label: str = "cms",
    **fields: Any,
) -> Any:
    """A live page of ``app_label.model_name`` under ``parent`` (the root's
    child when ``parent`` is None), built by hand: historical models have no
    treebeard methods."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    Model = apps.get_model(app_label, model_name)
    content_type, _ = ContentType.objects.get_or_create(
        app_label=app_label, model=model_name.lower()
    )
    path = parent.path + f"{child_index:04d}" if parent else f"0001{child_index:04d}"
    page = Model.objects.create(
        title=title,
        draft_title=title,
        slug=slug,
        content_type=content_type,
        path=path,
        depth=(parent.depth + 1) if parent else 2,
        numchild=0,
        url_path=(parent.url_path if parent else "/") + slug + "/",
        locale=Locale.objects.order_by("pk").first(),
        translation_key=uuid.uuid4(),
        live=True,
        **fields,
    )
    if parent:
        Page = apps.get_model("wagtailcore", "Page")
        Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
        parent.numchild += 1
    return page
