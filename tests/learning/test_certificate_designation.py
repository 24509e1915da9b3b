"""A certificate prints the credit designation the learner claimed under: a
path's maximum lowered after the claim (while the claim waits for approval,
or before a reissue) never gives a certificate that awards more credit than
the maximum it states."""

import decimal

import pytest

from learning.certificates import issuance
from learning.models import Certificate
from tests.factories import LearningPathPageFactory, UserFactory, complete_path

pytestmark = pytest.mark.django_db


def _path(**extra):
    return LearningPathPageFactory(
        title="Sepsis in the first hour",
        slug="sepsis-first-hour",
        steps=1,
        max_credits=decimal.Decimal("3"),
        estimated_minutes=240,
        **extra,
    )


def _lower(path):
    path.max_credits = decimal.Decimal("2")
    path.save()


def test_a_claim_approved_after_the_maximum_was_lowered(
    learner, django_capture_on_commit_callbacks
):
    path = _path(certificate_policy="after_approval")
    claim = complete_path(learner, path, credits="3")
    _lower(path)
    staff = UserFactory(groups=["Institution staff"])

    with django_capture_on_commit_callbacks(execute=True):
        certificate = issuance.approve_claim(claim, staff)

    assert certificate.credits == decimal.Decimal("3.00")
    assert "maximum of 3 " in certificate.credit_designation_statement
    assert "maximum of 2 " not in certificate.credit_designation_statement


def test_a_reissue_keeps_the_designation_of_the_claim(learner, django_capture_on_commit_callbacks):
    path = _path()
    with django_capture_on_commit_callbacks(execute=True):
        complete_path(learner, path, credits="3")
    certificate = Certificate.objects.get(user=learner)
    _lower(path)

    with django_capture_on_commit_callbacks(execute=True):
        replacement = issuance.reissue(certificate, None, "Corrected the spelling of the name")

    assert replacement.credits == certificate.credits
    assert replacement.credit_designation_statement == certificate.credit_designation_statement
