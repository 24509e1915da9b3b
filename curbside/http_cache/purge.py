"""Purging the HTTP cache when content changes.

On publish, unpublish, move, slug change and delete of a page, the page and
every address that shows it (``cms.http_cache``: the home page, its index,
its mentors' pages, the paths that contain a guide, the guides that show a
path's step bar) are purged; on a move or a slug change the old addresses of
the page and of everything below it too. A change to a mentor or to one of
their disclosures purges their profile, the directory and the live guides
they wrote (with what shows those) and the paths they plan or review. An
institution's change purges the privacy policy, which lists every
institution's contacts, and the paths it accredits.

Changes that are not a page's publication but change what a public page
shows purge it too: a page's privacy restriction added, changed or removed
(the page and everything below it), a reviewer's relevance decision (the
disclosure block of the page it is about), a Standard 3 exception (whether
the page's path offers credit), a mentor's new slug (their old profile's
address), an image deleted from the library (its file and renditions),
and a public question to a
guide's author or its answer asked, answered, hidden, shown or deleted (the
guide's page: a moderator hides a question to take it off the site). A
publication purges what the page showed before it as well as after (a
replaced author's profile no longer lists the guide): the addresses of the
live version are worked out just before the publication writes the page.

The addresses are worked out when the change happens (a deleted page still
has its URL then) and purged once the transaction commits, in one batch per
transaction, through Wagtail's frontend-cache task
(``wagtail.contrib.frontend_cache``): in-process with the immediate task
backend, by a worker with ``TASKS_BACKEND=database``. Nothing is purged when
no backend is configured (``FRONTEND_CACHE_URL`` and friends, unset in the
embedded setup). A cache that is down or slow is logged, never an error for
the editor: the backend has a short timeout and every failure is caught.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    pre_page_move,
)

from cms.http_cache import (
    institution_addresses,
    mentor_addresses,
    mentor_paths,
    page_addresses,
    page_path,
)
from cms.models import (
    DisclosedRelationship,
    Disclosure,
    Institution,
    Mentor,
    OwnerEmployeeException,
    RelevanceDecision,
)
from mentoring.models import Answer, Question

logger = logging.getLogger("curbside.http_cache")


def purging() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def site_root_url() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else settings.PUBLIC_BASE_URL


def purge_paths(paths) -> None:
    """Purges these site paths now (every query variant: see the VCL)."""
    paths = sorted(set(paths))
    if not paths or not purging():
        return
    root = site_root_url().rstrip("/")
    try:
        PurgeBatch([root + path for path in paths]).purge()
    except Exception:  # a cache or task queue that is down must not break anything
        logger.exception("Could not purge %d addresses from the HTTP cache", len(paths))


PENDING = "curbside_purge_pending"


def purge_after_commit(paths) -> None:
    """Purges the paths when the current transaction commits (at once outside
    a transaction), with every other path this transaction asked for: one
    batch, each address once. A rolled-back transaction's paths go with the
    next batch (a purge too many is harmless; one too few is not)."""
    paths = set(paths)
    if paths and purging():
        connection = transaction.get_connection()
        connection.__dict__.setdefault(PENDING, set()).update(paths)
        transaction.on_commit(_purge_pending)


def _purge_pending() -> None:
    purge_paths(transaction.get_connection().__dict__.pop(PENDING, set()))


def _subtree_paths(page) -> set[str]:
    """The current paths of the page and of every live page below it."""
    paths = set()
    for item in page.get_descendants(inclusive=True).live().specific(defer=True):
        paths |= page_addresses(item)
    return paths


def _safely(compute):
    def receiver(*args, **kwargs):
        if not purging():
            return
        try:
            purge_after_commit(compute(*args, **kwargs))
        except Exception:
            logger.exception("Could not work out what to purge from the HTTP cache")

    return receiver


@_safely
def on_page_changed(sender=None, instance=None, **kwargs):
    return page_addresses(instance)


@_safely
def on_page_saving(sender=None, instance=None, raw=False, **kwargs):
    """Before a live page is published again or unpublished: the addresses
    its live version shows on (its authors, its paths), which the new
    version may no longer. A draft save or a move changes no live version:
    nothing (one query to tell)."""
    if raw or not isinstance(instance, Page) or instance.pk is None:
        return set()
    before = Page.objects.filter(pk=instance.pk).first()
    if before is None or not before.live:
        return set()
    if instance.live and instance.live_revision_id == before.live_revision_id:
        return set()
    return page_addresses(before.specific)


@_safely
def on_slug_changed(sender=None, instance=None, instance_before=None, **kwargs):
    # The old and new addresses of the page, and of every live page below it.
    old_prefix, new_prefix = page_path(instance_before), page_path(instance)
    paths = page_addresses(instance_before) | page_addresses(instance)
    for item in instance.get_descendants().live().specific(defer=True):
        new = page_addresses(item)
        paths |= new
        if old_prefix and new_prefix:
            paths |= {
                old_prefix + path.removeprefix(new_prefix)
                for path in new
                if path.startswith(new_prefix)
            }
    return paths


@_safely
def on_page_moved(sender=None, instance=None, **kwargs):
    # pre_page_move: the old addresses (and old parent); post_page_move: the new.
    return _subtree_paths(Page.objects.get(pk=instance.pk).specific)


@_safely
def on_page_deleted(sender=None, instance=None, **kwargs):
    if not isinstance(instance, Page) or not instance.live:
        return set()
    return page_addresses(instance.specific_deferred)


@_safely
def on_mentor_changed(sender=None, instance=None, **kwargs):
    return mentor_addresses(instance)


@_safely
def on_mentor_saving(sender=None, instance=None, raw=False, **kwargs):
    """Before a mentor's slug changes: their old profile's address, which
    answers 404 from now on (post_save purges the new one)."""
    if raw or instance.pk is None:
        return set()
    before = Mentor.objects.filter(pk=instance.pk).first()
    if before is None or before.slug == instance.slug:
        return set()
    return mentor_paths(before)


@_safely
def on_mentor_deleted(sender=None, instance=None, **kwargs):
    return mentor_paths(instance)


@_safely
def on_disclosure_changed(sender=None, instance=None, **kwargs):
    disclosure = getattr(instance, "disclosure", instance)
    mentor = getattr(disclosure, "person", None) or getattr(disclosure, "mentor", None)
    return mentor_addresses(mentor) if isinstance(mentor, Mentor) else set()


@_safely
def on_institution_changed(sender=None, instance=None, **kwargs):
    return {"/privacy/"} | institution_addresses(instance)


@_safely
def on_restriction_changed(sender=None, instance=None, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    return _subtree_paths(page.specific) if page is not None else set()


@_safely
def on_relevance_decided(sender=None, instance=None, **kwargs):
    # Also a Standard 3 exception recorded or withdrawn: it decides whether
    # a credit path takes enrolments ("Credit paused", "Offered now").
    page = Page.objects.filter(pk=instance.page_id).live().first()
    return page_addresses(page.specific) if page is not None else set()


@_safely
def on_consult_changed(sender=None, instance=None, **kwargs):
    question = instance if isinstance(instance, Question) else instance.question
    guide = Page.objects.filter(pk=question.guide_id).live().first() if question.guide_id else None
    path = page_path(guide) if guide is not None else None
    return {path} if path else set()


@_safely
def on_image_deleted(sender=None, instance=None, **kwargs):
    """An image deleted from the library: its file and its renditions, where
    this site serves them (``/media/``; a bucket's URLs are not ours to purge)."""
    urls = [instance.file.url, *(rendition.url for rendition in instance.renditions.all())]
    return {url for url in urls if url.startswith("/")}


def connect() -> None:
    """Called from ``CurbsideConfig.ready``."""
    pre_save.connect(on_page_saving, dispatch_uid="http_cache_saving")
    page_published.connect(on_page_changed, dispatch_uid="http_cache_published")
    page_unpublished.connect(on_page_changed, dispatch_uid="http_cache_unpublished")
    page_slug_changed.connect(on_slug_changed, dispatch_uid="http_cache_slug")
    pre_page_move.connect(on_page_moved, dispatch_uid="http_cache_pre_move")
    post_page_move.connect(on_page_moved, dispatch_uid="http_cache_post_move")
    pre_delete.connect(on_page_deleted, dispatch_uid="http_cache_delete")
    pre_save.connect(on_mentor_saving, sender=Mentor, dispatch_uid="http_cache_mentor_slug")
    post_save.connect(on_mentor_changed, sender=Mentor, dispatch_uid="http_cache_mentor")
    pre_delete.connect(on_mentor_deleted, sender=Mentor, dispatch_uid="http_cache_mentor_del")
    for model in (Disclosure, DisclosedRelationship):
        post_save.connect(on_disclosure_changed, sender=model, dispatch_uid=f"http_cache_{model}")
    post_save.connect(on_institution_changed, sender=Institution, dispatch_uid="http_cache_inst")
    post_delete.connect(on_institution_changed, sender=Institution, dispatch_uid="http_cache_i2")
    for signal in (post_save, post_delete):
        signal.connect(
            on_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid="http_cache_restriction",
        )
        signal.connect(
            on_relevance_decided, sender=RelevanceDecision, dispatch_uid="http_cache_relevance"
        )
        signal.connect(
            on_relevance_decided,
            sender=OwnerEmployeeException,
            dispatch_uid="http_cache_owner_exception",
        )
    pre_delete.connect(on_image_deleted, sender=get_image_model(), dispatch_uid="http_cache_image")
    post_save.connect(on_consult_changed, sender=Question, dispatch_uid="http_cache_question")
    post_save.connect(on_consult_changed, sender=Answer, dispatch_uid="http_cache_answer")
    pre_delete.connect(on_consult_changed, sender=Question, dispatch_uid="http_cache_question_del")
    pre_delete.connect(on_consult_changed, sender=Answer, dispatch_uid="http_cache_answer_del")
