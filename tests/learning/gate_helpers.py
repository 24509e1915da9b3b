"""What the publish gate's tests share: the admin's addresses for a path, the
words a response or its messages show, a path that has never been published,
and the routes (scheduling, bulk publishing, copying) as the admin drives them."""

import html as markup

from django.urls import reverse
from django.utils import timezone

from learning.models import PathIndexPage
from tests.factories import LearningPathPageFactory


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def messages_text(response):
    """The messages a page shows, as the reader sees their words."""
    return markup.unescape(" ".join(str(m) for m in response.context["messages"]))


def html(response):
    return response.content.decode()


def unpublished_step(path):
    """Unpublish the path's first step guide; the rule's words for it."""
    guide = path.steps.order_by("sort_order").first().guide
    guide.unpublish()
    return f"Step 1, '{guide.title}', is not published"


def draft_path(**kwargs):
    """A compliant path that has never been published (one saved revision)."""
    path = LearningPathPageFactory(live=False, **kwargs)
    path.save_revision()
    return path


def schedule(page, revision):
    """``revision`` was due to go live five minutes ago."""
    revision.approved_go_live_at = timezone.now() - timezone.timedelta(minutes=5)
    revision.save(update_fields=["approved_go_live_at"])


def bulk_publish(client, pages):
    """Publish ``pages`` from the page listing's bulk action."""
    index = PathIndexPage.objects.get()
    url = (
        reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
        + "?"
        + "&".join(f"id={p.pk}" for p in pages)
    )
    return client.post(url + f"&next=/admin/pages/{index.pk}/", {"include_descendants": ""})


def copy_url(page):
    return reverse("wagtailadmin_pages:copy", args=(page.pk,))


def copy(client, path, slug, **fields):
    """Copy ``path`` beside itself as ``slug`` (``publish_copies="on"``, ``alias="on"``)."""
    data = {
        "new_title": f"{path.title} (copy)",
        "new_slug": slug,
        "new_parent_page": path.get_parent().pk,
        **fields,
    }
    return client.post(copy_url(path), data)
