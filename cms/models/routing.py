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
from wagtail.models import PageViewRestriction, Site, get_page_models

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


class RouteCachedMixin:
    """For page types kept in the cache by address (``CachedRoutingMixin``):
    sections and learning paths. The view restrictions that apply to the page
    (its own and its ancestors') are kept with it, so serving it needs no
    query for them (Wagtail's ``check_view_restrictions`` reads them on every
    request: two queries)."""

    def get_view_restrictions(self):
        kept = self.__dict__.get("_route_view_restrictions")
        if kept is None:
            return super().get_view_restrictions()
        # Wagtail's own query, read when the page was kept: iterating it or
        # asking ``exists()`` reads no row; anything chained on it
        # (``order_by``) is a new query, as usual.
        return kept

    def remember_view_restrictions(self):
        """Read the restrictions now (two queries), to keep them with the page."""
        restrictions = super().get_view_restrictions()
        len(restrictions)  # evaluated: a pickled query set keeps its rows
        self.__dict__["_route_view_restrictions"] = restrictions


class CachedRoutingMixin:
    """For the site's root page (the home page): the page each address leads
    to is kept in the shared cache, so a request reads it (and the longer
    addresses of the same page, such as a path's ``steps/<id>/complete/``)
    with one cache read instead of a query or two per level. The page's own
    ``route`` still answers the rest of the address, and whether it is live.

    Only pages of types with ``RouteCachedMixin`` are kept, with their view
    restrictions: the sections and the learning paths, not the guides, which
    are many (100,000 on a large site) and long, and which anonymous readers
    get from the HTTP cache; a guide's address reads its section from the
    cache and the guide in one query (``SingleChildTypeRoutingMixin``).

    The pages are tagged with a generation (``cms.generations``): a page of
    any type saved or deleted, published, unpublished or moved, an image, a
    site or a view restriction saved or deleted sets a new one, and every
    page is read again from the tree. The pages between the home page and
    the one served must route by slug alone, as Wagtail's default and
    ``SingleChildTypeRoutingMixin`` do: a page whose ``route`` looks at the
    request is reached only as the last page of an address."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        token, depth, start = read_route(request, self.pk, path_components)
        if start is not None:
            result = start.route(request, path_components[depth:])
        else:
            start = self
            result = super().route(request, path_components)
        _remember(self, result[0], start, path_components, token)
        return result


def route_request(request, path):
    """Wagtail's ``Page.route_for_request`` for an address whose start is in
    the cache, without reading the home page first (a wide row, half a
    millisecond): the serve view (``cms.views.serve``) calls it before
    Wagtail's. An address the cache does not know is left to Wagtail, whose
    routing comes back here (``CachedRoutingMixin``) without reading the
    cache twice."""
    if hasattr(request, "_wagtail_route_for_request"):
        return
    site = Site.find_for_request(request)
    components = [component for component in path.split("/") if component]
    if site is None or not components:
        return
    token, depth, start = read_route(request, site.root_page_id, components)
    if start is None:
        return
    try:
        result = start.route(request, components[depth:])
    except Http404:
        request._wagtail_route_for_request = None
        return
    request._wagtail_route_for_request = result
    _remember(site.root_page, result[0], start, components, token)


def read_route(request, root_pk, components):
    """The longest start of the address the cache holds under the site root
    ``root_pk``: ``(token, its length, the page)``, or ``(token, 0, None)``.
    Read once a request."""
    asked = (root_pk, tuple(components))
    memo = request.__dict__.get("_cms_route_read")
    if memo is not None and memo[0] == asked:
        return memo[1]
    depths = range(min(len(components), ROUTE_MAX_DEPTH), 0, -1)
    keys = {depth: route_key(root_pk, components[:depth]) for depth in depths}
    token, found = ROUTES.read(list(keys.values()))
    answer = (token, 0, None)
    for depth, key in keys.items():  # the longest address first
        if (page := found.get(key)) is not None:
            answer = (token, depth, page)
            break
    request._cms_route_read = (asked, answer)
    return answer


def route_key(root_pk, components):
    address = hashlib.sha256("/".join(components).encode()).hexdigest()[:32]
    return f"cms:route:v{ROUTE_SHAPE_VERSION}:{root_pk}:{address}"


def _remember(root, page, start, path_components, token):
    """Keep ``page`` and the pages routed through on the way to it (each
    routed page knows the page that routed to it), from the last one the
    cache gave (``start``) on, when their type is kept. ``root``: the site's
    root page (its ``pk`` and ``url_path``)."""
    node = page
    while node is not None and node is not start and node.pk != root.pk:
        own = node.url_path[len(root.url_path) :].strip("/").split("/")
        if (
            isinstance(node, RouteCachedMixin)
            and node.url_path.startswith(root.url_path)
            and own == path_components[: len(own)]
            and len(own) <= ROUTE_MAX_DEPTH
        ):
            stored = _storable(node)
            stored.remember_view_restrictions()
            ROUTES.store(route_key(root.pk, own), token, stored, ROUTE_MAX_AGE)
        node = node.__dict__.get("_cached_parent_obj")


def _storable(page):
    """A copy of ``page`` without the parent Wagtail's route cached on it."""
    stored = copy.copy(page)
    stored.__dict__.pop("_cached_parent_obj", None)
    stored.__dict__.pop("_route_view_restrictions", None)
    return stored


def invalidate_routes():
    """Every page is read again from the tree from the next request on: for
    the rare writer that changes pages without saving them (a queryset
    ``update``: the demo seed's backdated publication)."""
    ROUTES.invalidate()


def connect():
    """Called from the app's ``ready``: every change that can alter a page
    some address leads to, or the address itself."""
    ROUTES.renew_on_changes(
        [*get_page_models(), get_image_model(), Site, PageViewRestriction], "cms.routing"
    )
