"""/me/profile/reporting/: the learner's licences, boards and consents.

One page, one URL: every change is a POST with an ``action`` (post/redirect/
get). A bad entry shows the page again with the message and what was typed.
Rows are looked up through the learner's own profile: another learner's id is
a 404. Removing a board or licence withdraws its consent too."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from cms.integers import parse_int
from learning.boards import ConsentScope
from learning.http import AuthenticatedRequest
from learning.models import BoardCertification, LearnerProfile, StateLicence

from .consent import set_consent
from .identity_forms import BoardForm, LicenceForm, consent_lines

TEMPLATE = "learning/identity/reporting.html"


def _own(model: Any, profile: LearnerProfile, raw: str | None) -> Any:
    pk = parse_int(raw or "", max_digits=12)
    if pk is None:
        raise Http404("No such row")
    return get_object_or_404(model, pk=pk, profile=profile)


def _page(
    request: AuthenticatedRequest, profile: LearnerProfile, status: int = 200, **forms: Any
) -> HttpResponse:
    context = {
        "profile": profile,
        "licences": [
            (
                lic,
                forms.get(f"licence-{lic.pk}")
                or LicenceForm(instance=lic, profile=profile, prefix=f"licence-{lic.pk}"),
            )
            for lic in profile.licences.all()
        ],
        "boards": [
            (
                b,
                forms.get(f"board-{b.pk}")
                or BoardForm(instance=b, profile=profile, prefix=f"board-{b.pk}"),
            )
            for b in profile.boards.all()
        ],
        "licence_form": forms.get("licence") or LicenceForm(profile=profile, prefix="licence"),
        "board_form": forms.get("board") or BoardForm(profile=profile, prefix="board"),
        "consents": consent_lines(profile),
    }
    return TemplateResponse(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reporting(request: AuthenticatedRequest) -> HttpResponse:
    profile = LearnerProfile.objects.filter(user=request.user).first()
    if profile is None:
        if request.method == "POST":
            raise Http404("No profile")
        return TemplateResponse(request, TEMPLATE, {"profile": None})
    if request.method == "GET":
        return _page(request, profile)
    action = request.POST.get("action", "")
    handler = ACTIONS.get(action)
    if handler is None:
        return _page(request, profile, status=400)
    return handler(request, profile)


def _licence_add(request: AuthenticatedRequest, profile: LearnerProfile) -> HttpResponse:
    form = LicenceForm(request.POST, profile=profile, prefix="licence")
    if not form.is_valid():
        return _page(request, profile, 400, licence=form)
    licence = form.save()
    messages.success(
        request,
        f"Your {licence.get_state_display()} licence is added. Tick below if the provider "
        "may report your credit to that state's board.",
    )
    return redirect("learner_reporting")


def _licence_change(request: AuthenticatedRequest, profile: LearnerProfile) -> HttpResponse:
    licence = _own(StateLicence, profile, request.POST.get("id"))
    prefix = f"licence-{licence.pk}"
    form = LicenceForm(request.POST, instance=licence, profile=profile, prefix=prefix)
    if not form.is_valid():
        return _page(request, profile, 400, **{prefix: form})
    form.save()
    messages.success(request, f"Your {licence.get_state_display()} licence number is changed.")
    return redirect("learner_reporting")


def _licence_remove(request: AuthenticatedRequest, profile: LearnerProfile) -> HttpResponse:
    licence = _own(StateLicence, profile, request.POST.get("id"))
    with transaction.atomic():
        set_consent(profile, ConsentScope.STATE, licence.state, given=False)
        licence.delete()
    messages.success(
        request,
        f"Your {licence.get_state_display()} licence is removed, and your consent to report "
        "to that state's board is withdrawn.",
    )
    return redirect("learner_reporting")


def _board_add(request: AuthenticatedRequest, profile: LearnerProfile) -> HttpResponse:
    form = BoardForm(request.POST, profile=profile, prefix="board")
    if not form.is_valid():
        return _page(request, profile, 400, board=form)
    board = form.save()
    messages.success(
        request,
        f"{board.board} is added. Tick below if the provider may report your MOC points to it.",
    )
    return redirect("learner_reporting")


def _board_change(request: AuthenticatedRequest, profile: LearnerProfile) -> HttpResponse:
    board = _own(BoardCertification, profile, request.POST.get("id"))
    prefix = f"board-{board.pk}"
    form = BoardForm(request.POST, instance=board, profile=profile, prefix=prefix)
    if not form.is_valid():
        return _page(request, profile, 400, **{prefix: form})
    form.save()
    messages.success(request, f"Your {board.board} ID is changed.")
    return redirect("learner_reporting")


def _board_remove(request: AuthenticatedRequest, profile: LearnerProfile) -> HttpResponse:
    board = _own(BoardCertification, profile, request.POST.get("id"))
    with transaction.atomic():
        set_consent(profile, ConsentScope.BOARD, board.board, given=False)
        board.delete()
    messages.success(
        request, f"{board.board} is removed, and your consent to report to it is withdrawn."
    )
    return redirect("learner_reporting")


def _consents(request: AuthenticatedRequest, profile: LearnerProfile) -> HttpResponse:
    """Each listed body's checkbox: ticked gives, unticked withdraws. A body
    not on the page (a forged field) is ignored."""
    changed = 0
    with transaction.atomic():
        for line in consent_lines(profile):
            given = request.POST.get(line.field) == "on"
            changed += set_consent(profile, line.scope, line.body, given=given)
    messages.success(
        request, "Your consents are saved." if changed else "Nothing changed in your consents."
    )
    return redirect("learner_reporting")


ACTIONS = {
    "licence-add": _licence_add,
    "licence-change": _licence_change,
    "licence-remove": _licence_remove,
    "board-add": _board_add,
    "board-change": _board_change,
    "board-remove": _board_remove,
    "consents": _consents,
}
