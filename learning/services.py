"""The learner's journey: enrol, complete steps, post-test, evaluation, claim.

Every function here is transactional and idempotent, and relies on database
constraints (not only Python checks) so that two simultaneous requests leave
one record. Views call these and show ``JourneyError.message`` to the learner.
"""

import datetime
import decimal
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Sum
from django.utils import timezone

from cms.credits import format_credits
from learning.models.pages import QUARTER

from .exceptions import (
    EnrolmentClosed,
    InvalidAnswer,
    JourneyError,
    NotAvailableYet,
    NotEnrolled,
    PrerequisitesMissing,
)
from .models import (
    CertificatePolicy,
    ClaimStatus,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    LearnerProfile,
    LearningPathPage,
    PathPrerequisite,
    PathStep,
    StepCompletion,
    TestAttempt,
)
from .questions import evaluation_questions, post_test_questions

# --- Publication --------------------------------------------------------------


def publication_problems(
    *, max_credits, objectives, step_count, institution, release_date, termination_date, post_test
):
    """What stops a credit-bearing path from being submitted or published."""
    if not max_credits or max_credits <= 0:
        return []
    problems = []
    if not objectives or len(objectives) == 0:
        problems.append("A credit-bearing path needs at least one learning objective.")
    if step_count < 1:
        problems.append("A credit-bearing path needs at least one step.")
    if institution is None:
        problems.append("A credit-bearing path needs an accrediting institution.")
    if not release_date:
        problems.append("A credit-bearing path needs a release date.")
    if not post_test or len(post_test) == 0:
        problems.append("A credit-bearing path needs a post-test with at least one question.")
    if termination_date and release_date and termination_date < release_date:
        problems.append("The termination date is before the release date.")
    return problems


# --- Reading progress ----------------------------------------------------------


@dataclass
class StepState:
    number: int
    guide: object
    done: bool
    is_next: bool


@dataclass
class PathProgress:
    path: LearningPathPage
    enrolment: Enrolment | None
    steps: list[StepState] = field(default_factory=list)
    attempts: list[TestAttempt] = field(default_factory=list)
    evaluation_done: bool = False
    claim: CreditClaim | None = None
    missing_prerequisites: list[LearningPathPage] = field(default_factory=list)

    @property
    def enrolled(self):
        return self.enrolment is not None

    @property
    def total(self):
        return len(self.steps)

    @property
    def done_count(self):
        return sum(1 for s in self.steps if s.done)

    @property
    def percent(self):
        return round(100 * self.done_count / self.total) if self.total else 0

    @property
    def next_step(self):
        return next((s for s in self.steps if not s.done), None)

    @property
    def steps_complete(self):
        return self.total > 0 and self.done_count == self.total

    @property
    def passed_attempt(self):
        return next((a for a in self.attempts if a.passed), None)

    @property
    def passed(self):
        return self.passed_attempt is not None

    @property
    def completed(self):
        return self.enrolment is not None and self.enrolment.completed_at is not None

    @property
    def stage(self):
        if not self.enrolled:
            return "enrol"
        if self.completed:
            return "completed"
        if not self.steps_complete:
            return "steps"
        if not self.passed:
            return "test"
        if not self.evaluation_done:
            return "evaluation"
        return "claim"


def path_steps(path):
    # Steps need each guide's title, URL and reading time, not its body.
    return list(
        PathStep.objects.filter(page=path)
        .select_related("guide")
        .defer("guide__body", "guide__references", "guide__objectives", "guide__summary")
        .order_by("sort_order", "pk")
    )


def get_progress(user, path):
    """Everything the path page shows about one learner, in a fixed number of queries."""
    steps = path_steps(path)
    enrolment = None
    done_ids = set()
    attempts = []
    evaluation_done = False
    claim = None
    if user.is_authenticated:
        enrolment = (
            Enrolment.objects.filter(user=user, path=path)
            .select_related("credit_claim", "evaluation_response")
            .first()
        )
    if enrolment is not None:
        done_ids = set(
            StepCompletion.objects.filter(enrolment=enrolment).values_list("guide_id", flat=True)
        )
        attempts = list(TestAttempt.objects.filter(enrolment=enrolment).order_by("number"))
        evaluation_done = hasattr(enrolment, "evaluation_response")
        claim = getattr(enrolment, "credit_claim", None)
    progress = PathProgress(
        path=path,
        enrolment=enrolment,
        attempts=attempts,
        evaluation_done=evaluation_done,
        claim=claim,
    )
    next_marked = False
    for number, step in enumerate(steps, start=1):
        done = step.guide_id in done_ids
        is_next = not done and not next_marked
        next_marked = next_marked or is_next
        progress.steps.append(
            StepState(number=number, guide=step.guide, done=done, is_next=is_next)
        )
    if enrolment is None:
        progress.missing_prerequisites = missing_prerequisites(user, path)
    return progress


def missing_prerequisites(user, path):
    required = list(
        PathPrerequisite.objects.filter(page=path)
        .select_related("required_path")
        .order_by("sort_order")
    )
    if not required:
        return []
    if not user.is_authenticated:
        return [p.required_path for p in required]
    done = set(
        Enrolment.objects.filter(
            user=user,
            path__in=[p.required_path_id for p in required],
            completed_at__isnull=False,
        ).values_list("path_id", flat=True)
    )
    return [p.required_path for p in required if p.required_path_id not in done]


def catalogue(user, index_page):
    """Live paths under the catalogue page, with the learner's own status."""
    paths = list(
        LearningPathPage.objects.child_of(index_page)
        .live()
        .public()
        .with_step_counts()
        .select_related("institution")
        .order_by("title")
    )
    status = {}
    if user.is_authenticated:
        for enrolment in Enrolment.objects.filter(user=user, path__in=paths).with_progress():
            status[enrolment.path_id] = enrolment
    return [(path, status.get(path.pk)) for path in paths]


# --- Writing progress ------------------------------------------------------------


def user_time_zone(user):
    profile = LearnerProfile.objects.filter(user=user).only("time_zone").first()
    return profile.zone if profile else datetime.UTC


def _require_open(path, action):
    if not path.live:
        raise EnrolmentClosed("This learning path is not available.")
    if path.is_terminated():
        raise EnrolmentClosed(
            f"This activity's accreditation ended on {path.termination_date:%-d %B %Y}, so it "
            f"no longer accepts {action}. Your existing records are kept."
        )


def enrol(user, path):
    """Enrol ``user`` in ``path``; returns (enrolment, created). Idempotent."""
    existing = Enrolment.objects.filter(user=user, path=path).first()
    if existing:
        return existing, False
    _require_open(path, "new enrolments")
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


def _enrolment_for(user, path, *, lock=False):
    qs = Enrolment.objects.filter(user=user, path=path)
    if lock:
        qs = qs.select_for_update()
    enrolment = qs.first()
    if enrolment is None:
        raise NotEnrolled("Enrol in this path first: your progress is saved from then on.")
    return enrolment


def complete_step(user, path, guide_id):
    """Record that ``user`` completed the step ``guide_id`` of ``path``.
    Returns (completion, created). Two simultaneous calls leave one record."""
    enrolment = _enrolment_for(user, path)
    step = PathStep.objects.filter(page=path, guide_id=guide_id).select_related("guide").first()
    if step is None:
        raise JourneyError("That guide is not a step of this path.")
    existing = StepCompletion.objects.filter(enrolment=enrolment, guide_id=guide_id).first()
    if existing:
        return existing, False
    guide = step.guide
    if not guide.live:
        raise JourneyError("This guide is not published at the moment, so it cannot be completed.")
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
        return StepCompletion.objects.get(enrolment=enrolment, guide_id=guide_id), False


def _all_steps_complete(enrolment, path):
    """Every current step of ``path`` has a completion (two small queries)."""
    steps = PathStep.objects.filter(page=path)
    return (
        steps.exists() and not steps.exclude(guide__step_completions__enrolment=enrolment).exists()
    )


def _validate_test_answers(questions, answers):
    """``answers``: question id -> list of choice indexes (ints). Raises InvalidAnswer."""
    known = {q.id for q in questions}
    unknown = set(answers) - known
    if unknown:
        raise InvalidAnswer("The answers do not match this post-test. Please reload and try again.")
    for question in questions:
        chosen = answers.get(question.id) or []
        if not chosen:
            raise InvalidAnswer(f"Answer question {question.number} before you submit.")
        for index in chosen:
            if not isinstance(index, int) or not 0 <= index < len(question.choices):
                raise InvalidAnswer("The answers do not match this post-test. Please reload.")


def submit_attempt(user, path, answers):
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
            raise NotAvailableYet("The post-test opens when every step is complete.")
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


def submit_evaluation(user, path, answers):
    """Record the evaluation once; a second submission returns the first."""
    questions = evaluation_questions(path)
    with transaction.atomic():
        enrolment = _enrolment_for(user, path, lock=True)
        existing = EvaluationResponse.objects.filter(enrolment=enrolment).first()
        if existing:
            return existing, False
        if not TestAttempt.objects.filter(enrolment=enrolment, passed=True).exists():
            raise NotAvailableYet("The evaluation follows a passed post-test.")
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
        return response, True


def parse_credits(raw):
    try:
        value = decimal.Decimal(str(raw).strip())
    except (decimal.InvalidOperation, ValueError, TypeError):
        raise InvalidAnswer(
            "Enter the credits as a number, such as 1.5.", field="credits"
        ) from None
    if not value.is_finite():
        raise InvalidAnswer("Enter the credits as a number, such as 1.5.", field="credits")
    return value


def claim_credit(user, path, credits, attested):
    """Claim credit and complete the path. Returns (claim, created); a second
    claim returns the first one unchanged."""
    credits = parse_credits(credits)
    with transaction.atomic():
        enrolment = _enrolment_for(user, path, lock=True)
        existing = CreditClaim.objects.filter(enrolment=enrolment).first()
        if existing:
            return existing, False
        _require_open(path, "credit claims")
        if not EvaluationResponse.objects.filter(enrolment=enrolment).exists():
            raise NotAvailableYet(
                "Claim credit after you pass the post-test and fill the evaluation."
            )
        if not path.credit_bearing:
            raise InvalidAnswer("This path does not carry credit.")
        if credits <= 0:
            raise InvalidAnswer("Claim more than zero credits.", field="credits")
        if credits > path.max_credits:
            raise InvalidAnswer(
                f"You can claim at most {format_credits(path.max_credits)} credits for this "
                "activity.",
                field="credits",
            )
        if credits % QUARTER:
            raise InvalidAnswer(
                "Claim credits in quarter credits (0.25, 0.5, 0.75...).", field="credits"
            )
        if not attested:
            raise InvalidAnswer(
                "Confirm that you claim only the credit commensurate with your participation.",
                field="attested",
            )
        profile = LearnerProfile.objects.filter(user=user).first()
        if profile is None or not profile.full_name.strip():
            raise InvalidAnswer(
                "Add your name as it should be printed on certificates (your profile) first.",
                field="profile",
            )
        now = timezone.now()
        approved = path.certificate_policy == CertificatePolicy.ON_COMPLETION
        try:
            with transaction.atomic():
                claim = CreditClaim.objects.create(
                    enrolment=enrolment,
                    credits=credits,
                    max_credits=path.max_credits,
                    attested=True,
                    status=ClaimStatus.APPROVED if approved else ClaimStatus.AWAITING_APPROVAL,
                    approved_at=now if approved else None,
                )
        except IntegrityError:
            return CreditClaim.objects.get(enrolment=enrolment), False
        Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
            completed_at=now
        )
        if approved:
            from .certificates.issuance import issue_certificate

            claim.enrolment.completed_at = now
            issue_certificate(claim)
        return claim, True


# --- Dashboard ---------------------------------------------------------------------


@dataclass
class Dashboard:
    in_progress: list
    completed: list
    credits_this_year: decimal.Decimal
    year: int


def dashboard(user):
    from .models import Certificate, CertificateStatus

    enrolments = list(
        Enrolment.objects.filter(user=user)
        .with_progress()
        .select_related("path", "credit_claim")
        .prefetch_related(
            Prefetch(
                "credit_claim__certificates",
                queryset=Certificate.objects.filter(status=CertificateStatus.VALID),
                to_attr="valid_certificates",
            )
        )
        .order_by("-enrolled_at")
    )
    for enrolment in enrolments:
        claim = getattr(enrolment, "credit_claim", None)
        enrolment.current_certificates = claim.valid_certificates if claim else []
    tz = user_time_zone(user)
    year = timezone.localdate(timezone=tz).year
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=tz)
    credits = CreditClaim.objects.filter(
        enrolment__user=user, claimed_at__gte=start, claimed_at__lt=end
    ).aggregate(total=Sum("credits"))["total"] or decimal.Decimal("0")
    return Dashboard(
        in_progress=[e for e in enrolments if e.completed_at is None],
        completed=[e for e in enrolments if e.completed_at is not None],
        credits_this_year=credits,
        year=year,
    )
