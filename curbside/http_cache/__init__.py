"""The HTTP cache in front of Curbside (Varnish, or a CDN): which answers a
shared cache may keep (``headers``), and which addresses are purged when
content changes (``purge``, through Wagtail's frontend-cache backends,
``backends``). See docs/http-cache.md."""
