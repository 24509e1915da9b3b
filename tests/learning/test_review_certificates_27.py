"""Twenty-seventh review, the fourth suspicion: a reissue corrects the
certificate of the same completed activity. What it says about the learner
comes from their profile now (a corrected name); what it says about the
activity and its accreditation (the accredited provider, its statements, the
activity's title and format) is the original certificate's, whatever the path
says since: the provider named is the one that accredited the activity when
the learner completed it."""

import pytest

from cms.models import Institution
from learning.certificates import issuance
from learning.models import Certificate, CertificateStatus, LearningPathPage
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

ACTIVITY_FIELDS = (
    "institution_id",
    "path_id",
    "institution_name",
    "accreditation_statement",
    "credit_designation_statement",
    "activity_title",
    "learning_format",
    "credits",
    "completion_date",
)


def _change_the_path_since(path):
    """The path moves to another accredited provider and is retitled."""
    other = InstitutionFactory(name="Birchfield CME Office")
    LearningPathPage.objects.filter(pk=path.pk).update(
        institution=other,
        title="Sepsis, the first hour (2nd edition)",
    )
    return other


def test_a_reissue_names_the_provider_that_accredited_the_completed_activity(
    certificate, path, learner
):
    original = Institution.objects.get(pk=certificate.institution_id)
    other = _change_the_path_since(path)
    profile = learner.learner_profile
    profile.full_name = "Alice B. Able"  # what the reissue corrects
    profile.save()

    new = issuance.reissue(certificate, None, "Name corrected")

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUPERSEDED
    for field in ACTIVITY_FIELDS:
        assert getattr(new, field) == getattr(certificate, field), field
    assert new.institution == original and new.institution != other
    assert other.name not in new.accreditation_statement
    assert new.activity_title == "Recognising sepsis"
    # The learner's side is corrected.
    assert new.learner_name == "Alice B. Able"


def test_the_reissue_stays_with_the_original_providers_staff(certificate, path):
    _change_the_path_since(path)

    new = issuance.reissue(certificate, None, "Board ID added")

    # Staff of the provider who issued it keep it in their records and reports.
    assert Certificate.objects.filter(institution=certificate.institution, pk=new.pk).exists()
