"""Which public addresses show a page or a person: what a shared HTTP cache
(Varnish, a CDN) must drop when they change.

The project package (``curbside.http_cache``) purges these addresses after a
page is published, unpublished, moved or deleted, and after a mentor or their
disclosure changes. ``cms`` knows only its own pages; other apps add what they
show through the ``http_cache_dependents`` Wagtail hook: a function taking a
page (its specific instance) and returning addresses (paths such as
``/guides/``, or pages, whose URL is taken) that show it. ``learning``
registers the paths that contain a guide, and the guides that show a path's
step bar. Two more hooks do the same for what cms holds but other apps show:
``http_cache_mentor_dependents`` (a mentor: ``learning`` adds the paths they
plan or review, whose disclosure block names them) and
``http_cache_institution_dependents`` (an institution: ``learning`` adds the
paths it accredits); pages they return count with every address that shows
them.

An address here is a path on the default site; the purge drops every query
variant of it (``/guides/?page=2&topic=career`` with ``/guides/``).
"""

from collections.abc import Iterable

from django.urls import NoReverseMatch, reverse

from wagtail import hooks
from wagtail.models import Page

from .models import GuidePage, HomePage, Mentor

HOOK = "http_cache_dependents"
MENTOR_HOOK = "http_cache_mentor_dependents"
INSTITUTION_HOOK = "http_cache_institution_dependents"


def page_path(page) -> str | None:
    """The page's path on its site (None when it has no routable URL)."""
    parts = page.get_url_parts()
    return parts[2] if parts else None


def _paths(items: Iterable) -> set[str]:
    found = set()
    for item in items or ():
        path = page_path(item) if isinstance(item, Page) else item
        if path:
            found.add(path)
    return found


def mentor_paths(mentor: Mentor) -> set[str]:
    """A mentor's profile and the directory that lists them."""
    try:
        return {reverse("mentor_directory"), mentor.get_absolute_url()}
    except NoReverseMatch:  # pragma: no cover - both are in the project's URLconf
        return set()


def page_addresses(page) -> set[str]:
    """The page's own path and every path that shows it (without the page's
    descendants: a move or a slug change adds those itself)."""
    page = page.specific_deferred if type(page) is Page else page
    found = _paths([page])
    for provide in hooks.get_hooks(HOOK):
        found |= _paths(provide(page))
    return found


def _hooked(name: str, thing) -> set[str]:
    """What the ``name`` hook's functions say shows ``thing``: their paths,
    and their pages with every address that shows those."""
    found: set[str] = set()
    for provide in hooks.get_hooks(name):
        for item in provide(thing) or ():
            found |= page_addresses(item) if isinstance(item, Page) else _paths([item])
    return found


def mentor_addresses(mentor: Mentor) -> set[str]:
    """A mentor's pages and every live guide they wrote (its disclosure block
    and author line name them), with what shows those guides, and what other
    apps show them on (MENTOR_HOOK)."""
    found = mentor_paths(mentor)
    for guide in GuidePage.objects.live().filter(authors__mentor=mentor).distinct():
        found |= page_addresses(guide)
    return found | _hooked(MENTOR_HOOK, mentor)


def institution_addresses(institution) -> set[str]:
    """What other apps show an institution on (INSTITUTION_HOOK)."""
    return _hooked(INSTITUTION_HOOK, institution)


def cms_dependents(page) -> list:
    """cms's own pages: the home page (latest and featured guides, the newest
    paths) and the parent index show every page below them; a guide's
    authors' profiles list it."""
    shown_on: list = list(HomePage.objects.live())
    parent = page.get_parent()
    if parent is not None and parent.depth > 1:
        shown_on.append(parent)
    if isinstance(page, GuidePage):
        for author in page.authors.select_related("mentor"):
            shown_on.extend(mentor_paths(author.mentor))
    return shown_on
