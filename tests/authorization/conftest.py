"""The authorization matrix's ``world`` fixture, for the test modules of this
folder: the data set (world.py) is built once per test module, inside a
transaction that is rolled back at the end."""

from django.db import transaction

import pytest

from .world import _build_world

# ---------------------------------------------------------------------------
# The data set: built once per module.


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
