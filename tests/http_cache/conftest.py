from wagtail.contrib.frontend_cache.backends import BaseBackend

import pytest

PURGED: list[str] = []


class RecordingBackend(BaseBackend):
    """A frontend-cache backend that remembers what it was asked to purge."""

    def purge(self, url):
        PURGED.append(url)


@pytest.fixture
def purged(settings):
    """The paths purged while the test runs (a recording backend is configured)."""
    settings.WAGTAILFRONTENDCACHE = {
        "recording": {"BACKEND": "tests.http_cache.conftest.RecordingBackend"}
    }
    PURGED.clear()
    yield PURGED
    PURGED.clear()
