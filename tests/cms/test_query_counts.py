"""Every public page runs a fixed number of SQL queries, however much content
there is: adding guides, authors, tags and disclosures must not add queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from cms.models import GuidePage, HomeFeaturedGuide, HomePage
from tests.factories import GuidePageFactory, MentorFactory, PictureFactory
from tests.routing import remember_routes

pytestmark = pytest.mark.django_db

# The most queries any public page may run (anonymous visitor). A guide's
# "Ask the author" section (mentoring.consults) costs one of them.
MAX_QUERIES = 13
# With photos and lead images: one more query per listing on the page, for
# the renditions of all its images (the home page has two listings).
MAX_QUERIES_WITH_IMAGES = MAX_QUERIES + 2


def add_content(n, prefix, images=False):
    """``images``: every mentor has a photo and every guide a lead image, each its own."""

    def picture(**kwargs):
        return PictureFactory(file__width=400, file__height=300, **kwargs) if images else None

    mentors = [
        MentorFactory(
            slug=f"{prefix}-mentor-{i}",
            name=f"Mentor {prefix} {i}",
            relationships=[("Acme", "consultant"), ("Beta", "speaker")],
            photo=picture(),
        )
        for i in range(n)
    ]
    guides = [
        GuidePageFactory(
            slug=f"{prefix}-guide-{i}",
            authors=mentors[i % n : i % n + 2],
            specialties=["Cardiology", f"Specialty {prefix}{i}"],
            lead_image=picture(),
            lead_image_alt="Illustration of a heart-rhythm trace" if images else "",
        )
        for i in range(n * 2)
    ]
    home = HomePage.objects.get()
    for order, guide in enumerate(guides[:2]):
        HomeFeaturedGuide.objects.create(page=home, guide=guide, sort_order=order)
    return mentors, guides


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def urls_for(mentor, guide):
    return {
        "home": "/",
        "guide index": "/guides/",
        "guide index filtered": "/guides/?topic=clinical&specialty=cardiology",
        "guide": guide.url,
        "mentor directory": "/mentors/",
        "mentor profile": mentor.get_absolute_url(),
    }


def test_public_pages_run_a_constant_number_of_queries(client):
    mentors, guides = add_content(2, "small")
    client.get("/")  # warm the site-root cache, as on a running server
    small_urls = urls_for(mentors[0], guides[0])
    remember_routes(*small_urls.values())  # visited since the last edit (tests.routing)
    small = {name: count(client, url) for name, url in small_urls.items()}

    big_mentors, big_guides = add_content(8, "big")
    big_guide = GuidePage.objects.get(pk=big_guides[0].pk)
    # The guide with the most authors, disclosures and tags.
    big_urls = urls_for(big_mentors[0], big_guide)
    remember_routes(*big_urls.values())
    big = {name: count(client, url) for name, url in big_urls.items()}

    assert big == small
    for name, queries in big.items():
        assert queries <= MAX_QUERIES, f"{name} ran {queries} queries"


def add_paths(n, prefix, steps):
    """``n`` live credit paths of ``steps`` guides each, every guide by two
    mentors with relationships to disclose, and one planner each."""
    from tests.factories import LearningPathPageFactory

    mentors = [
        MentorFactory(slug=f"{prefix}-author-{i}", relationships=[("Acme", "consultant")])
        for i in range(2)
    ]
    return [
        LearningPathPageFactory(
            title=f"Path {prefix} {i}",
            slug=f"path-{prefix}-{i}",
            steps=[
                GuidePageFactory(slug=f"path-{prefix}-{i}-guide-{s}", authors=mentors)
                for s in range(steps)
            ],
        )
        for i in range(n)
    ]


def test_home_paths_and_continue_sections_run_a_constant_number_of_queries(client):
    """The featured paths (credit, steps, mentors, whether credit is offered
    today) and a learner's "Continue where you left off" read the same number
    of queries for one short path as for many long ones."""
    from learning.journey import services
    from learning.models import Enrolment
    from tests.factories import LearnerFactory

    learner = LearnerFactory()
    (small,) = add_paths(1, "small", steps=1)
    # Enrolled directly: the authors' relationships await a reviewer's decision,
    # so these paths take no new enrolments (and say so) - which costs no query more.
    Enrolment.objects.create(user=learner, path=small)
    client.get("/")  # warm the site-root cache, as on a running server
    anonymous_small = count(client, "/")
    client.force_login(learner)
    learner_small = count(client, "/")
    client.logout()

    for path in add_paths(4, "big", steps=6):
        Enrolment.objects.create(user=learner, path=path)
        for step in path.steps.all()[:3]:
            services.complete_step(learner, path, step.guide_id)
    html = client.get("/").content.decode()
    assert html.count('class="card path-feature"') == 3
    assert "Paused for now" in html
    anonymous_big = count(client, "/")
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert html.count('class="card continue-card"') == 3
    learner_big = count(client, "/")

    assert (anonymous_big, learner_big) == (anonymous_small, learner_small)
    # The sections' own queries: paths, steps with guides, planners, authors, people
    # with disclosures and relationships, relevance decisions; the learner's
    # enrolments, steps, completions; and the header's unread-notifications count.
    assert anonymous_big <= MAX_QUERIES + 5
    assert learner_big <= anonymous_big + 8


def count_after_renditions_exist(client, url):
    """As on a running server: the renditions were made by an earlier visit."""
    client.get(url)
    return count(client, url)


def test_pages_with_images_run_a_constant_number_of_queries(client, settings):
    """Photos and lead images on every card and byline: their renditions are
    prefetched with the listing (cms.responsive_images), not read per image."""
    # Renditions are read from the database (the prefetch), never from
    # Wagtail's rendition cache, which would hide a query per image.
    settings.CACHES = {
        **settings.CACHES,
        "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    mentors, guides = add_content(2, "small", images=True)
    client.get("/")
    small = {
        name: count_after_renditions_exist(client, url)
        for name, url in urls_for(mentors[0], guides[0]).items()
    }
    big_mentors, big_guides = add_content(8, "big", images=True)
    big_guide = GuidePage.objects.get(pk=big_guides[0].pk)
    big = {
        name: count_after_renditions_exist(client, url)
        for name, url in urls_for(big_mentors[0], big_guide).items()
    }
    assert big == small
    for name, queries in big.items():
        assert queries <= MAX_QUERIES_WITH_IMAGES, f"{name} ran {queries} queries"
