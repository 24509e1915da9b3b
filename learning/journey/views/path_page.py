"""The learning path page and what a learner does from it: the overview
(steps, credit availability, certificate), enrol, continue where they left
off, complete a step; and the contexts the pages' hooks add (the catalogue
on the path index, "Step k of n" on a guide opened from a path)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

from wagtail.models import Page

from cms.page_access import admits
from learning.compliance.activity import disclosure_version
from learning.compliance.availability import Availability
from learning.compliance.snapshot import path_snapshot
from learning.exceptions import DisclosureNotShown, JourneyError
from learning.models import Certificate, CertificateStatus, Enrolment, LearningPathPage

from .. import disclosure_proof, pending, services
from .. import progress as journey_progress
from ..progress import PathProgress
from ..stages import STEPS_DONE_MESSAGE, Stage
from ..steps import stage_url, step_urls
from .common import _learner, _login_first, _render


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
        completion, _ = services.complete_step(_learner(request), path, guide_id, request=request)
    except DisclosureNotShown as exc:
        messages.info(request, exc.message)
        return redirect(exc.url)
    except JourneyError as exc:
        messages.error(request, exc.message)
        return redirect(path.url)
    # Where next, without reading the whole path again.
    stage, step = journey_progress.where_next(completion.enrolment, path)
    if stage == Stage.TEST:
        messages.success(request, STEPS_DONE_MESSAGE)
    return redirect(stage_url(request, path, stage, step.guide if step else None))


def guide_step_context(request: HttpRequest, guide: Page) -> dict[str, Any]:
    """For a guide opened from a path (?path=<slug>): "Step k of n", the
    path's steps with this one marked, the previous and next steps, and the
    learner's state. Registered as the ``guide_page_context`` hook."""
    slug = request.GET.get("path", "")
    if not slug or len(slug) > 255 or "\x00" in slug:  # PostgreSQL refuses NUL in a query
        return {}
    path = LearningPathPage.objects.live().filter(slug=slug).first()
    # A path behind a privacy restriction shows its title and steps only to
    # whom it admits (Wagtail's own check), not on a public guide page.
    if path is None or not admits(path, request):
        return {}
    snapshot = path_snapshot(path, lambda: journey_progress.path_steps(path))
    progress = (
        journey_progress.get_progress(request.user, path, steps=snapshot.steps)
        if request.user.is_authenticated
        else None
    )
    if progress is not None:
        states = progress.steps
    else:
        states = [
            journey_progress.StepState(number=n, guide=step.guide, done=False, is_next=False)
            for n, step in enumerate(snapshot.steps, start=1)
        ]
    index = next((i for i, s in enumerate(states) if s.guide.pk == guide.pk), None)
    if index is None:
        return {}
    urls = step_urls(path, [s.guide for s in states], request)
    disclosure = snapshot.compliance.activity["disclosure"]
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
        # Read as a step, the guide is part of the activity: the learner is
        # shown the activity's disclosure (every step's authors, the planners
        # and reviewers, the commercial support), as on the path page, not
        # only this guide's authors (ACCME Standards 3.5 and 5).
        "path_disclosure": disclosure,
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
            # What "Mark complete" posts: this page showed the disclosure
            # above, in this version.
            "disclosure_proof": (
                disclosure_proof.proof(
                    _learner(request).pk, path.pk, guide.pk, disclosure_version(disclosure)
                )
                if progress is not None
                else ""
            ),
        },
    }
