"""What follows a path's steps: the post-test (its questions and answers,
then the recorded attempt reviewed question by question), the evaluation and
the credit claim. Each lets the learner in only once at that point of the
path (_progress_at)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from cms.credits import format_credits
from learning.blocks import PRACTICE_CHANGE_CHOICES, RATING_CHOICES
from learning.certificates.kinds import designated_maximum, hours_text
from learning.compliance.availability import credit_available
from learning.exceptions import JourneyError
from learning.models import Enrolment, LearnerProfile, LearningPathPage

from .. import progress as journey_progress
from .. import services
from ..claims import PARTICIPANT, moc_choices, words_for
from ..extensions import claim_window
from ..forms import ClaimForm, parse_evaluation_answers, parse_test_answers
from ..progress import PathProgress
from ..questions import evaluation_questions, post_test_questions, review_attempt
from ..stages import ENROL_FIRST_MESSAGE, Stage
from ..steps import stage_url
from .common import _learner, _login_first, _render


def _next_url(request: HttpRequest, path: LearningPathPage, progress: PathProgress) -> str:
    step = progress.next_step
    return stage_url(request, path, progress.stage, step.guide if step else None)


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


def _progress_at(
    request: HttpRequest, path: LearningPathPage, wanted: Stage
) -> PathProgress | HttpResponse:
    """The signed-in learner's progress on ``path`` when they have reached
    ``wanted``; otherwise where to send them (sign in, enrol, or the point of
    the path they are at)."""
    if response := _login_first(request):
        return response
    progress = journey_progress.get_progress(request.user, path)
    return _stage_guard(request, path, progress, wanted) or progress


def post_test(request: HttpRequest, path: LearningPathPage) -> HttpResponse:
    """The questions (GET) and their answers (POST). A recorded attempt is
    shown by a redirect to ``test/result/`` (post/redirect/get), so reloading
    the result never submits the answers again."""
    progress = _progress_at(request, path, Stage.TEST)
    if isinstance(progress, HttpResponse):
        return progress
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
    progress = _progress_at(request, path, Stage.TEST)
    if isinstance(progress, HttpResponse):
        return progress
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
    progress = _progress_at(request, path, Stage.EVALUATION)
    if isinstance(progress, HttpResponse):
        return progress
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
                if not path.credit_bearing:
                    messages.success(
                        request,
                        "Thank you: your evaluation helps us improve this activity. "
                        "You have completed this path.",
                    )
                    return redirect(path.url)
                messages.success(
                    request, "Thank you: your evaluation helps us improve this activity."
                )
                return redirect(path.route_url("claim"))
        context.update(error=error, answers=answers)
        return _render(request, path, "learning/evaluation.html", status=400, **context)
    return _render(request, path, "learning/evaluation.html", **context)


def claim(request: HttpRequest, path: LearningPathPage) -> HttpResponse:
    progress = _progress_at(request, path, Stage.CLAIM)
    if isinstance(progress, HttpResponse):
        return progress
    if progress.completed:
        return redirect(path.url)
    profile = LearnerProfile.objects.filter(user=_learner(request)).first()
    enrolment = Enrolment.objects.get(user=_learner(request), path=path)
    window = claim_window(enrolment, profile)
    availability = credit_available(path, extended=window.extended, learner_on=window.today)
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
