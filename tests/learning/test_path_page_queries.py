"""The path page runs a fixed number of queries for a signed-in learner with
progress, whether the path has 5 steps or 50."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from learning.compliance import snapshot
from learning.journey import progress, services
from tests.factories import (
    GuidePageFactory,
    LearningPathPageFactory,
    MentorFactory,
    PictureFactory,
)
from tests.routing import remember_routes

from .conftest import correct_answers

pytestmark = pytest.mark.django_db

# Asserted exactly: a change here is a decision, not an accident. 7 for the
# page and progress, the accrediting institution included (the route: the
# path from the cache with its view restrictions, cms.models.routing). The steps, the
# disclosure block and whether credit is available now are kept in the cache
# between changes (learning.compliance.snapshot): the first request after a
# change reads the steps and works the answers out in one reading of the
# people in control of content, 8 more: the steps, the path's
# contributors and commercial support, the step guides' authors, the people
# with their disclosures and relationships, the institution. Relevance
# decisions add one more when anyone has a relationship to disclose (the
# factory's people have none). The header's unread-notifications count adds
# one to every signed-in page; its permission checks (the Admin link, Wagtail's
# user bar) none for a learner who holds no permission
# (curbside.security.AuthenticationBackend.get_user). With the database cache
# of production settings, cache reads are queries too
# (tests/learning/test_signed_in_queries.py).
PATH_PAGE_QUERIES = 7
PATH_PAGE_FIRST_QUERIES = 15  # the first request after any change they read


def path_with_progress(learner, steps, slug):
    path = LearningPathPageFactory(slug=slug, steps=steps)
    services.enrol(learner, path)
    for step in progress.path_steps(path)[: steps - 1]:
        services.complete_step(learner, path, step.guide_id)
    return path


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def without_csrf(response):
    """The page without its CSRF tokens, masked afresh for every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def first_and_repeat(client, url):
    """Queries of the first request after a change (the compliance answers
    worked out) and of the next (read from the cache), and the two pages,
    which must be the same."""
    remember_routes(url)
    snapshot.invalidate()
    first, response = queries_for(client, url)
    repeat, again = queries_for(client, url)
    assert without_csrf(again) == without_csrf(response)
    return first, repeat, response


def test_path_page_queries_do_not_grow_with_steps(client, learner):
    small = path_with_progress(learner, 5, "small")
    big = path_with_progress(learner, 50, "big")
    client.force_login(learner)
    client.get(small.url)  # warm per-process caches (site root paths)
    small_counts = first_and_repeat(client, small.url)[:2]
    *big_counts, response = first_and_repeat(client, big.url)
    assert "49 of 50 steps complete" in response.content.decode()
    assert tuple(big_counts) == small_counts == (PATH_PAGE_FIRST_QUERIES, PATH_PAGE_QUERIES)


def test_path_page_with_attempts_and_claim_is_still_constant(client, learner):
    path = path_with_progress(learner, 50, "done")
    services.complete_step(learner, path, progress.path_steps(path)[-1].guide_id)
    services.submit_attempt(learner, path, {q: [1] for q in correct_answers(path)})
    services.submit_attempt(learner, path, correct_answers(path))
    client.force_login(learner)
    client.get(path.url)
    first, repeat, response = first_and_repeat(client, path.url)
    assert "Fill the evaluation" in response.content.decode()
    assert (first, repeat) == (PATH_PAGE_FIRST_QUERIES, PATH_PAGE_QUERIES)


def test_catalogue_and_dashboard_are_constant(client, learner):
    paths = [path_with_progress(learner, 3, f"p{i}") for i in range(2)]
    client.force_login(learner)
    client.get("/paths/")
    few = [queries_for(client, url)[0] for url in ("/paths/", "/me/")]
    paths += [path_with_progress(learner, 4, f"q{i}") for i in range(5)]
    remember_routes("/paths/")
    many = [queries_for(client, url)[0] for url in ("/paths/", "/me/")]
    assert few == many


def test_catalogue_with_lead_images_is_constant(client, settings):
    """Each card's image: renditions prefetched with the catalogue (read from
    the database: Wagtail's rendition cache is off here)."""
    settings.CACHES = {
        **settings.CACHES,
        "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }

    def illustrated(slug):
        return LearningPathPageFactory(
            slug=slug,
            steps=1,
            lead_image=PictureFactory(file__width=640, file__height=360),
            lead_image_alt="Illustration of a winding road with milestone markers",
        )

    def catalogue_queries():
        client.get("/paths/")  # makes the renditions, as an earlier visitor would have
        count, response = queries_for(client, "/paths/")
        return count, response.content.decode().count("<picture>")

    illustrated("first")
    few, pictures = catalogue_queries()
    assert pictures == 1
    for i in range(4):
        illustrated(f"more-{i}")
    many, pictures = catalogue_queries()
    assert pictures == 5
    assert many == few


def path_with_disclosures(steps, slug):
    """Each step by its own author, each person with relationships to disclose."""
    guides = [
        GuidePageFactory(
            slug=f"{slug}-guide-{i}",
            authors=[MentorFactory(relationships=[("Acme", "consultant"), ("Beta", "speaker")])],
        )
        for i in range(steps)
    ]
    planners = [MentorFactory(relationships=[("Gamma", "employee")]) for _ in range(steps // 2)]
    return LearningPathPageFactory(slug=slug, steps=guides, planners=planners)


def test_disclosure_block_does_not_grow_with_people(client):
    small = path_with_disclosures(2, "few")
    big = path_with_disclosures(12, "many")
    client.get(small.url)
    small_counts = first_and_repeat(client, small.url)[:2]
    *big_counts, response = first_and_repeat(client, big.url)
    assert response.content.decode().count("Acme: Consultant") == 12
    assert tuple(big_counts) == small_counts
    assert small_counts[1] < small_counts[0]  # the repeat reads none of the people
