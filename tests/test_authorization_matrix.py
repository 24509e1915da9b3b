"""Authorization matrix: every URL of the site, for every role, with the exact
expected answer.

Roles (columns): anonymous, doctor A and B, mentor A and B, CME reviewer,
institution staff of A and of B, superuser. URLs (rows): the public pages, the
learning-path routes, the learner's /me/ pages and downloads, certificate
verification, and every admin view a role might try (pages, snippets, learner
records, certificate actions, the learner's reporting identity, credit from
elsewhere and licence cycles, CME reports and their CSV export, PARS report
batches with their files and the activity export,
the notification inbox, settings and one-click unsubscribe,
the mentoring relationship's private space (its pages, forms and invitation),
Curbside consults (asking the author, public and private questions, answers,
reports, FAQ drafts, the pair's questions and their moderation),
Wagtail's own settings, users, workflows, reports, images and documents,
disclosures and the CME reviewer's relevance and mitigation screens), and
mentoring: programmes, profiles, suggestions, requests and the mentor's
answer, the staff's programmes and cohort table.

The data set is built once per module (per xdist worker) inside a transaction
that is rolled back at the end; each case runs in its own savepoint, so the
POST cases cannot affect each other.

Every answer to a signed-in role carries ``Cache-Control: private, no-store``.

Every 200 answer outside the public verification page is also checked for the
other parties' identifying strings (learner names, usernames, certificate
numbers and codes, another mentor's name on the mentor listing, the earlier
revisions of another mentor's profile or another institution): a role may see
only what the product lets it see. A few cases also assert what must be shown,
so those checks cannot pass vacuously.

Matrix size: 9 roles x 214 URLs = 1926 cases (checked by test_matrix_is_complete,
so the number cannot drift from the table).
"""

import io
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlencode

from django.db import transaction
from django.test import TestCase

from wagtail.models import Site

import pypdf
import pytest

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

from .learning.conftest import complete

ROLES = ["anon", "doc_a", "doc_b", "men_a", "men_b", "rev", "stf_a", "stf_b", "su"]


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


def _programme_report_world(inst_a):
    """A mentoring programme of institution A, for its report's rows."""
    from tests.factories.mentoring import ProgrammeFactory

    return {"prog_rep_a": ProgrammeFactory(institution=inst_a, slug="alpha-report").pk}


# Mentoring relationship space (helper M2's block): doctor A is mentored by
# mentor A in a programme of institution A, doctor B by mentor B in one of B.
SPACE_SHARED_A = "Shared note of pair A: practise the handover summary"
SPACE_PRIVATE_DOC_A = "Private note of doctor A: nights feel lonely"
SPACE_PRIVATE_MEN_A = "Private note of mentor A: ask about the rota"
SPACE_PRIVATE_DOC_B = "Private note of doctor B: exam stress"


def _mentoring_space_world(inst_a, inst_b, doctor_a, doctor_b, mentor_a, mentor_b, staff_a):
    import datetime

    from django.utils import timezone

    from mentoring.space import scheduling, services
    from tests.factories.mentoring import ProgrammeFactory, RelationshipFactory

    rel_a = RelationshipFactory(
        programme=ProgrammeFactory(institution=inst_a, slug="alderbank-mentoring"),
        mentee=doctor_a,
        mentor=mentor_a,
    )
    rel_b = RelationshipFactory(
        programme=ProgrammeFactory(institution=inst_b, slug="birchfield-mentoring"),
        mentee=doctor_b,
        mentor=mentor_b,
    )
    start = timezone.now() + datetime.timedelta(days=30)
    sess_a = scheduling.schedule_session(rel_a, mentor_a, starts_at=start, minutes=60)
    sess_b = scheduling.schedule_session(rel_b, mentor_b, starts_at=start, minutes=60)
    services.add_note(sess_a, doctor_a, text=SPACE_SHARED_A, visibility="shared")
    note_a = services.add_note(sess_a, doctor_a, text=SPACE_PRIVATE_DOC_A, visibility="private")
    services.add_note(sess_a, mentor_a, text=SPACE_PRIVATE_MEN_A, visibility="private")
    services.add_note(sess_b, doctor_b, text=SPACE_PRIVATE_DOC_B, visibility="private")
    services.save_agreement(
        rel_a,
        doctor_a,
        goals="Settle into hospital medicine.",
        cadence="monthly",
        contact="",
        confidentiality="Between us.",
    )
    goal_a = services.add_goal(rel_a, doctor_a, title="Lead handover", topic="clinical")
    return {
        "rel_a": rel_a.pk,
        "sess_a": sess_a.pk,
        "sess_b": sess_b.pk,
        "goal_a": goal_a.pk,
        "note_a": note_a.pk,
        "sess_day": (start + datetime.timedelta(days=1)).date().isoformat(),
    }


def _space_row(url, method="get", data=(), public_identity=False):
    """A row of the space: nobody but its author sees a private note, and
    nobody outside pair A sees pair A's shared note."""
    private = tuple(
        (role, text)
        for role in ROLES
        for text, author in (
            (SPACE_PRIVATE_DOC_A, "doc_a"),
            (SPACE_PRIVATE_MEN_A, "men_a"),
            (SPACE_PRIVATE_DOC_B, "doc_b"),
        )
        if role != author
    ) + tuple((role, SPACE_SHARED_A) for role in ROLES if role not in ("doc_a", "men_a"))
    if public_identity:  # the invitation names both members by design
        private += tuple(
            (role, text) for role in ("doc_a", "men_a") for text in ("Bob Baker", "doctor-b")
        )
    return Row(url, method, data, public_identity=public_identity, extra_forbidden=private)


def _notifications_world(doctor_a, doctor_b):
    """A notification for each doctor (the inbox shows only one's own) and
    doctor A's one-click unsubscribe token."""
    from notifications.services import notify
    from notifications.unsubscribe import make_token
    from tests.notifications.kinds import EXAMPLE

    notify(doctor_a, EXAMPLE.key, subject="Alpha reminder for Alice", text="For Alice only.")
    notify(doctor_b, EXAMPLE.key, subject="Beta reminder for Bob", text="For Bob only.")
    return {"unsub_a": make_token(doctor_a, EXAMPLE.key)}


def _consults_world(guide_a, inst_b, doctor_a, doctor_b, mentor_a, mentor_b):
    """Curbside consults (helper M3's block): doctor A's public question on
    guide A answered by its author, mentor A; doctor B's private question to
    mentor B, their mentor; a report by doctor B of mentor A's answer."""
    from mentoring.models import Answer, Question, Report
    from tests.factories.mentoring import ProgrammeFactory, RelationshipFactory

    pair = RelationshipFactory(
        programme=ProgrammeFactory(institution=inst_b), mentee=doctor_b, mentor=mentor_b.user
    )
    public = Question.objects.create(
        asker=doctor_a, guide=guide_a, title="Matrix public question", body="When to repeat?"
    )
    answer = Answer.objects.create(question=public, author=mentor_a.user, body="Matrix answer")
    private = Question.objects.create(
        asker=doctor_b, relationship=pair, title="Matrix private question", body="Between us."
    )
    report = Report.objects.create(reporter=doctor_b, answer=answer, reason="other")
    return {
        "rel_b": pair.pk,
        "cq_pub": public.pk,
        "ca_pub": answer.pk,
        "cq_priv": private.pk,
        "creport": report.pk,
    }


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


def _mentoring_world(inst_a, doctor_a, mentor_a_user):
    """Mentoring (helper M1's block): an open programme at institution A with
    mentor A as a mentor and doctor A as a mentee whose request waits for
    mentor A. Doctor A asked, in private, for a mentor who trained abroad."""
    from mentoring.models import Role
    from tests.factories.mentoring import (
        MatchRequestFactory,
        MenteeProfileFactory,
        MentorOfferFactory,
        ParticipationFactory,
        ProgrammeFactory,
    )

    programme = ProgrammeFactory(
        institution=inst_a, title="Alderbank mentoring", slug="alder-mentoring"
    )
    MenteeProfileFactory(user=doctor_a, wants_shared=["trained_abroad"])
    MentorOfferFactory(user=mentor_a_user, shares=["trained_abroad"])
    ParticipationFactory(programme=programme, user=doctor_a, role=Role.MENTEE)
    ParticipationFactory(programme=programme, user=mentor_a_user, role=Role.MENTOR)
    request = MatchRequestFactory(
        programme=programme,
        mentee=doctor_a,
        mentor=mentor_a_user,
        message="Matrix hello from doctor A",
        reasons=["both trained abroad", "Internal medicine"],
    )
    return {"prog_a": programme.pk, "men_a_user": mentor_a_user.pk, "mreq_a": request.pk}


# ---------------------------------------------------------------------------
# The URLs (rows). ``{name}`` is filled from world.ids.


@dataclass(frozen=True)
class Row:
    url: str
    method: str = "get"
    data: tuple = ()
    public_identity: bool = False  # the page shows a certificate holder by design
    extra_forbidden: tuple = ()  # (role, string) pairs that must not appear


MENTORING_MESSAGE = "Matrix hello from doctor A"
# A mentee's private wish never reaches a public mentoring page.
_NOT_PUBLIC = tuple((role, "trained abroad") for role in ROLES)

ROWS = {
    # Public pages and the learning-path routes.
    "home": Row("/"),
    "guides": Row("/guides/"),
    "guide_a": Row("{guide_a_url}"),
    "guide_a_in_path": Row("{guide_a_url}?path=path-alpha"),
    "paths": Row("/paths/"),
    "path_a": Row("{path_a_url}"),
    "path_a_enrol": Row("{path_a_url}enrol/"),
    "path_a_enrol_post": Row("{path_a_url}enrol/", "post"),
    "path_a_continue": Row("{path_a_url}continue/"),
    "path_a_step": Row("{path_a_url}steps/{guide_a}/complete/"),
    "path_a_step_post": Row("{path_a_url}steps/{guide_a}/complete/", "post"),
    "path_a_test": Row("{path_a_url}test/"),
    "path_a_test_result": Row("{path_a_url}test/result/"),
    "path_a_evaluation": Row("{path_a_url}evaluation/"),
    "path_a_claim": Row("{path_a_url}claim/"),
    "mentors": Row("/mentors/"),
    "mentor_a": Row("/mentors/ana-alvarez/"),
    "search": Row("/search/?q=x"),
    "suggest": Row("/search/suggest/?q=se"),
    "verify_form": Row("/certificates/verify/"),
    "verify_a": Row("/certificates/verify/{code_a}/", public_identity=True),
    "healthz": Row("/healthz"),
    "privacy_deleted": Row("/me/privacy/deleted/"),
    "privacy_policy": Row("/privacy/"),
    "django_admin": Row("/django-admin/"),
    # The learner's own pages and downloads.
    "me": Row("/me/"),
    "me_profile": Row("/me/profile/"),
    "me_transcript": Row("/me/transcript/"),
    "me_transcript_csv": Row("/me/transcript/transcript.csv"),
    "me_transcript_pdf": Row("/me/transcript/transcript.pdf"),
    "cert_a_pdf": Row("/me/certificates/{cert_a}/pdf/"),
    "cert_b_pdf": Row("/me/certificates/{cert_b}/pdf/"),
    # The PDF file itself is never served from media, to anyone.
    "cert_a_media": Row("/media/{cert_a_file}"),
    "me_privacy": Row("/me/privacy/"),
    "me_privacy_export": Row("/me/privacy/export.json"),
    "me_privacy_delete": Row("/me/privacy/delete/"),
    # Notifications: the inbox, its "mark read", the settings and the
    # e-mail's one-click unsubscribe (a signed token, no sign-in needed).
    "notes_inbox": Row(
        "/me/notifications/",
        extra_forbidden=tuple((r, "Beta reminder for Bob") for r in ROLES if r != "doc_b")
        + tuple((r, "Alpha reminder for Alice") for r in ROLES if r != "doc_a"),
    ),
    "notes_read": Row("/me/notifications/read/", "post"),
    "notes_settings": Row("/me/notifications/settings/"),
    "notes_settings_post": Row("/me/notifications/settings/", "post"),
    "unsub_a": Row("/notifications/unsubscribe/{unsub_a}/"),
    "unsub_a_post": Row("/notifications/unsubscribe/{unsub_a}/", "post"),
    "unsub_forged": Row("/notifications/unsubscribe/not-a-token/"),
    "mfa": Row("/accounts/2fa/"),
    # Reporting identity, credit from elsewhere, licence cycles (learner side).
    "me_reporting": Row("/me/profile/reporting/"),
    "rep_lic_b_remove": Row(
        "/me/profile/reporting/", "post", (("action", "licence-remove"), ("id", "{lic_b}"))
    ),
    "rep_board_b_change": Row(
        "/me/profile/reporting/",
        "post",
        (("action", "board-change"), ("id", "{board_b}"), ("board-{board_b}-board_id", "654321")),
    ),
    "ext_add": Row("/me/transcript/external/add/"),
    "ext_edit_b": Row("/me/transcript/external/{ext_b}/edit/"),
    "ext_delete_b": Row("/me/transcript/external/{ext_b}/delete/"),
    "ext_delete_b_post": Row("/me/transcript/external/{ext_b}/delete/", "post"),
    "ext_cert_b": Row("/me/transcript/external/{ext_b}/certificate/"),
    "ext_media_b": Row("/media/{ext_b_file}"),
    "cycle_add": Row("/me/transcript/cycles/add/"),
    "cycle_edit_b": Row("/me/transcript/cycles/{cycle_b}/edit/"),
    "cycle_delete_b": Row("/me/transcript/cycles/{cycle_b}/delete/"),
    "cycle_delete_b_post": Row("/me/transcript/cycles/{cycle_b}/delete/", "post"),
    # Wagtail admin: home, pages.
    "admin": Row("/admin/"),
    "admin_account": Row("/admin/account/"),
    "explorer": Row("/admin/pages/"),
    "explorer_guides": Row("/admin/pages/{guides_index}/"),
    "edit_guide_a": Row("/admin/pages/{guide_a}/edit/"),
    "edit_guide_b": Row("/admin/pages/{guide_b}/edit/"),
    "history_guide_b": Row("/admin/pages/{guide_b}/history/"),
    "edit_path_a": Row("/admin/pages/{path_a}/edit/"),
    "edit_path_b": Row("/admin/pages/{path_b}/edit/"),
    "add_subpage_guides": Row("/admin/pages/{guides_index}/add_subpage/"),
    "add_guide": Row("/admin/pages/add/cms/guidepage/{guides_index}/"),
    # Snippets: mentors and institutions.
    "mentor_list": Row(
        "/admin/snippets/cms/mentor/",
        extra_forbidden=(("men_a", "Ben Brooks"), ("men_b", "Ana Alvarez")),
    ),
    "mentor_edit_a": Row("/admin/snippets/cms/mentor/edit/{mentor_a}/"),
    "mentor_edit_b": Row("/admin/snippets/cms/mentor/edit/{mentor_b}/"),
    "mentor_history_b": Row("/admin/snippets/cms/mentor/history/{mentor_b}/"),
    "mentor_history_results_b": Row("/admin/snippets/cms/mentor/history-results/{mentor_b}/"),
    "mentor_compare_b": Row(
        "/admin/snippets/cms/mentor/history/{mentor_b}/revisions/compare/earliest...latest/",
        extra_forbidden=(("men_a", "Acme Pharma"),),
    ),
    "mentor_usage_b": Row("/admin/snippets/cms/mentor/usage/{mentor_b}/"),
    "inst_list": Row(
        "/admin/snippets/cms/institution/",
        extra_forbidden=(("stf_a", "Birchfield"), ("stf_b", "Alderbank")),
    ),
    "inst_edit_a": Row("/admin/snippets/cms/institution/edit/{inst_a}/"),
    "inst_edit_b": Row("/admin/snippets/cms/institution/edit/{inst_b}/"),
    "inst_history_b": Row("/admin/snippets/cms/institution/history/{inst_b}/"),
    "inst_compare_b": Row(
        "/admin/snippets/cms/institution/history/{inst_b}/revisions/compare/earliest...latest/",
        extra_forbidden=(("stf_a", "Dr Olde Signatory"),),
    ),
    "inst_usage_b": Row("/admin/snippets/cms/institution/usage/{inst_b}/"),
    # Learner records (read-only viewsets).
    "enrolment_list": Row("/admin/enrolment/"),
    "enrolment_a": Row("/admin/enrolment/inspect/{enrolment_a}/"),
    "stepcompletion_list": Row("/admin/stepcompletion/"),
    "stepcompletion_a": Row("/admin/stepcompletion/inspect/{stepcompletion_a}/"),
    "testattempt_list": Row("/admin/testattempt/"),
    "testattempt_a": Row("/admin/testattempt/inspect/{testattempt_a}/"),
    "creditclaim_list": Row("/admin/creditclaim/"),
    "creditclaim_a": Row("/admin/creditclaim/inspect/{creditclaim_a}/"),
    "creditclaim_b": Row("/admin/creditclaim/inspect/{creditclaim_b}/"),
    "certificate_list": Row("/admin/certificate/"),
    "certificate_a": Row("/admin/certificate/inspect/{cert_a}/"),
    "certificate_b": Row("/admin/certificate/inspect/{cert_b}/"),
    "certificate_edit_a": Row("/admin/certificate/edit/{cert_a}/"),
    "certificateevent_list": Row("/admin/certificateevent/"),
    "certificateevent_a": Row("/admin/certificateevent/inspect/{certificateevent_a}/"),
    # Institution staff views: issue, revoke, reissue, reports, PARS.
    "issue": Row("/admin/certificates/issue/"),
    "revoke_a": Row("/admin/certificates/{cert_a}/revoke/"),
    "revoke_a_post": Row(
        "/admin/certificates/{cert_a}/revoke/", "post", (("reason", "Matrix check"),)
    ),
    "reissue_a": Row("/admin/certificates/{cert_a}/reissue/"),
    "reports": Row("/admin/cme-reports/"),
    "report_a": Row("/admin/cme-reports/{path_a}/"),
    "report_b": Row("/admin/cme-reports/{path_b}/"),
    "reports_csv": Row("/admin/cme-reports/summary.csv"),
    # A path's report as CSV and its learners' drill-down (learning.reports).
    "report_a_csv": Row("/admin/cme-reports/{path_a}/report.csv"),
    "report_b_csv": Row("/admin/cme-reports/{path_b}/report.csv"),
    "learners_a": Row("/admin/cme-reports/{path_a}/learners/"),
    # A mentoring programme's report and its CSV: its institution's staff only.
    "prog_report_a": Row("/admin/mentoring/programmes/{prog_rep_a}/report/"),
    "prog_report_a_csv": Row("/admin/mentoring/programmes/{prog_rep_a}/report.csv"),
    "learners_b": Row("/admin/cme-reports/{path_b}/learners/"),
    # Claim extensions (learning.journey.extension_admin): doctor A has already
    # claimed, so staff A's POST comes back with the form's error.
    "extensions": Row("/admin/cme-reports/extensions/"),
    "extensions_post_a": Row(
        "/admin/cme-reports/extensions/",
        "post",
        (
            ("path", "{path_a}"),
            ("learner", "doctor-a"),
            ("until", "2099-01-01"),
            ("reason", "Matrix check"),
        ),
    ),
    # PARS report batches (learning.reporting): the list, the validation page
    # (GET, and POST that makes the batch: refused, nothing new), a batch and
    # its files, the activity export, and "ask the learner".
    "batches": Row("/admin/cme-reports/batches/"),
    "batch_new_a": Row("/admin/cme-reports/batches/new/?institution={inst_a}&body=CME"),
    "batch_new_b": Row("/admin/cme-reports/batches/new/?institution={inst_b}&body=ABIM"),
    "batch_new_a_post": Row(
        "/admin/cme-reports/batches/new/", "post", (("institution", "{inst_a}"), ("body", "CME"))
    ),
    "batch_a": Row("/admin/cme-reports/batches/{batch_a}/"),
    "batch_b": Row("/admin/cme-reports/batches/{batch_b}/"),
    "batch_a_xlsx": Row("/admin/cme-reports/batches/{batch_a}/learners.xlsx"),
    "batch_a_json": Row("/admin/cme-reports/batches/{batch_a}/learners.json"),
    "batch_b_xlsx": Row("/admin/cme-reports/batches/{batch_b}/learners.xlsx"),
    "batch_b_json": Row("/admin/cme-reports/batches/{batch_b}/learners.json"),
    "activities": Row("/admin/cme-reports/activities.xlsx"),
    # The learners' drill-down and a batch's rows, a page at a time (?page=):
    # the page number changes nothing about who may see them.
    "learners_b_page": Row("/admin/cme-reports/{path_b}/learners/?page=2"),
    "batch_b_page": Row("/admin/cme-reports/batches/{batch_b}/?page=2"),
    "ask_a": Row("/admin/cme-reports/batches/ask/{cert_a}/"),
    "ask_a_post": Row("/admin/cme-reports/batches/ask/{cert_a}/", "post"),
    "ask_b_post": Row("/admin/cme-reports/batches/ask/{cert_b}/", "post"),
    # Wagtail's own admin areas.
    "users": Row("/admin/users/"),
    "user_edit_doc_a": Row("/admin/users/edit/{doc_a}/"),
    "groups": Row("/admin/groups/"),
    "site_settings": Row("/admin/settings/cms/siteidentity/"),
    "workflows": Row("/admin/workflows/list/"),
    "workflow_tasks": Row("/admin/workflows/tasks/index/"),
    "report_locked": Row("/admin/reports/locked/"),
    "report_workflow": Row("/admin/reports/workflow/"),
    "report_workflow_tasks": Row("/admin/reports/workflow_tasks/"),
    "report_page_types": Row("/admin/reports/page-types-usage/"),
    "report_site_history": Row("/admin/reports/site-history/"),
    "report_aging": Row("/admin/reports/aging-pages/"),
    "images": Row("/admin/images/"),
    "documents": Row("/admin/documents/"),
    "collections": Row("/admin/collections/"),
    "sites": Row("/admin/sites/"),
    "redirects": Row("/admin/redirects/"),
    "forms": Row("/admin/forms/"),
    "admin_api_pages": Row("/admin/api/main/pages/"),
    # Disclosures (the person or CME staff) and relevance and mitigation (CME reviewers).
    "cme_people": Row(
        "/admin/cme/people/",
        extra_forbidden=(("men_a", "Ben Brooks"), ("men_b", "Ana Alvarez")),
    ),
    "disclosures_b": Row("/admin/cme/people/{mentor_b}/"),
    "disclose_b": Row("/admin/cme/people/{mentor_b}/disclose/"),
    "disclose_b_post": Row(
        "/admin/cme/people/{mentor_b}/disclose/",
        "post",
        (
            ("rel-TOTAL_FORMS", "0"),
            ("rel-INITIAL_FORMS", "0"),
            ("none_to_disclose", "on"),
            ("given_on", "2026-01-05"),
            ("signed_name", "Ben Brooks"),
            ("attest", "on"),
        ),
    ),
    "cme_content": Row("/admin/cme/content/"),
    "cme_content_path_a": Row("/admin/cme/content/{path_a}/"),
    "cme_content_guide_c": Row("/admin/cme/content/{guide_c}/"),
    "cme_content_guide_c_post": Row(
        "/admin/cme/content/{guide_c}/",
        "post",
        (
            ("kind", "decision"),
            ("page", "{guide_c}"),
            ("target", "{rel_c}"),
            ("d-{guide_c}-{rel_c}-relevant", "no"),
            ("d-{guide_c}-{rel_c}-reason", "Matrix check"),
        ),
    ),
    # Mentoring (helper M1's block): public programmes, personal pages, the
    # mentor's answer, and the staff's programmes and cohort table. Doctor A's
    # message and private wish ("trained abroad") reach only doctor A, mentor A
    # and the programme's staff.
    "mentoring": Row("/mentoring/", extra_forbidden=_NOT_PUBLIC),
    "mentoring_prog_a": Row("/mentoring/alder-mentoring/", extra_forbidden=_NOT_PUBLIC),
    "mentoring_profile": Row("/mentoring/profile/"),
    "mentoring_offer": Row("/mentoring/offer/"),
    "mentoring_requests": Row(
        "/mentoring/requests/",
        extra_forbidden=tuple((r, MENTORING_MESSAGE) for r in ROLES if r not in ("doc_a", "men_a")),
    ),
    "mentoring_suggest_a": Row("/mentoring/alder-mentoring/suggestions/"),
    "mentoring_join_a": Row("/mentoring/alder-mentoring/join/mentee/"),
    "mentoring_join_a_post": Row("/mentoring/alder-mentoring/join/mentee/", "post"),
    "mentoring_leave_a_post": Row("/mentoring/alder-mentoring/leave/mentee/", "post"),
    "mentoring_ask_a_post": Row("/mentoring/alder-mentoring/ask/{men_a_user}/", "post"),
    "mentoring_accept_post": Row("/mentoring/requests/{mreq_a}/accept/", "post"),
    "mentoring_decline_post": Row("/mentoring/requests/{mreq_a}/decline/", "post"),
    "mentoring_withdraw_post": Row("/mentoring/requests/{mreq_a}/withdraw/", "post"),
    "mentoring_admin": Row(
        "/admin/mentoring/programmes/", extra_forbidden=(("stf_b", "Alderbank mentoring"),)
    ),
    "mentoring_admin_add": Row("/admin/mentoring/programmes/new/"),
    "mentoring_admin_edit_a": Row("/admin/mentoring/programmes/edit/{prog_a}/"),
    "mentoring_cohort_a": Row("/admin/mentoring/programmes/{prog_a}/cohort/"),
    # Mentoring relationship space (helper M2's block): pair A's space.
    "ms_space": _space_row("/mentoring/space/{rel_a}/"),
    "ms_agreement": _space_row("/mentoring/space/{rel_a}/agreement/"),
    "ms_agreement_post": _space_row(
        "/mentoring/space/{rel_a}/agreement/",
        "post",
        (("goals", "Nights"), ("cadence", "weekly"), ("contact", ""), ("confidentiality", "Ok")),
    ),
    "ms_accept_post": _space_row(
        "/mentoring/space/{rel_a}/agreement/accept/", "post", (("version", "1"),)
    ),
    "ms_goal_add": _space_row("/mentoring/space/{rel_a}/goals/add/"),
    "ms_goal_add_post": _space_row(
        "/mentoring/space/{rel_a}/goals/add/", "post", (("title", "Audit"), ("topic", "practice"))
    ),
    "ms_goal": _space_row("/mentoring/space/{rel_a}/goals/{goal_a}/"),
    "ms_goal_post": _space_row(
        "/mentoring/space/{rel_a}/goals/{goal_a}/",
        "post",
        (("action", "check-in"), ("c-note", "Going well"), ("c-progress", "50")),
    ),
    "ms_session_add": _space_row("/mentoring/space/{rel_a}/sessions/add/"),
    "ms_session_add_post": _space_row(
        "/mentoring/space/{rel_a}/sessions/add/",
        "post",
        (("date", "2001-01-01"), ("time", "10:00"), ("minutes", "60")),
    ),
    "ms_session": _space_row("/mentoring/space/{rel_a}/sessions/{sess_a}/"),
    "ms_session_post": _space_row(
        "/mentoring/space/{rel_a}/sessions/{sess_a}/",
        "post",
        (("text", "A new shared note"), ("visibility", "shared")),
    ),
    "ms_session_other": _space_row("/mentoring/space/{rel_a}/sessions/{sess_b}/"),
    "ms_session_edit": _space_row("/mentoring/space/{rel_a}/sessions/{sess_a}/edit/"),
    "ms_session_edit_post": _space_row(
        "/mentoring/space/{rel_a}/sessions/{sess_a}/edit/",
        "post",
        (("date", "{sess_day}"), ("time", "10:00"), ("minutes", "45")),
    ),
    "ms_cancel_post": _space_row("/mentoring/space/{rel_a}/sessions/{sess_a}/cancel/", "post"),
    "ms_held_post": _space_row("/mentoring/space/{rel_a}/sessions/{sess_a}/held/", "post"),
    "ms_note_delete_post": _space_row(
        "/mentoring/space/{rel_a}/sessions/{sess_a}/notes/{note_a}/delete/", "post"
    ),
    "ms_invite": _space_row(
        "/mentoring/space/{rel_a}/sessions/{sess_a}/invite.ics", public_identity=True
    ),
    "ms_close": _space_row("/mentoring/space/{rel_a}/close/"),
    "ms_close_post": _space_row(
        "/mentoring/space/{rel_a}/close/",
        "post",
        (("reason", "no_time"), ("rating", "4"), ("would_recommend", "yes")),
    ),
    "ms_rematch_post": _space_row("/mentoring/space/{rel_a}/rematch/", "post"),
    # Curbside consults (mentoring.consults, helper M3's block): asking on a
    # guide (refused: the text has an identifier and no confirmation), the
    # public and private question pages, answering, reporting, the FAQ draft,
    # the pair's private questions, and moderation in the admin.
    "consult_ask_a": Row("/consults/guides/{guide_a}/ask/"),
    "consult_ask_a_post": Row(
        "/consults/guides/{guide_a}/ask/",
        "post",
        (("title", "Matrix"), ("body", "MRN 1234567 has chest pain")),
    ),
    "consult_q_pub": Row("/consults/questions/{cq_pub}/"),
    "consult_q_priv": Row("/consults/questions/{cq_priv}/"),
    "consult_answer_get": Row("/consults/questions/{cq_pub}/answer/"),
    "consult_answer_post": Row(
        "/consults/questions/{cq_pub}/answer/", "post", (("body", "Matrix check answer"),)
    ),
    "consult_answer_priv_post": Row(
        "/consults/questions/{cq_priv}/answer/", "post", (("body", "Matrix check answer"),)
    ),
    "consult_report_q_pub": Row("/consults/questions/{cq_pub}/report/"),
    "consult_report_a_pub": Row("/consults/answers/{ca_pub}/report/"),
    "consult_report_a_post": Row(
        "/consults/answers/{ca_pub}/report/", "post", (("reason", "other"),)
    ),
    "consult_report_q_priv": Row("/consults/questions/{cq_priv}/report/"),
    "consult_faq_post": Row("/consults/questions/{cq_pub}/faq/", "post"),
    "consult_rel_b": Row("/consults/relationships/{rel_b}/"),
    "consult_rel_b_post": Row("/consults/relationships/{rel_b}/", "post"),
    "consult_mod_reports": Row("/admin/consults/"),
    "consult_mod_report": Row("/admin/consults/reports/{creport}/"),
    "consult_mod_report_post": Row(
        "/admin/consults/reports/{creport}/", "post", (("action", "dismiss"),)
    ),
    "consult_mod_questions": Row(
        "/admin/consults/questions/", extra_forbidden=tuple((r, "Matrix private") for r in ROLES)
    ),
    "consult_mod_hide_pub": Row(
        "/admin/consults/questions/{cq_pub}/", "post", (("action", "hide"),)
    ),
    "consult_mod_hide_priv": Row(
        "/admin/consults/questions/{cq_priv}/", "post", (("action", "hide"),)
    ),
}


# ---------------------------------------------------------------------------
# The policy: the expected answer of every URL for every role.
#
#   200 403 404 405  that status
#   login   302 to the log-in page with ?next=<this URL>
#   me      302 to /me/ (signed in, but no admin access: curbside.security)
#   admin   302 to /admin/ (Wagtail's "no permission" redirect, with a message)
#   path    302 to path A's page      cont   302 to path A's continue/
#   loginp  302 to the log-in page with ?next=<path A's page> (enrols on log-in)
#   tres    302 to path A's post-test result
#   xhome   302 to the explorer at the home page
#   xpaths  302 to the explorer at /paths/
#   addg    302 to "add a guide" under /guides/ (the only page type allowed)
#   inspA   302 to the admin inspect view of certificate A (after revoking it)
#   sett    302 to the site settings of the default site
#   discB   302 to mentor B's disclosure history (after signing a new one)
#   decC    302 to guide C's relevance screen, at the decision just recorded
#   batch   302 to the PARS report batches (after "ask the learner")
#   rep     302 to /me/profile/reporting/     trans  302 to /me/transcript/
#   mprog   302 to the mentoring programme A's page   msugg  302 to its suggestions
#   mprofj  302 to the mentee profile, to join programme A on saving
#   mreq    302 to /mentoring/requests/
#   gask    302 to guide A's "Ask the author" (its author does not ask)
#   cqp cqv 302 to the public / private consult question (cqpa, cqva: at its answers)
#   faqA    302 to guide A's editor (the FAQ draft was made)
#   crel    302 to the pair's private questions   crep  302 to the consult report
#   cmodq   302 to the public consult questions in the admin, at the question

EXPECTED_TABLE = """
row                      anon  doc_a doc_b men_a men_b rev   stf_a stf_b su
home                     200   200   200   200   200   200   200   200   200
guides                   200   200   200   200   200   200   200   200   200
guide_a                  200   200   200   200   200   200   200   200   200
guide_a_in_path          200   200   200   200   200   200   200   200   200
paths                    200   200   200   200   200   200   200   200   200
path_a                   200   200   200   200   200   200   200   200   200
path_a_enrol             path  path  path  path  path  path  path  path  path
path_a_enrol_post        loginp cont cont  cont  cont  cont  cont  cont  cont
path_a_continue          login path  path  path  path  path  path  path  path
path_a_step              405   405   405   405   405   405   405   405   405
path_a_step_post         login path  path  path  path  path  path  path  path
path_a_test              login tres  path  path  path  path  path  path  path
path_a_test_result       login 200   path  path  path  path  path  path  path
path_a_evaluation        login path  path  path  path  path  path  path  path
path_a_claim             login path  path  path  path  path  path  path  path
mentors                  200   200   200   200   200   200   200   200   200
mentor_a                 200   200   200   200   200   200   200   200   200
search                   200   200   200   200   200   200   200   200   200
suggest                  200   200   200   200   200   200   200   200   200
verify_form              200   200   200   200   200   200   200   200   200
verify_a                 200   200   200   200   200   200   200   200   200
healthz                  200   200   200   200   200   200   200   200   200
privacy_deleted          200   200   200   200   200   200   200   200   200
privacy_policy           200   200   200   200   200   200   200   200   200
django_admin             404   404   404   404   404   404   404   404   404
me                       login 200   200   200   200   200   200   200   200
me_profile               login 200   200   200   200   200   200   200   200
me_transcript            login 200   200   200   200   200   200   200   200
me_transcript_csv        login 200   200   200   200   200   200   200   200
me_transcript_pdf        login 200   200   200   200   200   200   200   200
cert_a_pdf               login 200   404   404   404   404   200   404   200
cert_b_pdf               login 404   200   404   404   404   404   200   200
cert_a_media             404   404   404   404   404   404   404   404   404
me_privacy               login 200   200   200   200   200   200   200   200
me_privacy_export        login 200   200   200   200   200   200   200   200
me_privacy_delete        login 200   200   200   200   200   200   200   200
notes_inbox              login 200   200   200   200   200   200   200   200
notes_read               login inbox inbox inbox inbox inbox inbox inbox inbox
notes_settings           login 200   200   200   200   200   200   200   200
notes_settings_post      login nset  nset  nset  nset  nset  nset  nset  nset
unsub_a                  200   200   200   200   200   200   200   200   200
unsub_a_post             200   200   200   200   200   200   200   200   200
unsub_forged             404   404   404   404   404   404   404   404   404
mfa                      login 200   200   200   200   200   200   200   200
me_reporting             login 200   200   200   200   200   200   200   200
rep_lic_b_remove         login 404   rep   404   404   404   404   404   404
rep_board_b_change       login 404   rep   404   404   404   404   404   404
ext_add                  login 200   200   200   200   200   200   200   200
ext_edit_b               login 404   200   404   404   404   404   404   404
ext_delete_b             login 404   200   404   404   404   404   404   404
ext_delete_b_post        login 404   trans 404   404   404   404   404   404
ext_cert_b               login 404   200   404   404   404   404   404   404
ext_media_b              404   404   404   404   404   404   404   404   404
cycle_add                login 200   200   200   200   200   200   200   200
cycle_edit_b             login 404   200   404   404   404   404   404   404
cycle_delete_b           login 404   200   404   404   404   404   404   404
cycle_delete_b_post      login 404   trans 404   404   404   404   404   404
admin                    login me    me    200   200   200   200   200   200
admin_account            login me    me    200   200   200   200   200   200
explorer                 login me    me    xhome xhome xhome xpaths xpaths 200
explorer_guides          login me    me    200   200   200   xpaths xpaths 200
edit_guide_a             login me    me    200   admin 200   admin admin 200
edit_guide_b             login me    me    admin 200   200   admin admin 200
history_guide_b          login me    me    admin 200   200   admin admin 200
edit_path_a              login me    me    admin admin 200   200   admin 200
edit_path_b              login me    me    admin admin 200   admin 200   200
add_subpage_guides       login me    me    addg  addg  admin admin admin addg
add_guide                login me    me    200   200   admin admin admin 200
mentor_list              login me    me    200   200   200   200   200   200
mentor_edit_a            login me    me    200   admin admin admin admin 200
mentor_edit_b            login me    me    admin 200   admin admin admin 200
mentor_history_b         login me    me    admin 200   admin admin admin 200
mentor_history_results_b login me    me    admin 200   admin admin admin 200
mentor_compare_b         login me    me    admin 200   admin admin admin 200
mentor_usage_b           login me    me    admin 200   admin admin admin 200
inst_list                login me    me    200   200   200   200   200   200
inst_edit_a              login me    me    admin admin admin 200   admin 200
inst_edit_b              login me    me    admin admin admin admin 200   200
inst_history_b           login me    me    admin admin admin admin 200   200
inst_compare_b           login me    me    admin admin admin admin 200   200
inst_usage_b             login me    me    admin admin admin admin 200   200
enrolment_list           login me    me    admin admin admin 200   200   200
enrolment_a              login me    me    404   404   404   200   404   200
stepcompletion_list      login me    me    admin admin admin 200   200   200
stepcompletion_a         login me    me    404   404   404   200   404   200
testattempt_list         login me    me    admin admin admin 200   200   200
testattempt_a            login me    me    404   404   404   200   404   200
creditclaim_list         login me    me    admin admin admin 200   200   200
creditclaim_a            login me    me    404   404   404   200   404   200
creditclaim_b            login me    me    404   404   404   404   200   200
certificate_list         login me    me    admin admin admin 200   200   200
certificate_a            login me    me    404   404   404   200   404   200
certificate_b            login me    me    404   404   404   404   200   200
certificate_edit_a       login me    me    admin admin admin admin admin admin
certificateevent_list    login me    me    admin admin admin 200   200   200
certificateevent_a       login me    me    404   404   404   200   404   200
issue                    login me    me    404   404   404   200   200   200
revoke_a                 login me    me    404   404   404   200   404   200
revoke_a_post            login me    me    404   404   404   inspA 404   inspA
reissue_a                login me    me    404   404   404   200   404   200
reports                  login me    me    404   404   404   200   200   200
report_a                 login me    me    404   404   404   200   404   200
report_b                 login me    me    404   404   404   404   200   200
reports_csv              login me    me    404   404   404   200   200   200
report_a_csv             login me    me    404   404   404   200   404   200
report_b_csv             login me    me    404   404   404   404   200   200
learners_a               login me    me    404   404   404   200   404   200
prog_report_a            login me    me    404   404   404   200   404   200
prog_report_a_csv        login me    me    404   404   404   200   404   200
learners_b               login me    me    404   404   404   404   200   200
extensions               login me    me    404   404   404   200   200   200
extensions_post_a        login me    me    404   404   404   200   404   200
batches                  login me    me    404   404   404   200   200   200
batch_new_a              login me    me    404   404   404   200   404   200
batch_new_b              login me    me    404   404   404   404   200   200
batch_new_a_post         login me    me    404   404   404   200   404   200
batch_a                  login me    me    404   404   404   200   404   200
batch_b                  login me    me    404   404   404   404   200   200
batch_a_xlsx             login me    me    404   404   404   200   404   200
batch_a_json             login me    me    404   404   404   200   404   200
batch_b_xlsx             login me    me    404   404   404   404   200   200
batch_b_json             login me    me    404   404   404   404   200   200
activities               login me    me    404   404   404   200   200   200
learners_b_page          login me    me    404   404   404   404   200   200
batch_b_page             login me    me    404   404   404   404   200   200
ask_a                    login me    me    404   404   404   405   404   405
ask_a_post               login me    me    404   404   404   batch 404   batch
ask_b_post               login me    me    404   404   404   404   batch batch
users                    login me    me    admin admin admin admin admin 200
user_edit_doc_a          login me    me    admin admin admin admin admin 200
groups                   login me    me    admin admin admin admin admin 200
site_settings            login me    me    admin admin admin admin admin sett
workflows                login me    me    admin admin admin admin admin 200
workflow_tasks           login me    me    admin admin admin admin admin 200
report_locked            login me    me    admin admin 200   admin admin 200
report_workflow          login me    me    200   200   200   200   200   200
report_workflow_tasks    login me    me    200   200   200   200   200   200
report_page_types        login me    me    200   200   200   200   200   200
report_site_history      login me    me    200   200   200   200   200   200
report_aging             login me    me    200   200   200   200   200   200
images                   login me    me    200   200   admin 200   200   200
documents                login me    me    200   200   admin admin admin 200
collections              login me    me    admin admin admin admin admin 200
sites                    login me    me    admin admin admin admin admin 200
redirects                login me    me    admin admin admin admin admin 200
forms                    login me    me    200   200   200   200   200   200
admin_api_pages          login me    me    200   200   200   200   200   200
cme_people               login me    me    200   200   200   200   200   200
disclosures_b            login me    me    admin 200   200   200   200   200
disclose_b               login me    me    admin 200   200   200   200   200
disclose_b_post          login me    me    admin discB discB discB discB discB
cme_content              login me    me    admin admin 200   admin admin 200
cme_content_path_a       login me    me    admin admin 200   admin admin 200
cme_content_guide_c      login me    me    admin admin 200   admin admin 200
cme_content_guide_c_post login me    me    admin admin decC  admin admin decC
mentoring                200   200   200   200   200   200   200   200   200
mentoring_prog_a         200   200   200   200   200   200   200   200   200
mentoring_profile        login 200   200   200   200   200   200   200   200
mentoring_offer          login 200   200   200   200   200   200   200   200
mentoring_requests       login 200   200   200   200   200   200   200   200
mentoring_suggest_a      login 200   mprog mprog mprog mprog mprog mprog mprog
mentoring_join_a         login 405   405   405   405   405   405   405   405
mentoring_join_a_post    login msugg mprofj mprofj mprofj mprofj mprofj mprofj mprofj
mentoring_leave_a_post   login mprog mprog mprog mprog mprog mprog mprog mprog
mentoring_ask_a_post     login mreq  mprog mprog mprog mprog mprog mprog mprog
mentoring_accept_post    login 404   404   mreq  404   404   404   404   404
mentoring_decline_post   login 404   404   mreq  404   404   404   404   404
mentoring_withdraw_post  login mreq  404   404   404   404   404   404   404
mentoring_admin          login me    me    admin admin admin 200   200   200
mentoring_admin_add      login me    me    admin admin admin 200   200   200
mentoring_admin_edit_a   login me    me    admin admin admin 200   404   200
mentoring_cohort_a       login me    me    404   404   404   200   404   200
ms_space                 login 200   404   200   404   404   404   404   404
ms_agreement             login 200   404   200   404   404   404   404   404
ms_agreement_post        login msp   404   msp   404   404   404   404   404
ms_accept_post           login msp   404   msp   404   404   404   404   404
ms_goal_add              login 200   404   200   404   404   404   404   404
ms_goal_add_post         login msp   404   msp   404   404   404   404   404
ms_goal                  login 200   404   200   404   404   404   404   404
ms_goal_post             login msg   404   msg   404   404   404   404   404
ms_session_add           login 200   404   200   404   404   404   404   404
ms_session_add_post      login 200   404   200   404   404   404   404   404
ms_session               login 200   404   200   404   404   404   404   404
ms_session_post          login mss   404   mss   404   404   404   404   404
ms_session_other         login 404   404   404   404   404   404   404   404
ms_session_edit          login 200   404   200   404   404   404   404   404
ms_session_edit_post     login mss   404   mss   404   404   404   404   404
ms_cancel_post           login mss   404   mss   404   404   404   404   404
ms_held_post             login mss   404   mss   404   404   404   404   404
ms_note_delete_post      login mss   404   404   404   404   404   404   404
ms_invite                login 200   404   200   404   404   404   404   404
ms_close                 login 200   404   200   404   404   404   404   404
ms_close_post            login msp   404   msp   404   404   404   404   404
ms_rematch_post          login msp   404   msp   404   404   404   404   404
consult_ask_a            login 200   200   gask  200   200   200   200   200
consult_ask_a_post       login 400   400   gask  400   400   400   400   400
consult_q_pub            200   200   200   200   200   200   200   200   200
consult_q_priv           404   404   200   404   200   404   404   404   404
consult_answer_get       login 405   405   405   405   405   405   405   405
consult_answer_post      login cqp   cqp   cqpa  cqpa  cqp   cqp   cqp   cqp
consult_answer_priv_post login 404   cqv   404   cqva  404   404   404   404
consult_report_q_pub     login cqp   200   200   200   200   200   200   200
consult_report_a_pub     login 200   200   cqp   200   200   200   200   200
consult_report_a_post    login cqp   cqp   cqp   cqp   cqp   cqp   cqp   cqp
consult_report_q_priv    login 404   cqv   404   200   404   404   404   404
consult_faq_post         login cqp   cqp   faqA  cqp   cqp   cqp   cqp   cqp
consult_rel_b            login 404   200   404   200   404   404   404   404
consult_rel_b_post       login 404   400   404   crel  404   404   404   404
consult_mod_reports      login me    me    404   404   404   200   200   200
consult_mod_report       login me    me    404   404   404   200   200   200
consult_mod_report_post  login me    me    404   404   404   crep  crep  crep
consult_mod_questions    login me    me    404   404   404   200   200   200
consult_mod_hide_pub     login me    me    404   404   404   cmodq cmodq cmodq
consult_mod_hide_priv    login me    me    404   404   404   404   404   404
"""


def parse_table(text):
    lines = [line.split() for line in text.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[1:] == ROLES, header
    return {
        (cells[0], role): code
        for cells in rows
        for role, code in zip(ROLES, cells[1:], strict=True)
    }


EXPECTED = parse_table(EXPECTED_TABLE)
ROW_KEYS = list(dict.fromkeys(key for key, _ in EXPECTED))
CASES = [(key, role) for key in ROW_KEYS for role in ROLES]

REDIRECTS = {
    "me": "/me/",
    "admin": "/admin/",
    "path": "{path_a_url}",
    "cont": "{path_a_url}continue/",
    "tres": "{path_a_url}test/result/",
    "xhome": "/admin/pages/{home}/",
    "xpaths": "/admin/pages/{paths_index}/",
    "addg": "/admin/pages/add/cms/guidepage/{guides_index}/",
    "inspA": "/admin/certificate/inspect/{cert_a}/",
    "sett": "/admin/settings/cms/siteidentity/{site}/",
    "discB": "/admin/cme/people/{mentor_b}/",
    "decC": "/admin/cme/content/{guide_c}/#d-{guide_c}-{rel_c}",
    "batch": "/admin/cme-reports/batches/",
    "rep": "/me/profile/reporting/",
    "trans": "/me/transcript/",
    "inbox": "/me/notifications/",
    "nset": "/me/notifications/settings/",
    "mprog": "/mentoring/alder-mentoring/",
    "msugg": "/mentoring/alder-mentoring/suggestions/",
    "mprofj": "/mentoring/profile/?join=alder-mentoring",
    "mreq": "/mentoring/requests/",
    "msp": "/mentoring/space/{rel_a}/",
    "msg": "/mentoring/space/{rel_a}/goals/{goal_a}/",
    "mss": "/mentoring/space/{rel_a}/sessions/{sess_a}/",
    "gask": "{guide_a_url}#ask-the-author",
    "cqp": "/consults/questions/{cq_pub}/",
    "cqpa": "/consults/questions/{cq_pub}/#answers",
    "cqv": "/consults/questions/{cq_priv}/",
    "cqva": "/consults/questions/{cq_priv}/#answers",
    "faqA": "/admin/pages/{guide_a}/edit/",
    "crel": "/consults/relationships/{rel_b}/",
    "crep": "/admin/consults/reports/{creport}/",
    "cmodq": "/admin/consults/questions/#q-{cq_pub}",
}

# Strings a role's 200 answer must contain: proof that the "must not contain"
# checks look at pages that do show learner data to those entitled to it.
MUST_SHOW = {
    ("me_transcript", "doc_a"): ["{number_a}"],
    ("me_transcript", "doc_b"): ["{number_b}", "Bob&#x27;s outside course"],
    ("ext_edit_b", "doc_b"): ["Elsewhere CME"],
    ("certificate_list", "stf_a"): ["Alice Able"],
    ("certificate_list", "stf_b"): ["Bob Baker"],
    ("certificate_list", "su"): ["Alice Able", "Bob Baker"],
    ("creditclaim_list", "stf_a"): ["Alice Able", "Path Alpha"],
    ("verify_a", "anon"): ["Alice Able"],
    ("mentor_list", "men_a"): ["Ana Alvarez"],
    ("mentor_compare_b", "men_b"): ["Acme Pharma"],
    ("inst_compare_b", "stf_b"): ["Dr Olde Signatory"],
    ("batch_a", "stf_a"): ["Alice Able", "{number_a}"],
    ("learners_a", "stf_a"): ["Alice Able", "{number_a}"],
    ("learners_b", "su"): ["Bob Baker", "{number_b}"],
    ("batch_b", "su"): ["Bob Baker", "{number_b}"],
    ("learners_b_page", "stf_b"): ["Bob Baker", "{number_b}"],
    ("batch_b_page", "stf_b"): ["Bob Baker", "{number_b}"],
    ("batch_a_json", "stf_a"): ["Alice", "{number_a}"],
    ("notes_inbox", "doc_a"): ["Alpha reminder for Alice"],
    ("notes_inbox", "doc_b"): ["Beta reminder for Bob"],
    ("mentoring_requests", "doc_a"): [MENTORING_MESSAGE, "both trained abroad"],
    ("mentoring_requests", "men_a"): [MENTORING_MESSAGE],
    ("mentoring_suggest_a", "doc_a"): ["trained abroad"],
    ("mentoring_admin", "stf_a"): ["Alderbank mentoring"],
    ("ms_space", "doc_a"): [SPACE_SHARED_A, SPACE_PRIVATE_DOC_A],
    ("ms_space", "men_a"): [SPACE_SHARED_A, SPACE_PRIVATE_MEN_A],
    ("ms_session", "doc_a"): [SPACE_SHARED_A, SPACE_PRIVATE_DOC_A],
    ("ms_session", "men_a"): [SPACE_SHARED_A, SPACE_PRIVATE_MEN_A],
    ("ms_invite", "men_a"): ["BEGIN:VCALENDAR", "METHOD:REQUEST"],
    ("consult_q_pub", "anon"): ["Matrix public question", "Matrix answer"],
    ("consult_q_priv", "men_b"): ["Matrix private question"],
    ("consult_rel_b", "doc_b"): ["Matrix private question"],
    ("consult_mod_report", "stf_b"): ["Matrix answer"],
    ("consult_mod_questions", "su"): ["Matrix public question"],
}


# ---------------------------------------------------------------------------
# Running one case.


def login_redirect(url):
    return "/accounts/login/?" + urlencode({"next": url}, safe="/")


def expected_answer(code, url, ids):
    """(status, Location or None) for a code of the table."""
    if code.isdigit():
        return int(code), None
    if code == "login":
        return 302, login_redirect(url)
    if code == "loginp":  # log in, then back to path A's page (enrolling on the way)
        return 302, login_redirect(ids["path_a_url"])
    return 302, REDIRECTS[code].format(**ids)


def body_text(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        reader = pypdf.PdfReader(io.BytesIO(raw))
        return " ".join(page.extract_text() for page in reader.pages)
    return raw.decode("utf-8", errors="replace")


def forbidden_strings(world, role, row):
    strings = [] if row.public_identity else list(world.foreign[role])
    return strings + [s for r, s in row.extra_forbidden if r == role]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role"), CASES, ids=[f"{k}-{r}" for k, r in CASES])
def test_answer(client, world, key, role):
    row = ROWS[key]
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = row.url.format(**world.ids)
    data = {key.format(**world.ids): value.format(**world.ids) for key, value in row.data}
    response = client.post(url, data) if row.method == "post" else client.get(url)
    status, location = expected_answer(EXPECTED[key, role], url, world.ids)
    actual = (
        response.status_code,
        response.get("Location") if response.status_code == 302 else None,
    )
    assert actual == (status, location), f"{row.method.upper()} {url} as {role}"
    if user is not None:
        # Every answer to a signed-in request is personal: never stored by a
        # shared cache, a proxy or the browser.
        cache_control = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= cache_control, (url, role, cache_control)
    if status == 200:
        text = body_text(response)
        leaked = [s for s in forbidden_strings(world, role, row) if s in text]
        assert not leaked, f"{url} shows {role} another party's data: {leaked}"
        for wanted in MUST_SHOW.get((key, role), []):
            assert wanted.format(**world.ids) in text, wanted


def test_matrix_is_complete():
    """Every row has a URL and an answer for every role, and the module
    docstring states the matrix size."""
    assert list(ROWS) == ROW_KEYS
    assert len(EXPECTED) == len(ROLES) * len(ROWS) == len(CASES)
    assert f"{len(ROLES)} roles x {len(ROWS)} URLs = {len(CASES)} cases" in __doc__


@pytest.mark.django_db
def test_every_admin_menu_item_is_in_the_matrix(rf, world):
    """The superuser's admin menu (every item, submenus included) only links
    to URLs that the matrix covers, so a new admin area cannot be forgotten."""
    from wagtail.admin.menu import admin_menu

    request = rf.get("/admin/")
    request.user = world.users["su"]
    covered = {row.url.format(**world.ids).split("?")[0] for row in ROWS.values()}

    def urls(items):
        for item in items:
            if getattr(item, "menu", None) is not None:
                yield from urls(item.menu.menu_items_for_request(request))
            elif getattr(item, "url", "").startswith("/admin/"):
                yield item.url

    linked = set(urls(admin_menu.menu_items_for_request(request)))
    assert {"/admin/cme-reports/", "/admin/certificate/", "/admin/users/"} <= linked
    assert not sorted(linked - covered)
