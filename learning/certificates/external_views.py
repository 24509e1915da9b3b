"""The learner's own credit from elsewhere and licence cycles: add, change,
delete, and download an uploaded certificate. Every view touches only the
signed-in learner's rows; another learner's id is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from learning.http import AuthenticatedRequest
from learning.models import ExternalCredit, LicenceCycle

from .external import (
    ExternalCreditForm,
    LicenceCycleForm,
    delete_external_credit,
    file_name,
    save_external_credit,
    stored_content_type,
)

FORM_TEMPLATE = "learning/external/form.html"
DELETE_TEMPLATE = "learning/external/delete.html"


def _credit_form(request: AuthenticatedRequest, credit: ExternalCredit | None) -> HttpResponse:
    form = ExternalCreditForm(request.POST or None, request.FILES or None, instance=credit)
    if request.method == "POST":
        if form.is_valid():
            save_external_credit(form, request.user)
            messages.success(request, "Your credit from elsewhere is saved.")
            return redirect("learner_transcript")
        status = 400
    else:
        status = 200
    title = "Change credit from elsewhere" if credit else "Add credit from elsewhere"
    return TemplateResponse(
        request,
        FORM_TEMPLATE,
        {"form": form, "title": title, "credit": credit, "multipart": True},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def credit_add(request: AuthenticatedRequest) -> HttpResponse:
    return _credit_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def credit_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _credit_form(request, get_object_or_404(ExternalCredit, pk=pk, user=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def credit_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    credit = get_object_or_404(ExternalCredit, pk=pk, user=request.user)
    if request.method == "POST":
        delete_external_credit(credit)
        messages.success(
            request, "The credit from elsewhere is deleted, with its certificate file."
        )
        return redirect("learner_transcript")
    return TemplateResponse(
        request,
        DELETE_TEMPLATE,
        {
            "title": "Delete credit from elsewhere",
            "what": f"{credit.activity} ({credit.provider}, {credit.completed_on:%d %b %Y})",
            "also": "Its uploaded certificate is deleted too." if credit.certificate else "",
        },
    )


@login_required
def credit_certificate(request: AuthenticatedRequest, pk: int) -> FileResponse:
    credit = get_object_or_404(ExternalCredit, pk=pk, user=request.user)
    if not credit.certificate or not default_storage.exists(credit.certificate.name):
        raise Http404("No certificate file")
    handle = default_storage.open(credit.certificate.name, "rb")
    # The type by content, checked in full at upload; here from its first
    # bytes and image header only (never decoded again), never the name's guess.
    kind = stored_content_type(handle) or "application/octet-stream"
    response = FileResponse(
        handle, as_attachment=True, filename=file_name(credit.certificate), content_type=kind
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _cycle_form(request: AuthenticatedRequest, cycle: LicenceCycle | None) -> HttpResponse:
    form = LicenceCycleForm(request.POST or None, instance=cycle)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save(commit=False)
            saved.user = request.user
            saved.save()
            messages.success(request, "Your licence cycle is saved.")
            return redirect("learner_transcript")
        status = 400
    else:
        status = 200
    title = "Change a licence cycle" if cycle else "Add a licence cycle"
    return TemplateResponse(
        request, FORM_TEMPLATE, {"form": form, "title": title, "cycle": cycle}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_add(request: AuthenticatedRequest) -> HttpResponse:
    return _cycle_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _cycle_form(request, get_object_or_404(LicenceCycle, pk=pk, user=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def cycle_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(LicenceCycle, pk=pk, user=request.user)
    if request.method == "POST":
        cycle.delete()
        messages.success(request, "The licence cycle is deleted.")
        return redirect("learner_transcript")
    return TemplateResponse(
        request,
        DELETE_TEMPLATE,
        {"title": "Delete a licence cycle", "what": cycle.name, "also": ""},
    )
