"""End to end through a real varnishd with deploy/varnish/curbside.vcl in
front of a live test server: anonymous pages are shared, a published change
shows through the cache within a second, and nothing personal is ever
stored. Skips without varnishd on a laptop; required in CI."""

import http.client
import time

from django.test import Client

import pytest

from learning.journey import services
from tests.factories import LearnerFactory
from tests.factories.paths import LearningPathPageFactory

from .varnish import Varnish

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # It times a purge to the second: not while other tests load the machine.
    pytest.mark.serial,
]

GUIDE = "/guides/anas-guide/"


@pytest.fixture(scope="module")
def varnish(live_server):
    cache = Varnish(int(live_server.url.rsplit(":", 1)[1]))
    yield cache
    cache.stop()


@pytest.fixture
def purging(settings, varnish):
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "curbside.http_cache.backends.VarnishBackend",
            "LOCATION": varnish.url,
            "TIMEOUT": 2,
        }
    }
    # Every test starts from an empty cache.
    assert varnish.request("/", method="BAN", headers={"X-Ban-Prefix": "/"}).status == 200
    return varnish


@pytest.fixture
def content(guide_by_a):
    path = LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=[guide_by_a])
    return guide_by_a, path


def warm(varnish, url):
    """Two GETs: the second must come from the cache."""
    first = varnish.get(url)
    assert first.status == 200, (url, first.status)
    second = varnish.get(url)
    assert second.header("X-Cache") == "HIT", (url, second.headers.items())
    return second


def within_a_second(varnish, url, check):
    """GET ``url`` through the cache until ``check(answer)`` holds, for at most a second."""
    deadline = time.monotonic() + 1.0
    while True:
        answer = varnish.get(url)
        if check(answer):
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"{url} still shows the old version after 1 s: {answer.status}")
        time.sleep(0.05)


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_the_second_anonymous_get_is_a_hit(purging, content):
    first = purging.get(GUIDE)
    assert first.header("X-Cache") == "MISS" and not first.header("Age")
    assert "public" in first.header("Cache-Control")
    assert not first.header("Set-Cookie")
    second = purging.get(GUIDE)
    assert second.header("X-Cache") == "HIT" and second.header("Age") != ""
    assert second.body == first.body
    # A cookie that means nothing to a public page does not split the cache.
    third = purging.get(GUIDE, cookie="csrftoken=abc; _ga=GA1.2.3")
    assert third.header("X-Cache") == "HIT"


def test_a_published_edit_shows_through_the_cache_within_a_second(purging, content, mentor_a):
    guide, _ = content
    pages = [GUIDE, "/guides/", "/guides/?topic=clinical", "/", "/mentors/ana-alvarez/"]
    for url in pages:
        assert "Ana&#x27;s guide" in warm(purging, url).body
    guide.title = "Handing over a deteriorating patient"
    guide.save_revision().publish()
    for url in pages:
        within_a_second(purging, url, lambda a: "Handing over a deteriorating patient" in a.body)


def test_an_unpublished_guide_is_gone_through_the_cache(purging, content):
    guide, _ = content
    warm(purging, GUIDE)
    assert "Ana&#x27;s guide" in warm(purging, "/guides/").body
    guide.unpublish()
    within_a_second(purging, GUIDE, lambda a: a.status == 404)
    within_a_second(purging, "/guides/", lambda a: "Ana&#x27;s guide" not in a.body)


def test_a_moved_guide_is_found_at_its_new_address_only(purging, content):
    guide, _ = content
    warm(purging, GUIDE)
    guide.slug = "anas-handover-guide"
    guide.save_revision().publish()
    # The old address redirects (Wagtail's redirects) instead of the old copy.
    within_a_second(purging, GUIDE, lambda a: a.status in (301, 302, 404))
    moved = within_a_second(purging, "/guides/anas-handover-guide/", lambda a: a.status == 200)
    assert "Ana&#x27;s guide" in moved.body
    within_a_second(purging, "/guides/", lambda a: "/guides/anas-handover-guide/" in a.body)


def test_a_deleted_guide_is_gone_through_the_cache(purging, guide_by_b):
    warm(purging, "/guides/bens-guide/")
    guide_by_b.delete()
    within_a_second(purging, "/guides/bens-guide/", lambda a: a.status == 404)


def test_a_signed_in_page_is_never_served_to_anyone_else(purging, content):
    _, path = content
    alice = LearnerFactory(username="alice", profile__full_name="Alice Able")
    services.enrol(alice, path)
    hers = purging.get("/", cookie=session_cookie(alice))
    assert hers.header("X-Cache") == "PASS"
    assert "Continue where you left off" in hers.body and "Log out" in hers.body
    assert "no-store" in hers.header("Cache-Control")
    for _ in range(2):
        anonymous = purging.get("/")
        assert "Continue where you left off" not in anonymous.body
        assert "Log out" not in anonymous.body
    ben = LearnerFactory(username="ben", profile__full_name="Ben Brooks")
    his = purging.get("/", cookie=session_cookie(ben))
    assert his.header("X-Cache") == "PASS" and "Log out" in his.body
    assert "Continue where you left off" not in his.body
    assert purging.get(GUIDE, cookie=session_cookie(alice)).header("X-Cache") == "PASS"


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/me/"])
def test_personal_pages_are_never_stored(purging, content, url):
    cookies = set()
    for _ in range(3):
        answer = purging.get(url)
        assert answer.header("X-Cache") in ("MISS", "PASS"), answer.headers.items()
        assert not answer.header("Age")
        assert "no-store" in answer.header("Cache-Control")
        cookies.add(answer.header("Set-Cookie"))
    if url != "/me/":
        # Each visitor gets their own CSRF token, never someone else's.
        assert len(cookies) == 3


def test_purging_is_refused_outside_the_acl(purging, content):
    warm(purging, GUIDE)
    for method in ("PURGE", "BAN"):
        connection = http.client.HTTPConnection(
            "127.0.0.1", purging.port, timeout=10, source_address=("127.0.0.2", 0)
        )
        try:
            connection.request(method, GUIDE, headers={"X-Ban-Prefix": "/"})
            assert connection.getresponse().status == 403
        finally:
            connection.close()
    assert purging.get(GUIDE).header("X-Cache") == "HIT"
    assert purging.request(GUIDE, method="PURGE").status == 200
    assert purging.get(GUIDE).header("X-Cache") == "MISS"


def test_a_path_page_is_shared_and_log_in_to_enrol_still_works(purging, content):
    shared = warm(purging, "/paths/sepsis/")
    assert "Log in to enrol" in shared.body and "csrfmiddlewaretoken" not in shared.body
    # The cached form's POST goes through Varnish to the app: remembered, then log in.
    origin = f"http://127.0.0.1:{purging.port}"
    answer = purging.request(
        "/paths/sepsis/enrol/", method="POST", headers={"Origin": origin, "Content-Length": "0"}
    )
    assert answer.status == 302, (answer.status, answer.body[:300])
    assert answer.header("Location").startswith("/accounts/login/")
    assert "sessionid" in answer.header("Set-Cookie")
    # Another site's form is refused.
    refused = purging.request(
        "/paths/sepsis/enrol/",
        method="POST",
        headers={"Origin": "https://elsewhere.example", "Content-Length": "0"},
    )
    assert refused.status == 403


def test_a_question_a_moderator_hides_is_gone_through_the_cache(purging, content):
    from mentoring.consults.services import set_question_hidden
    from tests.factories import UserFactory
    from tests.factories.consults import QuestionFactory

    guide, _ = content
    question = QuestionFactory(guide=guide, title="Mrs Jane Roe, bed 14: when to repeat it?")
    assert "Jane Roe" in warm(purging, GUIDE).body
    set_question_hidden(UserFactory(username="moderator", superuser=True), question, True)
    within_a_second(purging, GUIDE, lambda a: a.status == 200 and "Jane Roe" not in a.body)


def test_a_page_restricted_to_members_is_gone_through_the_cache(purging, content):
    from wagtail.models import PageViewRestriction

    guide, _ = content
    warm(purging, GUIDE)
    PageViewRestriction.objects.create(page=guide, restriction_type=PageViewRestriction.LOGIN)
    within_a_second(
        purging, GUIDE, lambda a: a.status == 302 and "/accounts/login/" in a.header("Location")
    )


def test_an_address_spelt_with_escapes_is_never_stored(purging, content):
    # The app serves /guides/anas%2Dguide/ as /guides/anas-guide/; a purge
    # names only the latter, so a copy stored under the former would outlive it.
    for url in ("/guides/anas%2Dguide/", "/guides/%61nas-guide/"):
        assert purging.get(url).status == 200
        again = purging.get(url)
        assert again.status == 200 and again.header("X-Cache") == "PASS"
