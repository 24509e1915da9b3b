"""A draft that closes a circle of prerequisites is refused on every
publishing route, not only in the path editor.

The editor refuses the prerequisite row that closes a circle
(learning.prerequisites); a draft approved from the dashboard, published by
schedule or in bulk skipped that form and went live, after which nobody
could enrol in any path of the circle. The path's save refuses it now, as
the publish gate refuses a credit path's problems."""

import pytest

from learning.exceptions import PrerequisitesMissing, PublishRefused
from learning.journey import services
from learning.models import LearningPathPage, PathPrerequisite
from learning.models.publishing import CIRCLE_REFUSED
from tests.factories import LearningPathPageFactory, UserFactory

pytestmark = pytest.mark.django_db


def _paths():
    alpha = LearningPathPageFactory(max_credits=0, institution=None, title="Alpha", slug="alpha")
    beta = LearningPathPageFactory(max_credits=0, institution=None, title="Beta", slug="beta")
    gamma = LearningPathPageFactory(max_credits=0, institution=None, title="Gamma", slug="gamma")
    PathPrerequisite.objects.create(page=beta, required_path=gamma)
    PathPrerequisite.objects.create(page=gamma, required_path=alpha)
    return alpha, beta, gamma


def _draft_requiring(path, required):
    page = LearningPathPage.objects.get(pk=path.pk)
    page.prerequisites = [PathPrerequisite(required_path=required)]
    return page.save_revision()


def test_a_draft_closing_the_circle_is_refused_when_approved_elsewhere():
    alpha, beta, _ = _paths()
    revision = _draft_requiring(alpha, beta)

    with pytest.raises(PublishRefused) as refused:
        revision.publish()

    assert refused.value.problems == [CIRCLE_REFUSED]
    assert not PathPrerequisite.objects.filter(page=alpha).exists()
    learner = UserFactory(learner=True)
    services.enrol(learner, alpha)  # still open to everyone
    with pytest.raises(PrerequisitesMissing):
        services.enrol(learner, beta)  # needs gamma, which needs alpha: not a lock


def test_a_draft_with_an_ordinary_prerequisite_is_published():
    alpha, _, _ = _paths()
    other = LearningPathPageFactory(max_credits=0, institution=None, title="Other", slug="other")
    _draft_requiring(alpha, other).publish()
    assert PathPrerequisite.objects.filter(page=alpha, required_path=other).exists()
