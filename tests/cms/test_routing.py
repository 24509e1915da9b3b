"""Routing from the cache (cms.models.routing): the page an address leads to
is read from the shared cache once someone has visited it, and never is a
page the tree no longer holds at that address: every edit an editor makes
is served at the next request."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction

import pytest

from cms.models import GuideIndexPage, HomePage
from cms.models.routing import ROUTES, route_key
from tests.factories import GuidePageFactory, LearningPathPageFactory, PictureFactory

pytestmark = pytest.mark.django_db


def fetch(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, [query["sql"] for query in ctx.captured_queries]


@pytest.fixture
def guide():
    return GuidePageFactory(slug="chest-pain-in-clinic", title="Chest pain in clinic")


def test_a_visited_page_is_routed_from_the_cache(client, guide):
    client.get("/")  # the site's root paths, as on a running server
    first, cold = fetch(client, guide.url)
    again, warm = fetch(client, guide.url)
    assert first.status_code == again.status_code == 200
    assert "Chest pain in clinic" in again.content.decode()
    # The first visit reads the guide library from the tree, the next from
    # the cache. Guides themselves are read from the tree every time.
    assert [sql for sql in cold if '"cms_guideindexpage"' in sql]
    assert not [sql for sql in warm if '"cms_guideindexpage"' in sql]
    # The home page and the section, read from the tree, and (once, to keep
    # with it) the section's view restrictions: five queries the next visit
    # does not make.
    assert len(warm) == len(cold) - 5


def test_a_visited_path_is_routed_from_the_cache_with_its_subpages(client):
    path = LearningPathPageFactory(slug="sepsis", title="Recognising sepsis", steps=2)
    client.get("/")
    first, cold = fetch(client, path.url)
    again, warm = fetch(client, path.url)
    enrol, enrol_queries = fetch(client, f"{path.url}enrol/")  # a subpage: the path from the cache
    assert first.status_code == again.status_code == 200
    assert "Recognising sepsis" in again.content.decode()
    route = 'FROM "learning_learningpathpage" INNER JOIN "wagtailcore_page"'
    assert [sql for sql in cold if route in sql]
    assert not [sql for sql in warm + enrol_queries if route in sql]
    assert enrol.status_code in (302, 405)


def test_a_published_edit_is_served_at_the_next_request(client, guide):
    assert "Chest pain in clinic" in client.get(guide.url).content.decode()
    page = guide.specific
    page.title = "Chest pain in clinic: who goes to the emergency department"
    page.save_revision().publish()
    assert "who goes to the emergency department" in client.get(guide.url).content.decode()


def test_an_unpublished_or_deleted_page_is_gone_at_the_next_request(client, guide):
    other = GuidePageFactory(slug="syncope-in-clinic", title="Syncope in clinic")
    assert client.get(guide.url).status_code == client.get(other.url).status_code == 200
    guide.unpublish()
    assert client.get(guide.url).status_code == 404
    Page.objects.get(pk=other.pk).delete()
    assert client.get(other.url).status_code == 404


def test_a_renamed_section_is_found_at_its_new_address_at_once(client, guide):
    assert client.get(guide.url).status_code == 200
    index = GuideIndexPage.objects.get()
    index.slug = "library"
    index.save_revision().publish()
    assert client.get("/guides/chest-pain-in-clinic/").status_code == 404
    moved = client.get("/library/chest-pain-in-clinic/")
    assert moved.status_code == 200
    assert "Chest pain in clinic" in moved.content.decode()


def test_another_page_given_a_visited_address_is_the_one_served(client, guide):
    assert client.get("/guides/").status_code == 200
    old = GuideIndexPage.objects.get()
    old.slug = "old-library"
    old.save_revision().publish()
    newcomer = GuideIndexPage(title="Guides, reorganised", slug="guides")
    old.get_parent().add_child(instance=newcomer)
    newcomer.save_revision().publish()
    response = client.get("/guides/")
    assert response.status_code == 200
    assert "Guides, reorganised" in response.content.decode()


def test_a_page_moved_elsewhere_leaves_its_old_address(client, guide):
    assert client.get(guide.url).status_code == 200
    shelf = GuideIndexPage(title="Archive", slug="archive")
    GuideIndexPage.objects.get().get_parent().add_child(instance=shelf)
    shelf.save_revision().publish()
    Page.objects.get(pk=guide.pk).move(shelf, pos="last-child")
    # Wagtail's redirect from the old address, not the page served from the cache.
    old = client.get("/guides/chest-pain-in-clinic/")
    assert old.status_code == 301
    assert old["Location"].endswith("/archive/chest-pain-in-clinic/")
    assert client.get("/archive/chest-pain-in-clinic/").status_code == 200


def test_an_image_saved_renews_the_generation():
    """Pages are read with their lead image: its changes read them again."""
    token, _ = ROUTES.read([])
    picture = PictureFactory(file__width=400, file__height=300)
    assert isinstance(picture, get_image_model())
    after_create, _ = ROUTES.read([])
    picture.title = "Renamed"
    picture.save()
    after_save, _ = ROUTES.read([])
    assert len({token, after_create, after_save}) == 3


def test_only_sections_and_paths_are_remembered(client, guide):
    home = HomePage.objects.get()
    urls = ("/no-such-section/", "/guides/no-such-guide/", guide.url, "/guides/")
    for url in urls:
        client.get(url)
    remembered = {url: cache.get(route_key(home.pk, url.strip("/").split("/"))) for url in urls}
    assert remembered["/no-such-section/"] is None
    assert remembered["/guides/no-such-guide/"] is None
    assert remembered[guide.url] is None  # guides: many and long, never kept
    assert remembered["/guides/"] is not None


def test_a_remembered_path_is_served_without_reading_view_restrictions(client):
    path = LearningPathPageFactory(slug="sepsis", title="Recognising sepsis", steps=2)
    client.get("/")
    fetch(client, path.url)
    again, warm = fetch(client, path.url)
    assert again.status_code == 200
    assert not [sql for sql in warm if "wagtailcore_pageviewrestriction" in sql]


def test_a_view_restriction_added_or_removed_applies_at_the_next_request(client):
    """Privacy set on a section, or on the page itself, in the admin: the
    page remembered with no restriction is not served past it."""
    path = LearningPathPageFactory(slug="sepsis", title="Recognising sepsis", steps=2)
    assert client.get(path.url).status_code == 200
    assert client.get(path.url).status_code == 200  # now from the cache
    section = path.get_parent()
    login = PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.LOGIN
    )
    private = client.get(path.url)
    assert private.status_code == 302
    assert "/login/" in private["Location"]
    login.delete()
    assert client.get(path.url).status_code == 200
    PageViewRestriction.objects.create(
        page=path, restriction_type=PageViewRestriction.PASSWORD, password="ward-round"
    )
    protected = client.get(path.url)
    assert protected.status_code == 200
    assert "Recognising sepsis" not in protected.content.decode()
    assert 'name="password"' in protected.content.decode()


def test_the_password_form_of_a_protected_page_still_lets_the_reader_in(client):
    """Pages are served through cms.views.serve; Wagtail's own _util/
    addresses (here the password check) are not taken for page addresses."""
    path = LearningPathPageFactory(slug="sepsis", title="Recognising sepsis", steps=2)
    client.get(path.url)
    restriction = PageViewRestriction.objects.create(
        page=path, restriction_type=PageViewRestriction.PASSWORD, password="ward-round"
    )
    assert "Recognising sepsis" not in client.get(path.url).content.decode()
    answer = client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{path.pk}/",
        {"password": "ward-round", "return_url": path.url},
    )
    assert answer.status_code == 302
    assert answer["Location"] == path.url
    assert "Recognising sepsis" in client.get(path.url).content.decode()


def test_an_address_below_a_remembered_section_that_leads_nowhere_is_not_found(client, guide):
    client.get("/guides/")
    client.get("/guides/")
    missing = client.get("/guides/no-such-guide/")
    assert missing.status_code == 404
    assert client.get(guide.url).status_code == 200
