"""Writing the learner's journey: enrol, complete steps, post-test, evaluation, claim.

Every function here is transactional and idempotent, and relies on database
constraints (not only Python checks) so that two simultaneous requests leave
one record. Views call these and show ``JourneyError.message`` to the learner.
"""

import datetime
import decimal
from collections.abc import Iterable, Mapping
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from wagtail.models import Page

from cms.page_access import admits
from learning.boards import ConsentScope
from learning.certificates.issuance import issue_certificate
from learning.certificates.kinds import kind_for
from learning.compliance.availability import credit_available
from learning.exceptions import (
    DisclosureChanged,
    DisclosureNotShown,
    EnrolmentClosed,
    InvalidAnswer,
    JourneyError,
    NotAvailableYet,
    NotEnrolled,
    PrerequisitesMissing,
)
from learning.models import (
    CertificatePolicy,
    ClaimStatus,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    LearnerProfile,
    LearningPathPage,
    PathStep,
    StepCompletion,
    TestAttempt,
)
from learning.reporting.consent import set_consent

from . import disclosure_proof
from .claims import chosen_boards, claimant_profile, claimed_amount
from .extensions import claim_window, learner_today
from .progress import missing_prerequisites
from .questions import TestQuestion, evaluation_questions, post_test_questions
from .stages import Stage
from .steps import guide_restricted, step_url

STEPS_FIRST_MESSAGE = (
    "Claim credit once every step of the path is complete: the path has a step you "
    "have not completed yet."
)


def _require_open(
    path: LearningPathPage, action: str, today: datetime.date, *, extended: bool = False
) -> None:
    """``today``: the learner's date in their own time zone: they may act
    through the termination day where they are, as the claim page's "Claim by"
    says (extensions.claim_window). ``extended``: the learner holds a claim
    extension, which lets them claim after the termination date."""
    if not path.live:
        raise EnrolmentClosed("This learning path is not available.")
    if path.is_terminated(today) and not extended:
        raise EnrolmentClosed(
            f"This activity's accreditation ended on {path.termination_date:%-d %B %Y}, so it "
            f"no longer accepts {action}. Your existing records are kept."
        )


def _require_credit_available(
    path: LearningPathPage, today: datetime.date, *, enrolled: bool, extended: bool = False
) -> None:
    """A credit path that has fallen out of compliance (an expired disclosure,
    a review more than 3 years old...) takes no new enrolments or claims: checked
    now, at the moment of the action, not when the daily check last ran. A
    claim extension lifts the termination date only, never a pause."""
    availability = credit_available(path, extended=extended, learner_on=today)
    if not availability:
        raise EnrolmentClosed(availability.message_for(enrolled))


def enrol(user: User, path: LearningPathPage) -> tuple[Enrolment, bool]:
    """Enrol ``user`` in ``path``; returns (enrolment, created). Idempotent:
    a learner already enrolled keeps their enrolment whatever the path's state."""
    existing = Enrolment.objects.filter(user=user, path=path).first()
    if existing:
        return existing, False
    today = learner_today(LearnerProfile.objects.filter(user=user).first())
    _require_open(path, "new enrolments", today)
    _require_credit_available(path, today, enrolled=False)
    missing = missing_prerequisites(user, path)
    if missing:
        names = ", ".join(f"“{p.title}”" for p in missing)
        raise PrerequisitesMissing(
            f"Complete {names} before you enrol in this path.", missing=missing
        )
    try:
        with transaction.atomic():
            return Enrolment.objects.create(user=user, path=path), True
    except IntegrityError:
        # A simultaneous request enrolled first: the database kept one.
        return Enrolment.objects.get(user=user, path=path), False


def _enrolment_for(user: User, path: LearningPathPage, *, lock: bool = False) -> Enrolment:
    qs = Enrolment.objects.filter(user=user, path=path)
    if lock:
        qs = qs.select_for_update()
    enrolment = qs.first()
    if enrolment is None:
        raise NotEnrolled("Enrol in this path first: your progress is saved from then on.")
    return enrolment


def _may_read(user: User, guide: Page, request: HttpRequest | None) -> bool:
    """Whether the learner passes every view restriction (login, groups,
    password) on the guide and its ancestors, by Wagtail's own rule. Without
    the request, judged from the user alone: a password is only ever proved in
    the learner's session, so a password restriction then refuses."""
    visitor = request if request is not None else SimpleNamespace(user=user, session={})
    return admits(guide, visitor)


def _require_disclosure_shown(
    request: HttpRequest, user: User, path: LearningPathPage, guide: Page
) -> None:
    """The request carries the step page's proof for the disclosure shown now
    (the current version is read only for a proof with a valid signature:
    one small cached query)."""
    verdict = disclosure_proof.check(
        request, user.pk, path.pk, guide.pk, lambda: disclosure_proof.current_version(path)
    )
    if verdict is disclosure_proof.Verdict.CHANGED:
        raise DisclosureChanged(
            disclosure_proof.CHANGED_MESSAGE, url=step_url(path, guide, request)
        )
    if verdict is not disclosure_proof.Verdict.SHOWN:
        raise DisclosureNotShown(
            disclosure_proof.NOT_SHOWN_MESSAGE, url=step_url(path, guide, request)
        )


def complete_step(
    user: User, path: LearningPathPage, guide_id: int, *, request: HttpRequest | None = None
) -> tuple[StepCompletion, bool]:
    """Record that ``user`` completed the step ``guide_id`` of ``path``.
    Returns (completion, created). Two simultaneous calls leave one record.
    A guide the learner may not read (a privacy restriction they do not pass;
    ``request``, when given, is how a password entered in their session counts)
    is refused: they never saw it or its disclosure.

    ``request``: the learner's own request, which must come from the step
    page, where the activity's disclosure is shown (``disclosure_proof``);
    from anywhere else ``DisclosureNotShown`` names that page, and
    ``DisclosureChanged`` when the disclosure changed after the page showed
    it. Without a request (seeding, staff tools) nothing is asked of a page."""
    enrolment = _enrolment_for(user, path)
    step = (
        PathStep.objects.filter(page=path, guide_id=guide_id)
        .select_related("guide")
        .only(
            "guide",
            "guide__title",
            "guide__url_path",
            "guide__live",
            "guide__live_revision",
            "guide__latest_revision",
            "guide__path",
            "guide__depth",
            "guide__alias_of",
        )
        .annotate(restricted=guide_restricted())
        .first()
    )
    if step is None:
        raise JourneyError("That guide is not a step of this path.")
    existing = StepCompletion.objects.filter(enrolment=enrolment, guide_id=guide_id).first()
    if existing:
        existing.enrolment = enrolment  # the caller reads where the learner goes next
        return existing, False
    guide = step.guide
    if not guide.live:
        raise JourneyError("This guide is not published at the moment, so it cannot be completed.")
    if step.restricted and not _may_read(user, guide, request):
        raise JourneyError(
            "This guide is private and you do not have access to it, so it cannot be "
            "completed. Ask the path's provider for access."
        )
    if request is not None:
        _require_disclosure_shown(request, user, path, guide)
    revision_id = guide.live_revision_id or guide.latest_revision_id
    try:
        with transaction.atomic():
            completion = StepCompletion.objects.create(
                enrolment=enrolment,
                guide_id=guide_id,
                guide_revision_id=revision_id,
                guide_revision_number=revision_id,
                guide_title=guide.title,
            )
            return completion, True
    except IntegrityError:
        existing = StepCompletion.objects.get(enrolment=enrolment, guide_id=guide_id)
        existing.enrolment = enrolment
        return existing, False


def _all_steps_complete(enrolment: Enrolment, path: LearningPathPage) -> bool:
    """Every current step of ``path`` has a completion (two small queries)."""
    steps = PathStep.objects.filter(page=path)
    return (
        steps.exists() and not steps.exclude(guide__step_completions__enrolment=enrolment).exists()
    )


def _validate_test_answers(questions: list[TestQuestion], answers: Mapping[str, list[int]]) -> None:
    """``answers``: question id -> list of choice indexes (ints). Raises InvalidAnswer."""
    known = {q.id for q in questions}
    unknown = set(answers) - known
    if unknown:
        raise InvalidAnswer("The answers do not match this post-test. Please reload and try again.")
    for question in questions:
        chosen = answers.get(question.id) or []
        if not chosen:
            raise InvalidAnswer(
                f"Answer question {question.number} before you submit.", field=question.id
            )
        for index in chosen:
            if not isinstance(index, int) or not 0 <= index < len(question.choices):
                raise InvalidAnswer("The answers do not match this post-test. Please reload.")


def submit_attempt(
    user: User, path: LearningPathPage, answers: Mapping[str, list[int]]
) -> TestAttempt:
    """Score and record a post-test attempt. Returns the TestAttempt.

    All steps must be complete; after a pass, no further attempt is recorded
    (the passing one is returned)."""
    questions = post_test_questions(path)
    if not questions:
        raise NotAvailableYet("This path has no post-test.")
    with transaction.atomic():
        enrolment = _enrolment_for(user, path, lock=True)
        passed = TestAttempt.objects.filter(enrolment=enrolment, passed=True).first()
        if passed:
            return passed
        if not _all_steps_complete(enrolment, path):
            raise NotAvailableYet(Stage.TEST.locked_message)
        _validate_test_answers(questions, answers)
        results = {q.id: sorted(set(answers[q.id])) == q.correct for q in questions}
        score = (decimal.Decimal(sum(results.values())) * 100 / len(questions)).quantize(
            decimal.Decimal("0.01")
        )
        number = TestAttempt.objects.filter(enrolment=enrolment).count() + 1
        return TestAttempt.objects.create(
            enrolment=enrolment,
            number=number,
            score=score,
            pass_mark=path.pass_mark,
            passed=score >= path.pass_mark,
            answers={q.id: sorted(set(answers[q.id])) for q in questions},
            results=results,
            path_revision_number=path.live_revision_id,
        )


def submit_evaluation(
    user: User, path: LearningPathPage, answers: Mapping[str, Any]
) -> tuple[EvaluationResponse, bool]:
    """Record the evaluation once; a second submission returns the first."""
    questions = evaluation_questions(path)
    with transaction.atomic():
        enrolment = _enrolment_for(user, path, lock=True)
        existing = EvaluationResponse.objects.filter(enrolment=enrolment).first()
        if existing:
            return existing, False
        if not TestAttempt.objects.filter(enrolment=enrolment, passed=True).exists():
            raise NotAvailableYet(Stage.EVALUATION.locked_message)
        clean = {}
        for question in questions:
            value = answers.get(question.id)
            if not question.validate(value):
                raise InvalidAnswer(f"Answer question {question.number}: {question.prompt}")
            clean[question.id] = value
        if set(answers) - {q.id for q in questions}:
            raise InvalidAnswer("The answers do not match this evaluation. Please reload.")
        response = EvaluationResponse.objects.create(
            enrolment=enrolment,
            answers=clean,
            questions=[q.as_dict() for q in questions],
        )
        if not path.credit_bearing:
            # No credit to claim: the evaluation is the last stage, so it
            # completes the path (and any path needing it as a prerequisite
            # opens). With credit, the claim completes it.
            Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
                completed_at=response.submitted_at
            )
        return response, True


def claim_credit(
    user: User,
    path: LearningPathPage,
    credits: object,
    attested: bool,
    moc_boards: Iterable[str] = (),
) -> tuple[CreditClaim, bool]:
    """Claim credit and complete the path. Returns (claim, created); a second
    claim returns the first one unchanged.

    Refused until every step of the path (as it is now) is complete, and
    after the claim deadline or the termination date unless the learner holds
    an extension for today (extensions.py). ``moc_boards``: the
    boards the learner ticked to have this completion reported to for MOC;
    ticking one gives the standing consent to that board."""
    with transaction.atomic():
        enrolment = _enrolment_for(user, path, lock=True)
        existing = CreditClaim.objects.filter(enrolment=enrolment).first()
        if existing:
            return existing, False
        window = claim_window(enrolment, LearnerProfile.objects.filter(user=user).first())
        _require_open(path, "credit claims", window.today, extended=window.extended)
        if not EvaluationResponse.objects.filter(enrolment=enrolment).exists():
            raise NotAvailableYet(Stage.CLAIM.locked_message)
        # Here, not only on the claim page: every caller (an admin action, a
        # task) is held to it. A step added after the learner's post-test is
        # part of the activity they claim for.
        if not _all_steps_complete(enrolment, path):
            raise NotAvailableYet(STEPS_FIRST_MESSAGE)
        if not path.credit_bearing:
            raise InvalidAnswer("This path does not carry credit.")
        _require_credit_available(path, window.today, enrolled=True, extended=window.extended)
        if window.window_closed:
            raise EnrolmentClosed(window.closed_message(path.claim_window_days))
        # A name and a profession first; then credits or hours (claims.py).
        profile = claimant_profile(user)
        amount = claimed_amount(path, credits, attested, profile)
        boards = chosen_boards(path, profile, moc_boards)
        now = timezone.now()
        approved = path.certificate_policy == CertificatePolicy.ON_COMPLETION
        try:
            with transaction.atomic():
                claim = CreditClaim.objects.create(
                    enrolment=enrolment,
                    credits=amount,
                    max_credits=path.max_credits,
                    attested=True,
                    kind=kind_for(profile),
                    moc_boards=boards,
                    status=ClaimStatus.APPROVED if approved else ClaimStatus.AWAITING_APPROVAL,
                    approved_at=now if approved else None,
                )
        except IntegrityError:
            return CreditClaim.objects.get(enrolment=enrolment), False
        for board in boards:
            set_consent(profile, ConsentScope.BOARD, board, given=True)
        Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
            completed_at=now
        )
        if approved:
            claim.enrolment.completed_at = now
            issue_certificate(claim)
        return claim, True
