"""Signal handlers: every change that alters what search should show queues
an index update (search.indexing.request_update) inside the change's own
transaction. Nothing here talks to an engine."""

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from wagtail.models import Page, PageViewRestriction
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from cms.models import Mentor

from .documents import affected_page_ids, mentor_page_ids
from .indexing import request_update


@receiver(page_published)
@receiver(page_unpublished)
def page_changed(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    # The page itself and the learning paths it is a step of (a path lists
    # its guides' mentors and topics). Unpublishing a section unpublishes
    # each descendant, and each sends this signal.
    request_update(affected_page_ids(instance, descendants=False))


@receiver(post_page_move)
@receiver(page_slug_changed)
def page_moved(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    # Moving a page or changing its slug changes the URLs of the whole
    # section; moving can also change its privacy.
    request_update(affected_page_ids(instance))


@receiver(pre_delete)
def page_deleted(sender: type, instance: object, **kwargs: Any) -> None:
    if isinstance(instance, Page):
        request_update({instance.pk}, filter_types=False)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def view_restriction_changed(
    sender: type[PageViewRestriction], instance: PageViewRestriction, **kwargs: Any
) -> None:
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        request_update(affected_page_ids(page))


@receiver(post_save, sender=Mentor)
def mentor_saved(sender: type[Mentor], instance: Mentor, created: bool, **kwargs: Any) -> None:
    if not created:
        request_update(mentor_page_ids(instance))
