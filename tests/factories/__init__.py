"""Test data factories (factory_boy), for the tests and the benchmarks only:
the product packages never import them.

* ``content``: mentors, institutions, guides;
* ``users``: users with traits (superuser, reviewer, staff, mentor, learner),
  learner profiles, ``LearnerFactory`` (enrolled, completed paths);
* ``paths``: learning paths with their steps;
* ``images``: library images with real pixels.
"""

from tests.factories.content import (
    GuidePageFactory,
    InstitutionFactory,
    MentorFactory,
    body_json,
)
from tests.factories.images import PictureFactory
from tests.factories.paths import LearningPathPageFactory, evaluation_json, post_test_json
from tests.factories.users import (
    InstitutionStaffFactory,
    LearnerFactory,
    LearnerProfileFactory,
    MentorUserFactory,
    ReviewerFactory,
    UserFactory,
    complete_path,
    correct_answers,
    evaluation_answers,
    from_step_page,
)

__all__ = [
    "GuidePageFactory",
    "InstitutionFactory",
    "InstitutionStaffFactory",
    "LearnerFactory",
    "LearnerProfileFactory",
    "LearningPathPageFactory",
    "MentorFactory",
    "MentorUserFactory",
    "PictureFactory",
    "ReviewerFactory",
    "UserFactory",
    "body_json",
    "complete_path",
    "correct_answers",
    "evaluation_answers",
    "evaluation_json",
    "from_step_page",
    "post_test_json",
]
