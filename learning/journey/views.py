"""Thin views: parse the request, call the journey's services, render or redirect."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme

from wagtail.models import Page

from cms.credits import format_credits
from learning.blocks import PRACTICE_CHANGE_CHOICES, RATING_CHOICES
from learning.certificates.kinds import designated_maximum, hours_text
from learning.compliance.availability import Availability, credit_available
from learning.compliance.snapshot import path_snapshot
from learning.exceptions import JourneyError
from learning.models import (
    Certificate,
    CertificateStatus,
    Enrolment,
    LearnerProfile,
    LearningPathPage,
)

from . import pending, services
from . import progress as journey_progress
from .claims import PARTICIPANT, moc_choices, words_for
from .extensions import claim_window
from .forms import ClaimForm, ProfileForm, parse_evaluation_answers, parse_test_answers
from .progress import PathProgress
from .questions import evaluation_questions, post_test_questions, review_attempt
from .stages import ENROL_FIRST_MESSAGE, STEPS_DONE_MESSAGE, Stage
from .steps import stage_url, step_urls


def _login_first(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _learner(request: HttpRequest) -> User:
    """The signed-in learner, once _login_first or @login_required let the request in."""
    return cast(User, request.user)


def _next_url(request: HttpRequest, path: LearningPathPage, progress: PathProgress) -> str:
    step = progress.next_step
    return stage_url(request, path, progress.stage, step.guide if step else None)


def _render(
    request: HttpRequest,
    path: LearningPathPage,
    template: str,
    status: int = 200,
    **context: Any,
) -> TemplateResponse:
    return TemplateResponse(
        request, template, {"page": path, "self": path, **context}, status=status
    )


def _credit_notice(availability: Availability, progress: PathProgress) -> str:
    """What the path page tells this visitor when credit is paused ("" when
    nothing: the page already says a terminated path is closed to newcomers,
    and a learner who claimed has nothing left to wait for)."""
    if availability or progress.completed:
        return ""
    if not progress.enrolled and availability.ended_on:
        return ""
    return availability.message_for(progress.enrolled)


def path_overview(request: HttpRequest, path: LearningPathPage) -> HttpResponse:
    # The steps, credit availability and the activity's disclosures,
    # statements and contact (told before enrolment), kept in the cache
    # between changes.
    snapshot = path_snapshot(
        path,
        lambda: journey_progress.path_steps(path),
        live=not getattr(request, "is_preview", False),
    )
    progress = journey_progress.get_progress(request.user, path, steps=snapshot.steps)
    for step, url in zip(progress.steps, step_urls(path, snapshot.guides, request), strict=True):
        step.url = url
    compliance = snapshot.compliance
    availability = compliance.availability
    activity = compliance.activity
    certificate = None
    if progress.completed and progress.claim is not None:
        # The moment the path is complete, its certificate is on this page.
        certificate = (
            Certificate.objects.filter(claim=progress.claim, status=CertificateStatus.VALID)
            .order_by("-pk")
            .first()
        )
    return _render(
        request,
        path,
        "learning/path_page.html",
        progress=progress,
        credit_status=availability,
        credit_paused=_credit_notice(availability, progress),
        certificate=certificate,
        **activity,
    )


def catalogue_context(request: HttpRequest, page: Page) -> dict[str, Any]:
    """The catalogue of paths under ``page``, with the learner's own status.
    Registered as the ``path_index_page_context`` hook."""
    return {"catalogue": journey_progress.catalogue(request.user, page)}


def enrol(request: HttpRequest, path: LearningPathPage) -> HttpResponse:
    if request.method != "POST":
        return redirect(path.url)
    if not request.user.is_authenticated:
        # Finished on log-in or sign-up (pending.py); then back to the path page.
        pending.remember(request, path)
        return redirect_to_login(path.url)
    try:
        _, created = services.enrol(_learner(request), path)
    except JourneyError as exc:
        messages.error(request, exc.message)
        return redirect(path.url)
    if created:
        messages.success(request, pending.enrolled_message(path))
    return redirect(path.route_url("continue"))


def continue_path(request: HttpRequest, path: LearningPathPage) -> HttpResponse:
    if response := _login_first(request):
        return response
    enrolment = Enrolment.objects.filter(user=_learner(request), path=path).first()
    if enrolment is None:
        return redirect(path.url)
    stage, step = journey_progress.where_next(enrolment, path)
    return redirect(stage_url(request, path, stage, step.guide if step else None))


def complete_step(request: HttpRequest, path: LearningPathPage, guide_id: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if response := _login_first(request):
        return response
    try:
        completion, _ = services.complete_step(_learner(request), path, guide_id)
    except JourneyError as exc:
        messages.error(request, exc.message)
        return redirect(path.url)
    # Where next, without reading the whole path again.
    stage, step = journey_progress.where_next(completion.enrolment, path)
    if stage == Stage.TEST:
        messages.success(request, STEPS_DONE_MESSAGE)
    return redirect(stage_url(request, path, stage, step.guide if step else None))


def _stage_guard(
    request: HttpRequest, path: LearningPathPage, progress: PathProgress, wanted: Stage
) -> HttpResponse | None:
    """Redirect with a message when the learner is not at this point yet."""
    if not progress.enrolled:
        messages.info(request, ENROL_FIRST_MESSAGE)
        return redirect(path.url)
    if progress.stage.precedes(wanted):
        messages.info(request, wanted.locked_message)
        return redirect(_next_url(request, path, progress))
    return None


def post_test(request: HttpRequest, path: LearningPathPage) -> HttpResponse:
    """The questions (GET) and their answers (POST). A recorded attempt is
    shown by a redirect to ``test/result/`` (post/redirect/get), so reloading
    the result never submits the answers again."""
    if response := _login_first(request):
        return response
    progress = journey_progress.get_progress(request.user, path)
    if response := _stage_guard(request, path, progress, Stage.TEST):
        return response
    if progress.passed:
        return redirect(path.route_url("post_test_result"))
    questions = post_test_questions(path)
    context: dict[str, Any] = {"progress": progress, "questions": questions, "selected": {}}
    if request.method == "POST":
        answers, error = parse_test_answers(request.POST, questions)
        missing = None
        if error is None:
            try:
                services.submit_attempt(_learner(request), path, answers)
            except JourneyError as exc:
                error, missing = exc.message, exc.field
            else:
                return redirect(path.route_url("post_test_result"))
        context.update(error=error, selected=answers, missing=missing)
        return _render(request, path, "learning/post_test.html", status=400, **context)
    return _render(request, path, "learning/post_test.html", **context)


def post_test_result(request: HttpRequest, path: LearningPathPage) -> HttpResponse:
    """The learner's latest recorded attempt (the passing one once passed),
    question by question: a GET that writes nothing."""
    if response := _login_first(request):
        return response
    progress = journey_progress.get_progress(request.user, path)
    if response := _stage_guard(request, path, progress, Stage.TEST):
        return response
    attempt = progress.passed_attempt or (progress.attempts[-1] if progress.attempts else None)
    if attempt is None:
        return redirect(path.route_url("post_test"))
    reviewed = review_attempt(post_test_questions(path), attempt)
    return _render(
        request,
        path,
        "learning/post_test_result.html",
        progress=progress,
        attempt=attempt,
        reviewed=reviewed,
        right_count=sum(1 for r in reviewed if r.right),
        missed=[r for r in reviewed if not r.right],
    )


def evaluation(request: HttpRequest, path: LearningPathPage) -> HttpResponse:
    if response := _login_first(request):
        return response
    progress = journey_progress.get_progress(request.user, path)
    if response := _stage_guard(request, path, progress, Stage.EVALUATION):
        return response
    if progress.evaluation_done:
        return redirect(path.route_url("claim") if not progress.completed else path.url)
    questions = evaluation_questions(path)
    context: dict[str, Any] = {
        "progress": progress,
        "questions": questions,
        "answers": {},
        "rating_choices": RATING_CHOICES,
        "practice_change_choices": PRACTICE_CHANGE_CHOICES,
    }
    if request.method == "POST":
        answers, error = parse_evaluation_answers(request.POST, questions)
        if error is None:
            try:
                services.submit_evaluation(_learner(request), path, answers)
            except JourneyError as exc:
                error = exc.message
            else:
                messages.success(
                    request, "Thank you: your evaluation helps us improve this activity."
                )
                return redirect(path.route_url("claim"))
        context.update(error=error, answers=answers)
        return _render(request, path, "learning/evaluation.html", status=400, **context)
    return _render(request, path, "learning/evaluation.html", **context)


def claim(request: HttpRequest, path: LearningPathPage) -> HttpResponse:
    if response := _login_first(request):
        return response
    progress = journey_progress.get_progress(request.user, path)
    if response := _stage_guard(request, path, progress, Stage.CLAIM):
        return response
    if progress.completed:
        return redirect(path.url)
    profile = LearnerProfile.objects.filter(user=_learner(request)).first()
    enrolment = Enrolment.objects.get(user=_learner(request), path=path)
    window = claim_window(enrolment, profile)
    availability = credit_available(path, extended=window.extended)
    words = words_for(profile)
    choices = moc_choices(path, profile)
    # MOC boxes: as ticked on a POST; otherwise ticked where the learner's
    # standing consent is enough (claims.moc_choices).
    boards = request.POST.getlist("moc_boards")[:20] if request.method == "POST" else []
    ticked = set(boards) if request.method == "POST" else {c.board for c in choices if c.preticked}
    form = ClaimForm(
        request.POST or None,
        initial={"credits": format_credits(path.max_credits)},
        participation=words is PARTICIPANT,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            claim, _ = services.claim_credit(
                _learner(request),
                path,
                form.cleaned_data["credits"],
                form.cleaned_data["attested"],
                moc_boards=boards,
            )
        except JourneyError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
            status = 400
        else:
            amount = hours_text(claim.credits)
            messages.success(request, words.done.format(title=path.title, amount=amount))
            return redirect(path.url)
    elif request.method == "POST":
        status = 400
    return _render(
        request,
        path,
        "learning/claim.html",
        status=status,
        progress=progress,
        form=form,
        profile=profile,
        credit_status=availability,
        credit_paused=availability.claim_message,
        window=window,
        window_closed=(
            window.closed_message(path.claim_window_days) if window.window_closed else ""
        ),
        moc_choices=choices,
        moc_ticked=ticked,
        participation=words is PARTICIPANT,
        designated_maximum=designated_maximum(path.max_credits),
    )


def guide_step_context(request: HttpRequest, guide: Page) -> dict[str, Any]:
    """For a guide opened from a path (?path=<slug>): "Step k of n", the
    path's steps with this one marked, the previous and next steps, and the
    learner's state. Registered as the ``guide_page_context`` hook."""
    slug = request.GET.get("path", "")
    if not slug or len(slug) > 255 or "\x00" in slug:  # PostgreSQL refuses NUL in a query
        return {}
    path = LearningPathPage.objects.live().filter(slug=slug).first()
    if path is None:
        return {}
    progress = (
        journey_progress.get_progress(request.user, path) if request.user.is_authenticated else None
    )
    if progress is not None:
        states = progress.steps
    else:
        states = [
            journey_progress.StepState(number=n, guide=step.guide, done=False, is_next=False)
            for n, step in enumerate(journey_progress.path_steps(path), start=1)
        ]
    index = next((i for i, s in enumerate(states) if s.guide.pk == guide.pk), None)
    if index is None:
        return {}
    urls = step_urls(path, [s.guide for s in states], request)
    steps = [
        {
            "number": s.number,
            "title": s.guide.title,
            "url": urls[i],
            "done": s.done,
            "current": i == index,
        }
        for i, s in enumerate(states)
    ]
    return {
        "path_step": {
            "path": path,
            "number": index + 1,
            "total": len(states),
            "steps": steps,
            "previous": steps[index - 1] if index > 0 else None,
            "next": steps[index + 1] if index + 1 < len(steps) else None,
            "progress": progress,
            "done": states[index].done,
            "enrolled": bool(progress and progress.enrolled),
        }
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "learning/dashboard.html",
        {"dashboard": journey_progress.dashboard(_learner(request))},
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    learner = _learner(request)
    instance = LearnerProfile.objects.filter(user=learner).first() or LearnerProfile(
        user=learner, full_name=learner.get_full_name()
    )
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile is saved.")
            if _safe_next(request):
                # A path, never a URL name: redirect("0") would try to reverse "0".
                return HttpResponseRedirect(request.GET["next"])
            return redirect("learner_dashboard")
        return TemplateResponse(request, "learning/profile.html", {"form": form}, status=400)
    return TemplateResponse(request, "learning/profile.html", {"form": form})


def _safe_next(request: HttpRequest) -> bool:
    target = request.GET.get("next")
    if not target:
        return False
    # A local path only, and no control characters (a newline cannot go in a header).
    return (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
