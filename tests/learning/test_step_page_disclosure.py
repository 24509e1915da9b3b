"""A guide read as a step of a path (/guides/<slug>/?path=<path>) is part of
the activity: before its content the learner reads the activity's
disclosure, as on the path page (every step's authors, the planners and
reviewers, the commercial support), not only this guide's authors. Learners
reach the steps straight from /me/, "Continue" and "Mark complete and
continue", so the step page is where they read it."""

import pytest

from learning.journey import progress, services
from learning.models import PathCommercialSupport, SupportKind
from tests.factories import LearningPathPageFactory, MentorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supported_path():
    planner = MentorFactory(name="Pat Okonkwo", credentials="MD", in_directory=False)
    path = LearningPathPageFactory(slug="sepsis-hour", steps=2, planners=[planner])
    PathCommercialSupport.objects.create(
        page=path, company="Acme Diagnostics", kind=SupportKind.MONETARY, sort_order=0
    )
    return path


def _disclosure(html):
    start = html.index('id="disclosure"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_step_page_shows_the_activitys_disclosure(client, learner, supported_path, signed_in):
    if signed_in:
        services.enrol(learner, supported_path)
        client.force_login(learner)
    guide = progress.path_steps(supported_path)[0].guide

    html = client.get(f"{guide.url}?path={supported_path.slug}").content.decode()

    assert "Step 1 of 2" in html
    block = _disclosure(html)
    assert "This activity received commercial support from: Acme Diagnostics," in block
    assert "Pat Okonkwo" in block
    assert "received no commercial support" not in block
    # Before the content.
    assert html.index('id="disclosure"') < html.index("guide-body")


def test_the_same_guide_read_on_its_own_shows_its_own_authors(client, supported_path):
    guide = progress.path_steps(supported_path)[0].guide

    block = _disclosure(client.get(guide.url).content.decode())

    assert "Acme Diagnostics" not in block and "Pat Okonkwo" not in block
    assert "This guide received no commercial support." in block
