"""Wagtail's HTTP purge backend (Varnish) with a timeout.

``wagtail.contrib.frontend_cache.backends.HTTPBackend`` waits for ever on a
cache that accepts the connection and never answers, and lets a timeout
escape; this one gives up after ``TIMEOUT`` seconds (default 2) and logs,
like the original does for a refused connection.
"""

import logging
from urllib.error import HTTPError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from wagtail import __version__
from wagtail.contrib.frontend_cache.backends.http import HTTPBackend, PurgeRequest

logger = logging.getLogger("curbside.http_cache")


class VarnishBackend(HTTPBackend):
    def __init__(self, params):
        params = dict(params)
        self.timeout = float(params.pop("TIMEOUT", 2))
        super().__init__(params)

    def purge(self, url):
        parts = urlsplit(url)
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        request = PurgeRequest(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, parts.path, parts.query, ""]),
            headers={"Host": host, "User-Agent": f"Wagtail-frontendcache/{__version__}"},
        )
        try:
            # The scheme and address come from FRONTEND_CACHE_URL (settings).
            with urlopen(request, timeout=self.timeout):  # noqa: S310
                pass
        except HTTPError as exc:
            logger.error("The HTTP cache refused to purge %s: %s %s", url, exc.code, exc.reason)
        except OSError as exc:  # refused, unreachable, timed out
            logger.error("Could not purge %s from the HTTP cache: %s", url, exc)
