"""Public verification and the owner's (or issuing staff's) PDF download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from learning.http import AuthenticatedRequest
from learning.models import Certificate, CertificateStatus, PdfStatus
from learning.permissions import can_download_certificate, download_needs_second_factor
from learning.ratelimit import allow, seconds_until_next_window

from .codes import grouped, normalise, normalise_number
from .issuance import generate_pdf
from .rendering import kind_context
from .transcript import transcript, transcript_csv, transcript_pdf
from .verification import find_by_number

VERIFY_LIMIT = 30  # lookups per client per minute


VERIFY_WINDOW = 60


def _too_many(request: HttpRequest) -> TemplateResponse:
    response = TemplateResponse(request, "learning/certificates/rate_limited.html", status=429)
    response["Retry-After"] = str(seconds_until_next_window(VERIFY_WINDOW))
    return response


NOT_A_CODE = (
    "That is neither a certificate code (24 letters and digits, like "
    "ABCD-EFGH-JKMN-PQRS-TVWX-YZ12) nor a certificate number (like CS-2026-0000042)."
)
NEEDS_LAST_NAME = (
    "To verify by certificate number, also enter the learner’s last name as printed "
    "on the certificate."
)


def _form(request: HttpRequest, status: int = 200, **context: object) -> TemplateResponse:
    return TemplateResponse(
        request, "learning/certificates/verify_form.html", context, status=status
    )


def verify_form(request: HttpRequest) -> HttpResponse:
    """The code, or the certificate number with the learner's last name."""
    raw = request.GET.get("code")
    if raw is None:
        return _form(request)
    value, last_name = raw[:64], request.GET.get("last_name", "")[:150]
    code = normalise(raw)
    if code is not None:
        return redirect("certificate_verify_code", code=code)
    number = normalise_number(raw)
    if number is None:
        return _form(request, 400, error=NOT_A_CODE, value=value, last_name=last_name)
    if not last_name.strip():
        return _form(request, 400, error=NEEDS_LAST_NAME, value=value, by_number=True, last_name="")
    if not allow(request, "verify", VERIFY_LIMIT, VERIFY_WINDOW):
        return _too_many(request)
    certificate = find_by_number(number, last_name)
    if certificate is None:
        return TemplateResponse(
            request,
            "learning/certificates/verify_not_found.html",
            {"number": number},
            status=404,
        )
    return redirect("certificate_verify_code", code=certificate.verification_code)


def verify(request: HttpRequest, code: str) -> HttpResponse:
    if not allow(request, "verify", VERIFY_LIMIT, VERIFY_WINDOW):
        return _too_many(request)
    normalised = normalise(code)
    if normalised is None:
        # The site's own page, saying what is wrong, not a bare 404.
        if normalise_number(code) is not None:
            return _form(request, 404, error=NEEDS_LAST_NAME, value=code, by_number=True)
        return _form(request, 404, error=NOT_A_CODE, value=code[:64])
    if normalised != code:
        return redirect("certificate_verify_code", code=normalised)
    certificate = (
        Certificate.objects.select_related("superseded_by", "claim")
        .filter(verification_code=code)
        .first()
    )
    if certificate is None:
        return TemplateResponse(
            request,
            "learning/certificates/verify_not_found.html",
            {"code": grouped(code)},
            status=404,
        )
    replacement = getattr(certificate, "superseded_by", None)
    return TemplateResponse(
        request,
        "learning/certificates/verify_result.html",
        {
            "certificate": certificate,
            "code": grouped(code),
            "replacement": replacement,
            **kind_context(certificate),
        },
    )


SECOND_FACTOR_NEEDED = (
    "Administrators, CME reviewers and institution staff must use two-factor "
    "authentication. Set up an authenticator app to download learners’ certificates."
)


def _not_valid(request: HttpRequest, certificate: Certificate) -> TemplateResponse:
    """A revoked or superseded certificate: what happened, and the
    replacement when there is one (HTTP 410)."""
    return TemplateResponse(
        request,
        "learning/certificates/pdf_not_valid.html",
        {
            "certificate": certificate,
            "revoked": certificate.status == CertificateStatus.REVOKED,
            "replacement": getattr(certificate, "superseded_by", None),
        },
        status=410,
    )


@login_required
def download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    certificate = get_object_or_404(
        Certificate.objects.select_related("institution", "superseded_by"), pk=pk
    )
    if not can_download_certificate(request.user, certificate):
        raise Http404  # the same answer as for a certificate that does not exist
    if download_needs_second_factor(request.user, certificate):
        messages.warning(request, SECOND_FACTOR_NEEDED)
        return redirect("mfa_activate_totp")
    if certificate.status != CertificateStatus.VALID:
        # Never drawn again once revoked or replaced. Issuing staff may keep
        # the PDF stored while it was valid for their records; the learner
        # is told what happened instead.
        if certificate.user_id == request.user.pk or not _stored(certificate):
            return _not_valid(request, certificate)
    elif not _stored(certificate):
        certificate = generate_pdf(certificate.pk)
        if certificate.pdf_status != PdfStatus.READY:
            return TemplateResponse(
                request,
                "learning/certificates/pdf_pending.html",
                {"certificate": certificate},
                status=503,
            )
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"curbside-certificate-{certificate.number}.pdf",
        content_type="application/pdf",
    )


def _stored(certificate: Certificate) -> bool:
    return certificate.pdf_status == PdfStatus.READY and bool(certificate.pdf)


@login_required
def transcript_page(request: AuthenticatedRequest) -> HttpResponse:
    return TemplateResponse(request, "learning/transcript.html", transcript(request.user))


@login_required
def transcript_csv_download(request: AuthenticatedRequest) -> HttpResponse:
    response = HttpResponse(transcript_csv(request.user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="curbside-transcript.csv"'
    return response


@login_required
def transcript_pdf_download(request: AuthenticatedRequest) -> HttpResponse:
    response = HttpResponse(transcript_pdf(request.user), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="curbside-transcript.pdf"'
    return response
