"""A signed-in learner's pages run a fixed number of queries whatever the
length of the path: the path page, "mark complete" (a new step and a repeat),
a guide read from a path and on its own, the home page and /me/.

Counted with the database cache that production settings use (CACHE_URL=db://),
where each cache read is a query too: 50 steps once meant 50 reads of the
site's root paths, one per guide link. And a learner who holds no permission
pays no query for the header's permission checks, while staff keep their
Admin link."""

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from learning.compliance import snapshot
from learning.journey import progress, services
from learning.journey.stages import STEPS_DONE_MESSAGE
from learning.models import StepCompletion
from tests.factories import (
    LearnerFactory,
    LearningPathPageFactory,
    UserFactory,
    from_step_page,
)
from tests.routing import remember_routes

pytestmark = pytest.mark.django_db

# Asserted exactly, with the database cache: a change here is a decision, not
# an accident. Both requests read the session and user (2) and the route: the
# path from the cache, with the view restrictions of it and its ancestors
# (1, cms.models.routing). The path page, 10: those 3; the enrolment, its
# completions and attempts (3); the site's root paths, read once for all the
# step links and the path's own address (1); the steps with their guides' few
# columns and the compliance answers from the cache (1:
# learning.compliance.snapshot); the header's unread-notifications count and
# the site identity (2). The first request after a change they read reads the
# steps (1) and works the answers out: the people in control of content and
# their disclosures (contributors, authors, people, disclosures,
# relationships), the institution and commercial support (7), and stores them
# (the database cache's culling count, look-up and write: 5 more).
PATH_PAGE_QUERIES = 10
PATH_PAGE_FIRST_QUERIES = 23
# Mark complete, no page rendered: those 3; the enrolment, the step (its
# guide's few columns) and its completion if any (3); for a new step the
# version of the disclosure shown now, from the cache (1: the proof names the
# version the step page showed, learning.journey.disclosure_proof) and the
# write (here a savepoint, the INSERT and its release: 3); where next, the
# first step not done (1), and the root paths for its address (1).
MARK_COMPLETE_NEW_QUERIES = 12
MARK_COMPLETE_REPEAT_QUERIES = 8
DONE = {5: 2, 50: 25}  # steps done before the requests, by path length


@pytest.fixture(autouse=True)
def database_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "curbside_cache",
        },
    }


def run(client, method, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, *([data] if data is not None else []))
    return response, [query["sql"] for query in ctx.captured_queries]


def enrolled_path(learner, steps):
    path = LearningPathPageFactory(slug=f"path-of-{steps}", steps=steps)
    services.enrol(learner, path)
    guide_ids = [step.guide_id for step in progress.path_steps(path)]
    for guide_id in guide_ids[: DONE[steps]]:
        services.complete_step(learner, path, guide_id)
    return path, guide_ids


@pytest.fixture
def learner(client):
    learner = LearnerFactory(username="lena-learner")
    client.force_login(learner)
    return learner


@pytest.fixture
def paths(client, learner):
    small, big = enrolled_path(learner, 5), enrolled_path(learner, 50)
    client.get(small[0].url)  # warm the process's caches (sites, root paths), as a server has
    # Every page visited since the last edit (tests.routing).
    remember_routes(
        *[path.url for path, _ in (small, big)],
        *[step.guide.url for path, _ in (small, big) for step in progress.path_steps(path)],
    )
    return {5: small, 50: big}


def test_path_page_runs_the_same_queries_for_5_and_50_steps(client, paths):
    counts = {}
    for steps, (path, _) in paths.items():
        snapshot.invalidate()  # as after an editor's change
        found = []
        for _ in range(2):
            response, queries = run(client, "get", path.url)
            html = response.content.decode()
            assert response.status_code == 200
            assert f"{DONE[steps]} of {steps} steps complete" in html
            # Every step links to its guide read as a step of this path.
            guide = progress.path_steps(path)[-1].guide
            assert f'href="{guide.url}?path={path.slug}"' in html
            found.append(len(queries))
        counts[steps] = tuple(found)
    expected = (PATH_PAGE_FIRST_QUERIES, PATH_PAGE_QUERIES)
    assert counts == {5: expected, 50: expected}


def test_mark_complete_runs_the_same_queries_for_5_and_50_steps(client, learner, paths):
    for steps, (path, guide_ids) in paths.items():
        rows = StepCompletion.objects.count()
        pending = guide_ids[DONE[steps]]
        response, new = run(
            client,
            "post",
            f"{path.url}steps/{pending}/complete/",
            from_step_page(learner, path, pending),
        )
        # The next step not done, read as a step of the path.
        following = progress.path_steps(path)[DONE[steps] + 1].guide
        assert response["Location"] == f"{following.url}?path={path.slug}"
        assert StepCompletion.objects.count() == rows + 1
        assert len(new) == MARK_COMPLETE_NEW_QUERIES, new

        response, repeat = run(
            client,
            "post",
            f"{path.url}steps/{guide_ids[0]}/complete/",
            from_step_page(learner, path, guide_ids[0]),
        )
        assert response["Location"] == f"{following.url}?path={path.slug}"
        assert StepCompletion.objects.count() == rows + 1
        assert len(repeat) == MARK_COMPLETE_REPEAT_QUERIES, repeat


def test_the_last_step_opens_the_post_test_with_its_message(client, learner, paths):
    path, guide_ids = paths[5]
    for guide_id in guide_ids:
        response = client.post(
            f"{path.url}steps/{guide_id}/complete/", from_step_page(learner, path, guide_id)
        )
    assert response["Location"] == path.url + "test/"
    assert StepCompletion.objects.filter(enrolment__path=path).count() == 5
    page = client.get(response["Location"]).content.decode()
    assert STEPS_DONE_MESSAGE in page
    # Once every step is done, a repeat still goes to the post-test.
    response = client.post(
        f"{path.url}steps/{guide_ids[0]}/complete/", from_step_page(learner, path, guide_ids[0])
    )
    assert response["Location"] == path.url + "test/"


def test_guide_pages_home_and_dashboard_do_not_grow_with_the_path(client, paths):
    def counts(steps):
        path, guide_ids = paths[steps]
        guide = progress.path_steps(path)[DONE[steps]].guide
        urls = {
            "guide read from the path": f"{guide.url}?path={path.slug}",
            "guide on its own": guide.url,
            "home": "/",
            "my learning": "/me/",
        }
        # A step page reads the path's compliance snapshot (its disclosure
        # block) from the cache: the first reader after a change works it out
        # (as the path page's first request does); measured once stored.
        client.get(urls["guide read from the path"])
        found = {}
        for name, url in urls.items():
            response, queries = run(client, "get", url)
            assert response.status_code == 200, name
            found[name] = len(queries)
        return found

    small, big = counts(5), counts(50)
    assert small == big
    html = client.get(f"{progress.path_steps(paths[50][0])[25].guide.url}?path=path-of-50")
    assert "Step 26 of 50" in html.content.decode()


def permission_queries(queries):
    return [sql for sql in queries if "auth_permission" in sql]


def test_a_learner_with_no_permission_pays_no_query_for_the_checks(client, learner):
    response, queries = run(client, "get", "/me/")
    assert response.status_code == 200
    assert permission_queries(queries) == []
    assert 'href="/admin/"' not in response.content.decode()


@pytest.mark.parametrize("who", ["staff", "reviewer", "superuser", "direct"])
def test_people_with_admin_access_still_see_the_admin_link(client, who):
    if who == "direct":
        user = UserFactory(username="given-access")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
    else:
        user = UserFactory(username=f"a-{who}", **{who: True})
    client.force_login(user)
    response = client.get("/me/")
    assert '<a href="/admin/">Admin</a>' in response.content.decode()
