"""Fixtures shared by the bad-input and image-upload property tests."""

from django.core.cache import cache
from django.db import transaction

import pytest

from learning.journey import progress, services
from tests.factories import InstitutionFactory, UserFactory
from tests.learning.conftest import (  # noqa: F401  (fixtures re-exported)
    correct_answers,
    evaluation_answers,
    learner,
    path,
)


@pytest.fixture
def rollback():
    """Run one hypothesis example inside a savepoint that is rolled back, with an
    empty cache: every example starts from the fixture's state, and rate limits
    (certificate look-ups, allauth sign-up) never carry over between examples."""

    class _Rollback:
        def __enter__(self):
            cache.clear()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            return self

        def __exit__(self, *exc):
            transaction.set_rollback(True)
            self._atomic.__exit__(*exc)
            cache.clear()
            return False

    return _Rollback


@pytest.fixture
def at_test(learner, path):  # noqa: F811
    services.enrol(learner, path)
    for step in progress.path_steps(path):
        services.complete_step(learner, path, step.guide_id)
    return path


@pytest.fixture
def at_evaluation(learner, at_test):  # noqa: F811
    services.submit_attempt(learner, at_test, correct_answers(at_test))
    return at_test


@pytest.fixture
def at_claim(learner, at_evaluation):  # noqa: F811
    services.submit_evaluation(learner, at_evaluation, evaluation_answers(at_evaluation))
    return at_evaluation


@pytest.fixture
def admin_world(learner, path, staff_user, superuser):  # noqa: F811
    """A completed path with a certificate, and the staff user on its institution."""
    from tests.learning.conftest import complete

    complete(learner, path)
    path.institution.staff.add(staff_user)
    outsider = UserFactory(username="staff-elsewhere", groups=["Institution staff"])
    InstitutionFactory(name="Elsewhere").staff.add(outsider)
    return {"staff": staff_user, "superuser": superuser, "path": path}
