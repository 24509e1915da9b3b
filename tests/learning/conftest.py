import datetime
import decimal

from django.utils import timezone

import pytest
from allauth.account.models import EmailAddress
from wagtail_factories import ImageFactory

from learning.boards import ConsentScope
from learning.certificates import moc
from learning.journey import progress, services
from learning.journey.questions import evaluation_questions, post_test_questions
from learning.models import (
    BoardCertification,
    Certificate,
    CertificateMoc,
    CertificatePolicy,
    Degree,
    StateLicence,
)
from learning.reporting.consent import set_consent
from tests.factories import (
    LearnerFactory,
    LearningPathPageFactory,
    complete_path,
    correct_answers,
    evaluation_answers,
)

# Many tests import these from here.
complete = complete_path
__all__ = ["complete", "correct_answers", "evaluation_answers"]


@pytest.fixture
def path(db):
    return LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=3)


@pytest.fixture
def certificate(learner, path, django_capture_on_commit_callbacks):
    """The learner's certificate for ``path``, issued and its PDF rendered."""
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    return Certificate.objects.get(user=learner)


@pytest.fixture
def learner(db):
    return LearnerFactory(username="doctor-a", profile__full_name="Alice Able")


@pytest.fixture
def nurse(db):
    """A registered nurse: she records hours and receives a certificate of participation."""
    return LearnerFactory(
        username="nurse-n",
        profile__full_name="Nora Nightingale",
        profile__credentials="RN, BSN",
        profile__degree=Degree.RN,
    )


@pytest.fixture
def other_learner(db):
    return LearnerFactory(username="doctor-b", profile__full_name="Bob Baker")


def wrong_answers(path):
    return {q.id: [1] for q in post_test_questions(path)}


def post_test_data(answers):
    """Post-test answers as the form posts them."""
    data = {}
    for qid, choices in answers.items():
        data[f"q-{qid}"] = [str(c) for c in choices]
    return data


def evaluation_post_data(path):
    data = {}
    for q in evaluation_questions(path):
        if q.kind == "rating":
            data[f"q-{q.id}"] = "4"
        elif q.kind == "text":
            data[f"q-{q.id}"] = "The checklist."
        else:
            data[f"q-{q.id}"] = "yes"
            data[f"q-{q.id}-how"] = "Screen earlier."
    return data


# --- Privacy (test_privacy_*.py) -------------------------------------------------------
# test_report_scale.py has a ``certified`` fixture of its own, which replaces
# this one in that module.


@pytest.fixture
def certified(learner, path, django_capture_on_commit_callbacks):
    """``learner`` with an NPI, a licence, a board ID and consents, a verified
    e-mail address, one certificate, one path in progress and one claim
    awaiting approval."""
    profile = learner.learner_profile
    profile.npi = "1234567893"
    profile.birth_month, profile.birth_day = 4, 12
    profile.save()
    StateLicence.objects.create(profile=profile, state="OH", number="35.123456")
    BoardCertification.objects.create(profile=profile, board="ABIM", board_id="778778")
    set_consent(profile, ConsentScope.PARS, given=True)
    set_consent(profile, ConsentScope.BOARD, "ABIM", given=True)
    # The factory recorded the confirmed address (curbside.security.confirm_email).
    assert EmailAddress.objects.filter(user=learner, verified=True, primary=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    in_progress = LearningPathPageFactory(title="Breaking bad news", slug="bad-news", steps=2)
    services.enrol(learner, in_progress)
    services.complete_step(learner, in_progress, progress.path_steps(in_progress)[0].guide_id)
    awaiting = LearningPathPageFactory(
        title="Negotiating a contract",
        slug="contract",
        steps=1,
        certificate_policy=CertificatePolicy.AFTER_APPROVAL,
    )
    complete(learner, awaiting)
    return Certificate.objects.get(user=learner)


@pytest.fixture
def others_certificate(other_learner, path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complete(other_learner, path)
    return Certificate.objects.get(user=other_learner)


# --- Reminders (test_reminders_*.py) ---------------------------------------------------


@pytest.fixture
def start():
    """When the learners last did something: long enough ago that every
    scan below (start + a few weeks) is still in the past."""
    return timezone.now().replace(microsecond=0) - datetime.timedelta(days=60)


@pytest.fixture
def maya(db):
    return LearnerFactory(
        username="maya",
        email="maya@example.org",
        first_name="Maya",
        profile__full_name="Maya R. Chen",
        profile__first_name="Maya",
        profile__time_zone="America/Chicago",
    )


@pytest.fixture
def sepsis(path):
    """The reminder tests' name for ``path`` (the same three-step path)."""
    return path


def sign_with_logo(institution):
    """Give ``institution`` a logo and a signature, as its certificates print them."""
    institution.logo = ImageFactory(title="Logo", file__color="navy")
    institution.signature = ImageFactory(title="Signature", file__color="black", file__width=300)
    institution.save()


@pytest.fixture
def printed_certificates(learner, nurse, path, django_capture_on_commit_callbacks):
    """A physician's certificate with an MOC statement and a nurse's certificate of
    participation, from an institution with a logo and a signature."""
    sign_with_logo(path.institution)
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
        complete(nurse, path, credits="1")
    physician = Certificate.objects.get(user=learner)
    CertificateMoc.objects.create(
        certificate=physician,
        board="ABIM",
        credit_type="ABIM:MK",
        points=decimal.Decimal("1.25"),
        board_id="123456",
        statement=moc.statement("ABIM", "ABIM:MK", decimal.Decimal("1.25")),
    )
    return [physician, Certificate.objects.get(user=nurse)]
