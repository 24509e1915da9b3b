"""The matrix's data set, built once per test module by the ``world`` fixture
(conftest.py): institutions, staff, mentors, guides, paths, doctors with their
certificates and learner records, the learner's reporting identity and credit
from elsewhere, the CME report batches and the notifications. The mentoring
and consults parts: mentoring_world.py."""

import io
from types import SimpleNamespace

from django.test import TestCase

from wagtail.models import Site

import pypdf

from cms.models import GuideIndexPage
from learning.models import (
    Certificate,
    CertificateEvent,
    CreditClaim,
    Enrolment,
    PathIndexPage,
    PdfStatus,
    StepCompletion,
    TestAttempt,
)
from tests.factories import (
    GuidePageFactory,
    InstitutionFactory,
    InstitutionStaffFactory,
    LearnerProfileFactory,
    LearningPathPageFactory,
    MentorFactory,
    MentorUserFactory,
    ReviewerFactory,
    UserFactory,
)
from tests.learning.conftest import complete

from .mentoring_world import (
    _consults_world,
    _mentoring_space_world,
    _mentoring_world,
    _programme_report_world,
)


def _build_world():
    inst_a = InstitutionFactory(name="Alderbank CME Office", slug="alderbank")
    inst_b = InstitutionFactory(name="Birchfield CME Office", slug="birchfield")
    staff_a = InstitutionStaffFactory(username="staff-a")
    staff_b = InstitutionStaffFactory(username="staff-b")
    inst_a.staff.add(staff_a)
    inst_b.staff.add(staff_b)

    mentor_a = MentorFactory(
        user=MentorUserFactory(username="mentor-a"), name="Ana Alvarez", slug="ana-alvarez"
    )
    mentor_b = MentorFactory(
        user=MentorUserFactory(username="mentor-b"), name="Ben Brooks", slug="ben-brooks"
    )
    # Two revisions of mentor B's profile and institution B: the earlier text is
    # no longer public, so only their owners (and superusers) may read it back.
    for bio in ("<p>Formerly consulted for Acme Pharma.</p>", "<p>Hospitalist.</p>"):
        mentor_b.bio = bio
        mentor_b.save()
        mentor_b.save_revision(user=mentor_b.user, log_action=True)
    for signatory in ("Dr Olde Signatory", "Alex Signer, MD"):
        inst_b.signatory_name = signatory
        inst_b.save()
        inst_b.save_revision(user=staff_b, log_action=True)

    guide_a = GuidePageFactory(
        title="Ana's guide", slug="anas-guide", authors=[mentor_a], owner=mentor_a.user
    )
    guide_b = GuidePageFactory(
        title="Ben's guide", slug="bens-guide", authors=[mentor_b], owner=mentor_b.user
    )
    # A guide whose author discloses a relationship, for the CME reviewer's
    # relevance decision (in no path, so no path's compliance changes).
    mentor_c = MentorFactory(
        name="Cy Cedar", slug="cy-cedar", relationships=[("Cedar Devices", "advisor")]
    )
    guide_c = GuidePageFactory(title="Cy's guide", slug="cys-guide", authors=[mentor_c])
    path_a = LearningPathPageFactory(
        title="Path Alpha", slug="path-alpha", institution=inst_a, steps=[guide_a], owner=staff_a
    )
    path_b = LearningPathPageFactory(
        title="Path Beta", slug="path-beta", institution=inst_b, steps=[guide_b], owner=staff_b
    )

    doctor_a = UserFactory(username="doctor-a")
    LearnerProfileFactory(user=doctor_a, full_name="Alice Able")
    doctor_b = UserFactory(username="doctor-b")
    LearnerProfileFactory(user=doctor_b, full_name="Bob Baker")
    with TestCase.captureOnCommitCallbacks(execute=True):
        complete(doctor_a, path_a)
        complete(doctor_b, path_b)
    cert_a = Certificate.objects.get(user=doctor_a)
    cert_b = Certificate.objects.get(user=doctor_b)
    assert cert_a.pdf_status == PdfStatus.READY and cert_b.pdf_status == PdfStatus.READY

    reviewer = ReviewerFactory(username="reviewer")
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)

    def record(model, **lookup):
        return model.objects.filter(**lookup).order_by("pk").first().pk

    ids = {
        "home": GuideIndexPage.objects.get().get_parent().pk,
        "guides_index": GuideIndexPage.objects.get().pk,
        "paths_index": PathIndexPage.objects.get().pk,
        "site": Site.objects.get(is_default_site=True).pk,
        "guide_a": guide_a.pk,
        "guide_b": guide_b.pk,
        "guide_c": guide_c.pk,
        "rel_c": mentor_c.relationship_list[0].pk,
        "path_a": path_a.pk,
        "path_b": path_b.pk,
        "path_a_url": path_a.url,
        "guide_a_url": guide_a.url,
        "mentor_a": mentor_a.pk,
        "mentor_b": mentor_b.pk,
        "inst_a": inst_a.pk,
        "inst_b": inst_b.pk,
        "doc_a": doctor_a.pk,
        "cert_a": cert_a.pk,
        "cert_b": cert_b.pk,
        "code_a": cert_a.verification_code,
        "number_a": cert_a.number,
        "number_b": cert_b.number,
        "enrolment_a": record(Enrolment, user=doctor_a),
        "stepcompletion_a": record(StepCompletion, enrolment__user=doctor_a),
        "testattempt_a": record(TestAttempt, enrolment__user=doctor_a),
        "creditclaim_a": record(CreditClaim, enrolment__user=doctor_a),
        "creditclaim_b": record(CreditClaim, enrolment__user=doctor_b),
        "certificateevent_a": record(CertificateEvent, certificate=cert_a),
        "cert_a_file": cert_a.pdf.name,
        **_learner_side_world(doctor_b),
        **_mentoring_world(inst_a, doctor_a, mentor_a.user),
    }
    users = {
        "anon": None,
        "doc_a": doctor_a,
        "doc_b": doctor_b,
        "men_a": mentor_a.user,
        "men_b": mentor_b.user,
        "rev": reviewer,
        "stf_a": staff_a,
        "stf_b": staff_b,
        "su": superuser,
    }
    # Strings that identify each learner: a role may only see those it is
    # entitled to (doctors see their own, staff their institution's).
    learner_a = ["Alice Able", "doctor-a", cert_a.number, cert_a.verification_code]
    learner_b = ["Bob Baker", "doctor-b", cert_b.number, cert_b.verification_code]
    foreign = {
        "anon": learner_a + learner_b,
        "doc_a": learner_b,
        "doc_b": learner_a,
        "men_a": learner_a + learner_b,
        "men_b": learner_a + learner_b,
        "rev": learner_a + learner_b,
        "stf_a": learner_b,
        "stf_b": learner_a,
        "su": [],
    }
    ids.update(
        _report_batches(inst_a, inst_b, path_a, path_b, doctor_a, doctor_b, staff_a, staff_b)
    )
    ids.update(_notifications_world(doctor_a, doctor_b))
    ids.update(
        _mentoring_space_world(
            inst_a, inst_b, doctor_a, doctor_b, mentor_a.user, mentor_b.user, staff_a
        )
    )
    ids.update(_consults_world(guide_a, inst_b, doctor_a, doctor_b, mentor_a, mentor_b))
    ids.update(_programme_report_world(inst_a))
    return SimpleNamespace(ids=ids, users=users, foreign=foreign)


def _notifications_world(doctor_a, doctor_b):
    """A notification for each doctor (the inbox shows only one's own) and
    doctor A's one-click unsubscribe token."""
    from notifications.services import notify
    from notifications.unsubscribe import make_token
    from tests.notifications.kinds import EXAMPLE

    notify(doctor_a, EXAMPLE.key, subject="Alpha reminder for Alice", text="For Alice only.")
    notify(doctor_b, EXAMPLE.key, subject="Beta reminder for Bob", text="For Bob only.")
    return {"unsub_a": make_token(doctor_a, EXAMPLE.key)}


def _report_batches(inst_a, inst_b, path_a, path_b, doctor_a, doctor_b, staff_a, staff_b):
    """One CME report batch per institution (learning.reporting), each with
    its doctor's certificate: the two learners are ready to be reported."""
    from cms.models import Institution
    from learning.models import LearnerProfile, LearningPathPage, ReportingConsent
    from learning.reporting.batches import create_batch

    found = {}
    batches = (
        ("a", inst_a, path_a, doctor_a, staff_a, "Alice", "Able"),
        ("b", inst_b, path_b, doctor_b, staff_b, "Bob", "Baker"),
    )
    for key, inst, path, doctor, staff, first, last in batches:
        Institution.objects.filter(pk=inst.pk).update(accme_provider_id=f"000000{ord(key) % 10}")
        LearningPathPage.objects.filter(pk=path.pk).update(
            accme_activity_id=f"20250000{key == 'b':d}"
        )
        profile = LearnerProfile.objects.get(user=doctor)
        profile.first_name, profile.last_name, profile.npi = first, last, "1234567893"
        profile.birth_month, profile.birth_day = 4, 9
        profile.save()
        ReportingConsent.objects.create(profile=profile, scope="pars", given_at=profile.updated_at)
        batch = create_batch(Institution.objects.get(pk=inst.pk), "CME", staff)
        found[f"batch_{key}"] = batch.pk
    return found


def _learner_side_world(doctor_b):
    """Doctor B's licence, board, credit from elsewhere (with a PDF) and
    licence cycle: rows only B may touch (helper L's block)."""
    import datetime

    from django.core.files.base import ContentFile

    from learning.models import BoardCertification, ExternalCredit, LicenceCycle, StateLicence

    profile_b = doctor_b.learner_profile
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    pdf = io.BytesIO()
    writer.write(pdf)
    external_b = ExternalCredit.objects.create(
        user=doctor_b,
        provider="Elsewhere CME",
        activity="Bob's outside course",
        completed_on=datetime.date(2026, 1, 5),
        credit_type="ama_1",
        amount=1,
        certificate=ContentFile(pdf.getvalue(), name="bob-certificate.pdf"),
    )
    return {
        "lic_b": StateLicence.objects.create(profile=profile_b, state="NY", number="123").pk,
        "board_b": BoardCertification.objects.create(
            profile=profile_b, board="ABIM", board_id="123456"
        ).pk,
        "ext_b": external_b.pk,
        "ext_b_file": external_b.certificate.name,
        "cycle_b": LicenceCycle.objects.create(
            user=doctor_b,
            name="Bob's licence",
            credits_required=50,
            years=2,
            starts_on=datetime.date(2025, 1, 1),
        ).pk,
    }
