""" "Mark complete" records the step only if the activity's disclosure the
step page showed is still the disclosure now (learning.journey.disclosure_proof).

A learner opens a step page; an editor then publishes a change to what the
page disclosed (a new commercial supporter, a new planner, a step's new
author) or a person in control of the content signs a new disclosure. The
learner's click on "Mark complete" records nothing: they are sent back to the
step page, which shows the current disclosure and says it changed. A change
elsewhere on the site, or to the path that leaves its disclosure as it was,
does not stand in their way."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from cms.disclosures import Relationship, record_disclosure
from cms.models import GuideAuthor
from learning.journey import disclosure_proof, progress, services
from learning.models import (
    LearningPathPage,
    PathCommercialSupport,
    PathContributor,
    PathContributorRole,
    StepCompletion,
    SupportKind,
)
from tests.factories import (
    GuidePageFactory,
    LearningPathPageFactory,
    MentorFactory,
    from_step_page,
)

pytestmark = pytest.mark.django_db

CHANGED = "The activity&#x27;s disclosure has changed since this page was shown to you"


@pytest.fixture
def path():
    planner = MentorFactory(name="Pat Okonkwo", credentials="MD", in_directory=False)
    return LearningPathPageFactory(slug="sepsis-hour", steps=2, planners=[planner])


@pytest.fixture
def signed_in(client, learner, path):
    services.enrol(learner, path)
    client.force_login(learner)
    return client


def _guide(path, index=0):
    return progress.path_steps(path)[index].guide


def _step_page(path, guide):
    return f"{guide.url}?path={path.slug}"


def _proof_on(html):
    """What the step page's "Mark complete" form posts, as the browser would."""
    match = re.search(r'name="disclosure" value="([^"]+)"', html)
    assert match, "no disclosure field in the mark-complete form"
    return match.group(1)


def _open_step_page(client, path, guide):
    response = client.get(_step_page(path, guide))
    assert response.status_code == 200
    return _proof_on(response.content.decode())


def _mark_complete(client, path, guide, proof):
    return client.post(f"{path.url}steps/{guide.pk}/complete/", {"disclosure": proof}, follow=True)


def _publish(page):
    """As an editor's "Publish": a new revision, made live."""
    page.save_revision().publish()


def _add_supporter(path):
    path = LearningPathPage.objects.get(pk=path.pk)
    path.commercial_support.add(
        PathCommercialSupport(company="Acme Diagnostics", kind=SupportKind.MONETARY)
    )
    _publish(path)
    return "Acme Diagnostics"


def _add_planner(path):
    planner = MentorFactory(name="Quinn Harlow", credentials="DO", in_directory=False)
    path = LearningPathPage.objects.get(pk=path.pk)
    path.contributors.add(PathContributor(person=planner, role=PathContributorRole.PLANNER))
    _publish(path)
    return "Quinn Harlow"


def _planner_discloses_a_relationship(path):
    planner = path.contributors.get().person
    record_disclosure(
        planner,
        relationships=[Relationship("Borealis Pharma", "consultant")],
        signed_name=planner.name,
    )
    return "Borealis Pharma"


def _second_step_gets_a_new_author(path):
    author = MentorFactory(name="Rowan Castillo", credentials="MD")
    guide = _guide(path, 1).specific
    guide.authors.add(GuideAuthor(mentor=author))
    _publish(guide)
    return "Rowan Castillo"


@pytest.mark.parametrize(
    "change",
    [
        _add_supporter,
        _add_planner,
        _planner_discloses_a_relationship,
        _second_step_gets_a_new_author,
    ],
    ids=["commercial-supporter", "planner", "planner-relationship", "step-author"],
)
def test_a_disclosure_changed_after_the_step_page_was_shown_records_nothing(
    signed_in, learner, path, change
):
    guide = _guide(path)
    proof = _open_step_page(signed_in, path, guide)
    newly_disclosed = change(path)

    response = _mark_complete(signed_in, path, guide, proof)

    assert not StepCompletion.objects.filter(enrolment__user=learner).exists()
    # Back on the step page (a normal page), which now shows the current
    # disclosure and says why the step was not recorded.
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == _step_page(path, guide)
    html = response.content.decode()
    assert CHANGED in html
    assert newly_disclosed in html
    # Read there, the step is recorded.
    response = _mark_complete(signed_in, path, guide, _proof_on(html))
    assert StepCompletion.objects.filter(enrolment__user=learner, guide=guide).exists()
    assert CHANGED not in response.content.decode()


def test_an_unchanged_disclosure_records_the_step(signed_in, learner, path):
    guide = _guide(path)
    proof = _open_step_page(signed_in, path, guide)
    # What tools compute for the page (the journey benchmark's set-up) is what it shows.
    assert from_step_page(learner, path, guide.pk) == {"disclosure": proof}

    response = _mark_complete(signed_in, path, guide, proof)

    assert StepCompletion.objects.filter(enrolment__user=learner, guide=guide).exists()
    assert response.redirect_chain[-1][0] == _step_page(path, _guide(path, 1))
    assert CHANGED not in response.content.decode()


def test_changes_that_leave_the_disclosure_as_shown_do_not_stand_in_the_way(
    signed_in, learner, path
):
    guide = _guide(path)
    proof = _open_step_page(signed_in, path, guide)
    # Elsewhere on the site: a guide in no path, published with a new author.
    GuidePageFactory(title="Unrelated guide", authors=[MentorFactory()]).save_revision().publish()
    # The path itself, republished with a new summary (a new live revision),
    # and the step's guide retitled: nothing the disclosure shows.
    path = LearningPathPage.objects.get(pk=path.pk)
    path.summary = "A shorter path."
    _publish(path)
    retitled = guide.specific
    retitled.title = "Sepsis: the first hour"
    _publish(retitled)

    response = _mark_complete(signed_in, path, guide, proof)

    assert StepCompletion.objects.filter(enrolment__user=learner, guide=guide).exists()
    assert CHANGED not in response.content.decode()


def test_a_proof_with_a_made_up_disclosure_version_is_not_accepted(signed_in, learner, path):
    guide = _guide(path)
    proof = _open_step_page(signed_in, path, guide)
    _add_supporter(path)
    current = _proof_on(signed_in.get(_step_page(path, guide)).content.decode())
    # The current page's disclosure version with the old page's signature.
    forged = current.split(".")[0] + "." + proof.split(".")[-1]

    response = _mark_complete(signed_in, path, guide, forged)

    assert not StepCompletion.objects.exists()
    assert response.redirect_chain[-1][0] == _step_page(path, guide)
    assert "read with the activity&#x27;s disclosure" in response.content.decode()


def test_the_current_version_costs_mark_complete_one_small_query(settings, path):
    """With the database cache production uses: once known, the version is
    one cache read of its own key, not of the path's pickled steps."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "curbside_cache",
        },
    }
    first = disclosure_proof.current_version(path)  # worked out and stored

    with CaptureQueriesContext(connection) as ctx:
        again = disclosure_proof.current_version(path)

    assert again == first
    assert len(ctx.captured_queries) == 1
    assert ":disclosure-version" in ctx.captured_queries[0]["sql"]
