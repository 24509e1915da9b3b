"""Reading a learner's journey: progress on a path, the catalogue, the dashboard.

Each function reads in a fixed number of queries, whatever the number of steps,
paths or records.
"""

import datetime
import decimal
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.utils import timezone

from wagtail.models import Page

from cms.responsive_images import with_images
from learning.compliance.gate import know_restricted
from learning.models import (
    Certificate,
    CertificateKind,
    CertificateStatus,
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
from learning.permissions import AnyUser

from .activity import with_last_activity
from .remaining import Remaining, remaining_for, with_remaining
from .resume import attach_next
from .stages import Stage
from .steps import with_step_guides


@dataclass
class StepState:
    number: int
    guide: Page
    done: bool
    is_next: bool
    url: str = ""  # the guide read as a step (steps.step_urls), where a view needs it


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
    def enrolled(self) -> bool:
        return self.enrolment is not None

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 0

    @property
    def next_step(self) -> StepState | None:
        return next((s for s in self.steps if not s.done), None)

    @property
    def steps_complete(self) -> bool:
        return self.total > 0 and self.done_count == self.total

    @property
    def passed_attempt(self) -> TestAttempt | None:
        return next((a for a in self.attempts if a.passed), None)

    @property
    def passed(self) -> bool:
        return self.passed_attempt is not None

    @property
    def completed(self) -> bool:
        return self.enrolment is not None and self.enrolment.completed_at is not None

    @property
    def remaining(self) -> Remaining:
        """The steps and the post-test, evaluation and claim still to do."""
        return Remaining(
            steps_done=self.done_count,
            steps_total=self.total,
            passed=self.passed,
            attempts=len(self.attempts),
            evaluated=self.evaluation_done,
            claimed=self.completed,
        )

    @property
    def stage(self) -> Stage:
        if not self.enrolled:
            return Stage.ENROL
        if self.completed:
            return Stage.COMPLETED
        if not self.steps_complete:
            return Stage.STEPS
        if not self.passed:
            return Stage.TEST
        if not self.evaluation_done:
            return Stage.EVALUATION
        return Stage.CLAIM


def path_steps(path: LearningPathPage) -> list[PathStep]:
    # Steps need each guide's title, URL and reading time, not its body.
    steps = list(with_step_guides(PathStep.objects.filter(page=path)))
    for step in steps:  # the publish gate asks, without a query more
        know_restricted(step.guide, path, step.guide_restricted)
    return steps


def get_progress(
    user: AnyUser, path: LearningPathPage, steps: list[PathStep] | None = None
) -> PathProgress:
    """Everything the path page shows about one learner, in a fixed number of
    queries. ``steps``: the path's steps as ``path_steps`` reads them, when the
    caller has them already (the path page's cached snapshot)."""
    if steps is None:
        steps = path_steps(path)
    enrolment = None
    done_ids: set[int] = set()
    attempts: list[TestAttempt] = []
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
            StepCompletion.objects.filter(enrolment=enrolment)
            .order_by()
            .values_list("guide_id", flat=True)
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


def where_next(enrolment: Enrolment, path: LearningPathPage) -> tuple[Stage, PathStep | None]:
    """The stage of ``enrolment`` on ``path`` (as ``PathProgress.stage`` has it)
    and, at the steps stage, the first step not done yet, with its guide.

    For "mark complete", which only needs where to send the learner: one query
    while steps remain (the first of them), two or three once they are all done;
    the path's steps are never all read."""
    if enrolment.completed_at is not None:
        return Stage.COMPLETED, None
    steps = PathStep.objects.filter(page=path)
    pending = with_step_guides(steps.exclude(guide__step_completions__enrolment=enrolment)).first()
    if pending is not None or not steps.exists():
        return Stage.STEPS, pending
    if not TestAttempt.objects.filter(enrolment=enrolment, passed=True).exists():
        return Stage.TEST, None
    if not EvaluationResponse.objects.filter(enrolment=enrolment).exists():
        return Stage.EVALUATION, None
    return Stage.CLAIM, None


def missing_prerequisites(user: AnyUser, path: LearningPathPage) -> list[LearningPathPage]:
    """The paths ``user`` must complete before enrolling in ``path``."""
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


def catalogue(user: AnyUser, index_page: Page) -> list[tuple[LearningPathPage, Enrolment | None]]:
    """Live paths under the catalogue page, with the learner's own status."""
    paths = list(
        with_images(
            LearningPathPage.objects.child_of(index_page)
            .live()
            .public()
            .with_step_counts()
            .select_related("institution")
            .order_by("title"),
            "lead_image",
            "card",
        )
    )
    status = {}
    if user.is_authenticated:
        enrolments = with_remaining(
            Enrolment.objects.filter(user=user, path__in=paths).with_progress()
        )
        for enrolment in enrolments:
            enrolment.remaining = remaining_for(enrolment)
            status[enrolment.path_id] = enrolment
    return [(path, status.get(path.pk)) for path in paths]


def user_time_zone(user: User) -> datetime.tzinfo:
    profile = LearnerProfile.objects.filter(user=user).only("time_zone").first()
    return profile.zone if profile else datetime.UTC


@dataclass
class Dashboard:
    in_progress: list[Enrolment]
    completed: list[Enrolment]
    credits_this_year: decimal.Decimal  # AMA PRA credits (physicians)
    year: int
    hours_this_year: decimal.Decimal = decimal.Decimal(0)  # participation (other professions)


def _participation(
    claim: CreditClaim, certificates: list[Certificate], profile: LearnerProfile | None
) -> bool:
    """Is a claim's amount hours of participation (not credits)? Its valid
    certificate says first (a reissue by staff may correct the kind: that is
    how a wrong profession is corrected); without one yet, what the learner
    claimed (``CreditClaim.kind``), so a later change of profession never
    turns recorded hours into credit; a claim from before the kind was
    recorded goes by the learner's current profession."""
    if certificates:
        return certificates[0].kind == CertificateKind.PARTICIPATION
    if claim.kind:
        return claim.kind == CertificateKind.PARTICIPATION
    return profile is not None and bool(profile.degree) and not profile.is_physician


def _revoked(certificates: list[Certificate]) -> bool:
    """The claim's certificate was revoked and none replaces it: it counts no more."""
    statuses = {c.status for c in certificates}
    return CertificateStatus.REVOKED in statuses and CertificateStatus.VALID not in statuses


def dashboard(user: User) -> Dashboard:
    """The learner's paths in progress (most recently active first, each with
    what is next) and completed, and this year's credits."""
    enrolments = list(
        with_last_activity(with_remaining(Enrolment.objects.filter(user=user).with_progress()))
        .select_related("path", "credit_claim")
        .prefetch_related(
            Prefetch(
                "credit_claim__certificates",
                queryset=Certificate.objects.all(),
                to_attr="all_certificates",
            )
        )
        .order_by("-enrolled_at")
    )
    profile = LearnerProfile.objects.filter(user=user).only("time_zone", "degree").first()
    tz = profile.zone if profile else datetime.UTC
    year = timezone.localdate(timezone=tz).year
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=tz)
    credits, hours = decimal.Decimal(0), decimal.Decimal(0)
    for enrolment in enrolments:
        enrolment.remaining = remaining_for(enrolment)
        claim = getattr(enrolment, "credit_claim", None)
        every = claim.all_certificates if claim else []
        enrolment.current_certificates = [c for c in every if c.status == CertificateStatus.VALID]
        enrolment.participation = bool(
            claim and _participation(claim, enrolment.current_certificates, profile)
        )
        if claim is not None and start <= claim.claimed_at < end and not _revoked(every):
            if enrolment.participation:
                hours += claim.credits
            else:
                credits += claim.credits
    in_progress = [e for e in enrolments if e.completed_at is None]
    in_progress.sort(key=lambda e: e.last_activity, reverse=True)
    attach_next(in_progress)
    return Dashboard(
        in_progress=in_progress,
        completed=[e for e in enrolments if e.completed_at is not None],
        credits_this_year=credits,
        hours_this_year=hours,
        year=year,
    )
