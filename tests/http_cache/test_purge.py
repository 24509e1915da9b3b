"""What publishing, unpublishing, moving and deleting purge
(curbside.http_cache.purge over cms.http_cache and its hook), after the
transaction commits; and that a cache that is down or hangs never breaks
publishing."""

import logging
import socket
from urllib.parse import urlsplit

import pytest

from cms.models import Disclosure, GuideIndexPage
from tests.factories import GuidePageFactory
from tests.factories.paths import LearningPathPageFactory


def paths_of(urls):
    return {urlsplit(url).path for url in urls}


@pytest.fixture
def content(guide_by_a, mentor_b):
    path = LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=[guide_by_a])
    other = LearningPathPageFactory(title="Other", slug="other", steps=1)
    return guide_by_a, path, other


GUIDE_AND_SHOWN_ON = {
    "/guides/anas-guide/",
    "/guides/",
    "/",
    "/mentors/",
    "/mentors/ana-alvarez/",
    "/paths/sepsis/",
}


def test_publishing_a_guide_purges_it_and_every_page_showing_it(
    content, purged, django_capture_on_commit_callbacks
):
    guide, _, _ = content
    guide.title = "Ana's revised guide"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        guide.save_revision().publish()
        assert purged == []  # nothing before the commit
    assert callbacks
    assert paths_of(purged) == GUIDE_AND_SHOWN_ON
    # Absolute addresses on the site, each once.
    assert len(purged) == len(set(purged))
    assert all(url.startswith("http://localhost") for url in purged)


def test_publishing_a_path_purges_its_index_the_home_page_and_its_guides(
    content, purged, django_capture_on_commit_callbacks
):
    _, path, _ = content
    with django_capture_on_commit_callbacks(execute=True):
        path.save_revision().publish()
    assert paths_of(purged) == {"/paths/sepsis/", "/paths/", "/", "/guides/anas-guide/"}


def test_unpublishing_a_guide_purges_the_same_set(
    content, purged, django_capture_on_commit_callbacks
):
    guide, _, _ = content
    with django_capture_on_commit_callbacks(execute=True):
        guide.unpublish()
    assert paths_of(purged) == GUIDE_AND_SHOWN_ON


def test_deleting_a_guide_purges_it_and_where_it_was_shown(
    guide_by_b, purged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        guide_by_b.delete()
    assert paths_of(purged) == {
        "/guides/bens-guide/",
        "/guides/",
        "/",
        "/mentors/",
        "/mentors/ben-brooks/",
    }


def test_a_slug_change_purges_the_old_and_the_new_address(
    content, purged, django_capture_on_commit_callbacks
):
    guide, _, _ = content
    guide.slug = "anas-new-guide"
    with django_capture_on_commit_callbacks(execute=True):
        guide.save_revision().publish()
    # (Wagtail's redirects app also purges the redirect it creates from the
    # old address, which it writes without the trailing slash.)
    assert paths_of(purged) == GUIDE_AND_SHOWN_ON | {
        "/guides/anas-new-guide/",
        "/guides/anas-guide",
    }


def test_a_move_purges_the_old_and_the_new_addresses(
    content, purged, django_capture_on_commit_callbacks
):
    guide, _, _ = content
    with django_capture_on_commit_callbacks(execute=True):
        guide.move(GuideIndexPage.objects.get(), pos="first-child")
    assert paths_of(purged) == GUIDE_AND_SHOWN_ON


def test_a_mentor_change_purges_their_pages_and_their_guides(
    content, mentor_a, purged, django_capture_on_commit_callbacks
):
    mentor_a.bio = "Now also teaches point-of-care ultrasound."
    with django_capture_on_commit_callbacks(execute=True):
        mentor_a.save()
    assert paths_of(purged) == GUIDE_AND_SHOWN_ON


def test_a_new_disclosure_purges_the_mentors_pages(
    content, mentor_a, purged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Disclosure.objects.create(
            person=mentor_a,
            given_on="2026-11-01",
            none_to_disclose=True,
            signed_name="Ana Alvarez",
        )
    assert paths_of(purged) == GUIDE_AND_SHOWN_ON


def test_nothing_is_purged_without_a_configured_cache(
    content, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {}
    guide, _, _ = content
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        guide.save_revision().publish()
    modules = {getattr(getattr(c, "func", c), "__module__", "") for c in callbacks}
    assert "curbside.http_cache.purge" not in modules


def test_a_rolled_back_publication_purges_nothing(content, purged):
    from django.db import transaction

    guide, _, _ = content
    with pytest.raises(RuntimeError), transaction.atomic():
        guide.save_revision().publish()
        raise RuntimeError("the editor's request failed")
    assert purged == []


def _configure_varnish_backend(settings, port, timeout=0.5):
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "curbside.http_cache.backends.VarnishBackend",
            "LOCATION": f"http://127.0.0.1:{port}",
            "TIMEOUT": timeout,
        }
    }


def test_a_cache_that_is_down_never_breaks_publishing(
    content, settings, caplog, django_capture_on_commit_callbacks
):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _configure_varnish_backend(settings, port)
    guide, _, _ = content
    guide.title = "Published while the cache is down"
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        guide.save_revision().publish()
    guide.refresh_from_db()
    assert guide.title == "Published while the cache is down" and guide.live
    assert "Could not purge http://localhost/guides/anas-guide/" in caplog.text


def test_a_cache_that_never_answers_times_out_and_is_logged(
    content, settings, caplog, django_capture_on_commit_callbacks
):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)  # accepts connections, never answers
    try:
        _configure_varnish_backend(settings, listener.getsockname()[1], timeout=0.2)
        guide = GuidePageFactory(title="Quiet cache", slug="quiet-cache")
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            guide.save_revision().publish()
        assert "timed out" in caplog.text
    finally:
        listener.close()
