"""Routing a request to a page in fewer queries than Wagtail's default.

Wagtail's ``Page.route`` finds each level's child as a base page, then reads
it again as its own type (``.specific``): two queries a level, and each of
them a wide page row the ORM takes most of a millisecond to build. The
mixins here serve exactly what the default would: the child of each page
with the address's next slug, whatever its state, and the last page only if
it is live (``Page.route``).
"""

import copy
import hashlib

from django.http import Http404

from wagtail.images import get_image_model
from wagtail.models import Site, get_page_models

from cms.generations import Generation

ROUTES = Generation("cms:routes:generation")
ROUTE_MAX_AGE = 600  # seconds: a backstop; changes invalidate at once
# Part of every key. Raise it when what is stored changes shape, so processes
# of a new release never read a page pickled by the old one.
ROUTE_SHAPE_VERSION = 1
# Pages deeper than this below the home page (none on this site) are routed
# from the tree every time.
ROUTE_MAX_DEPTH = 6


class SingleChildTypeRoutingMixin:
    """For index pages whose children are all of one type: find the child by
    slug with one query of that type instead of a base query plus ``.specific``.
    The child type has a lead image (``cms.models.lead_image``)."""

    def child_page_model(self):
        raise NotImplementedError

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        slug, remaining = path_components[0], path_components[1:]
        # The lead image comes with the page (its renditions in one more query).
        child = (
            self.child_page_model()
            .objects.child_of(self)
            .filter(slug=slug)
            .select_related("lead_image")
            .first()
        )
        if child is None:
            raise Http404
        child._cached_parent_obj = self  # as Wagtail's route: no query for the parent
        return child.route(request, remaining)


class CachedRoutingMixin:
    """For the site's root page (the home page): the page each address leads
    to is kept in the shared cache, so a request reads it (and the longer
    addresses of the same page, such as a path's ``steps/<id>/complete/``)
    with one cache read instead of a query or two per level. The page's own
    ``route`` still answers the rest of the address, and whether it is live.

    Only pages of types that say ``route_cached = True`` are kept: the
    sections and the learning paths, not the guides, which are many (100,000
    on a large site) and long, and which anonymous readers get from the HTTP
    cache; a guide's address reads its section from the cache and the guide
    in one query (``SingleChildTypeRoutingMixin``).

    The pages are tagged with a generation (``cms.generations``): a page of
    any type saved or deleted, published, unpublished or moved, an image or a
    site saved or deleted sets a new one, and every page is read again from
    the tree. The pages between the home page and the one served must route
    by slug alone, as Wagtail's default and ``SingleChildTypeRoutingMixin``
    do: a page whose ``route`` looks at the request is reached only as the
    last page of an address."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        depths = range(min(len(path_components), ROUTE_MAX_DEPTH), 0, -1)
        keys = {depth: self._route_key(path_components[:depth]) for depth in depths}
        token, found = ROUTES.read(list(keys.values()))
        for depth, key in keys.items():  # the longest address first
            start = found.get(key)
            if start is not None:
                result = start.route(request, path_components[depth:])
                break
        else:
            start = self
            result = super().route(request, path_components)
        self._remember(result[0], start, path_components, token)
        return result

    def _remember(self, page, start, path_components, token):
        """Keep ``page`` and the pages routed through on the way to it (each
        routed page knows the page that routed to it), from the last one the
        cache gave (``start``) on, when their type is kept."""
        node = page
        while node is not None and node is not start and node is not self:
            own = node.url_path[len(self.url_path) :].strip("/").split("/")
            if (
                getattr(node, "route_cached", False)
                and node.url_path.startswith(self.url_path)
                and own == path_components[: len(own)]
                and len(own) <= ROUTE_MAX_DEPTH
            ):
                ROUTES.store(self._route_key(own), token, _storable(node), ROUTE_MAX_AGE)
            node = node.__dict__.get("_cached_parent_obj")

    def _route_key(self, components):
        address = hashlib.sha256("/".join(components).encode()).hexdigest()[:32]
        return f"cms:route:v{ROUTE_SHAPE_VERSION}:{self.pk}:{address}"


def _storable(page):
    """A copy of ``page`` without the parent Wagtail's route cached on it."""
    stored = copy.copy(page)
    stored.__dict__.pop("_cached_parent_obj", None)
    return stored


def invalidate_routes():
    """Every page is read again from the tree from the next request on: for
    the rare writer that changes pages without saving them (a queryset
    ``update``: the demo seed's backdated publication)."""
    ROUTES.invalidate()


def connect():
    """Called from the app's ``ready``: every change that can alter a page
    some address leads to, or the address itself."""
    ROUTES.renew_on_changes([*get_page_models(), get_image_model(), Site], "cms.routing")
