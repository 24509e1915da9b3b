"""Credit a learner earned elsewhere, and the licence cycles they track it
against: the forms (with the certificate upload's checks) and the services
that save and delete them. The uploaded file is the learner's own record: it
is stored under ``external-credit/`` in the default storage, never served from
/media/, and only its owner downloads it (external_views.certificate)."""

import datetime
import io
import logging
import sys
import warnings
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename

import pypdf
from PIL import Image as PILImage

from cms.images import _decodes_fully
from cms.names import clean_printed_text, normalise
from learning.models import ExternalCredit, LicenceCycle

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PDF_TYPE = "application/pdf"
UPLOAD_REFUSED = (
    "Upload the certificate as a PDF or as a JPEG, PNG or WebP image. This file is "
    "neither, or it is damaged."
)


def _opens_as_pdf(file: Any) -> bool:
    file.seek(0)
    try:
        if file.read(5) != b"%PDF-":
            return False
        file.seek(0)
        reader = pypdf.PdfReader(io.BytesIO(file.read()))
        return len(reader.pages) > 0
    except Exception:  # noqa: BLE001  (pypdf raises many kinds of error on a bad file)
        return False
    finally:
        file.seek(0)


@dataclass(frozen=True)
class ImageHeader:
    """What an image's header says, read without decoding its pixels."""

    format: str
    width: int
    height: int
    frames: int

    @property
    def pixels(self) -> int:
        return self.width * self.height * self.frames


def _image_header(file: Any) -> ImageHeader | None:
    """``file``'s image header (Pillow's ``open`` reads only that), or None
    when it is no image Pillow knows. An image past Pillow's own bomb limit
    is reported with its pixels unknown (counted as too many)."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(file) as image:
                kind = image.format or ""
                frames = getattr(image, "n_frames", 1) if kind in IMAGE_FORMATS else 1
                return ImageHeader(kind, image.width, image.height, frames)
    except PILImage.DecompressionBombError:
        return ImageHeader("", sys.maxsize, 1, 1)
    except Exception:  # noqa: BLE001  (Pillow raises OSError, SyntaxError, ValueError...)
        return None
    finally:
        file.seek(0)


def _too_many_pixels(header: ImageHeader) -> bool:
    return header.pixels > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS


def _examine(file: Any) -> tuple[str | None, ImageHeader | None]:
    """(the type by content or None, the image header when it is an image)."""
    if _opens_as_pdf(file):
        return PDF_TYPE, None
    header = _image_header(file)
    if header is None or _too_many_pixels(header) or header.format not in IMAGE_FORMATS:
        # Too many pixels: never decoded (a small PNG can decode to gigabytes).
        return None, header
    return (IMAGE_FORMATS[header.format] if _decodes_fully(file) else None), header


def content_type_of(file: Any) -> str | None:
    """The certificate's type by its content (never its name): a PDF that
    pypdf opens, or a JPEG, PNG or WebP image of at most
    WAGTAILIMAGES_MAX_IMAGE_PIXELS pixels (all frames) that decodes to the end."""
    return _examine(file)[0]


def stored_content_type(file: Any) -> str | None:
    """The type of a certificate checked at upload, from its first bytes and
    image header only: its download never decodes it again."""
    file.seek(0)
    try:
        if file.read(5) == b"%PDF-":
            return PDF_TYPE
    finally:
        file.seek(0)
    header = _image_header(file)
    return IMAGE_FORMATS.get(header.format) if header else None


def check_certificate_upload(file: UploadedFile) -> None:
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            "This file is larger than 10 MB. Upload a smaller scan or a PDF of the certificate."
        )
    kind, header = _examine(file)
    if header is not None and _too_many_pixels(header):
        limit = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS // 1_000_000
        size = (
            f"is {header.width} x {header.height} pixels"
            + (f" in {header.frames} frames" if header.frames > 1 else "")
            if header.width < sys.maxsize
            else "has too many pixels"
        )
        raise forms.ValidationError(
            f"This image {size}: at most {limit} million pixels are accepted. "
            "Upload a smaller scan or a PDF of the certificate."
        )
    if kind is None:
        raise forms.ValidationError(UPLOAD_REFUSED)


class _StoredCertificate:
    """The current file as the upload widget shows it: its name, linked to
    the owner's download view (the storage URL under /media/ is never served)."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url

    def __str__(self) -> str:
        return self.name


class CertificateInput(forms.ClearableFileInput):
    download_url = ""

    def format_value(self, value: Any) -> Any:
        if self.is_initial(value):
            return _StoredCertificate(file_name(value), self.download_url)
        return super().format_value(value)


class ExternalCreditForm(forms.ModelForm):
    class Meta:
        model = ExternalCredit
        fields = ["provider", "activity", "completed_on", "credit_type", "amount", "certificate"]
        widgets = {
            "completed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "amount": forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "1000"}),
            "certificate": CertificateInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp"}),
        }
        help_texts = {
            "certificate": "Optional. A PDF, or a JPEG, PNG or WebP image, at most 10 MB. "
            "Only you can download it.",
            "amount": "As the certificate states it, e.g. 1.5.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["certificate"].widget
        if self.instance.pk and isinstance(widget, CertificateInput):
            widget.download_url = reverse("external_credit_certificate", args=[self.instance.pk])

    def clean_provider(self) -> str:
        return clean_printed_text(normalise(self.cleaned_data["provider"]))

    def clean_activity(self) -> str:
        return clean_printed_text(normalise(self.cleaned_data["activity"]))

    def clean_completed_on(self) -> datetime.date:
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate() + datetime.timedelta(days=1):
            raise forms.ValidationError(
                "This date is in the future: enter the day you completed it."
            )
        if day.year < 1950:
            raise forms.ValidationError(
                "Enter the day you completed the activity, e.g. 2026-03-14."
            )
        return day

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if not Decimal("0") < amount <= Decimal("1000"):
            raise forms.ValidationError("Enter an amount above 0 and at most 1000.")
        return amount

    def clean_certificate(self) -> Any:
        file = self.cleaned_data.get("certificate")
        if isinstance(file, UploadedFile):
            check_certificate_upload(file)
            file.name = get_valid_filename(file.name or "certificate")[-100:] or "certificate"
        return file


class LicenceCycleForm(forms.ModelForm):
    class Meta:
        model = LicenceCycle
        fields = ["name", "credits_required", "years", "starts_on", "counts"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "credits_required": forms.NumberInput(attrs={"step": "0.25", "min": "0.25"}),
            "years": forms.NumberInput(attrs={"min": "1", "max": "10"}),
        }
        help_texts = {
            "starts_on": "The first day of one of your licence's cycles (any past one will do).",
            "credits_required": "How much credit the licence asks for in each cycle.",
        }

    def clean_name(self) -> str:
        name = clean_printed_text(normalise(self.cleaned_data["name"]))
        if not name:
            raise forms.ValidationError("Name this licence, e.g. 'Ohio medical licence'.")
        return name

    def clean_starts_on(self) -> datetime.date:
        day = self.cleaned_data["starts_on"]
        if day.year < 1950 or day.year > timezone.localdate().year + 10:
            raise forms.ValidationError("Enter the first day of a cycle, e.g. 2025-01-01.")
        return day


def _delete_file_later(name: str) -> None:
    """Remove a stored certificate once the transaction that dropped it commits."""
    if not name:
        return

    def remove() -> None:
        from django.core.files.storage import default_storage

        try:
            default_storage.delete(name)
        except OSError:  # logged; the row is gone, a stray file is swept by hand
            logger.exception("Could not delete the external certificate %s", name)

    transaction.on_commit(remove)


def save_external_credit(form: ExternalCreditForm, user: User) -> ExternalCredit:
    """Save the form's credit as ``user``'s; a replaced or cleared certificate
    file is deleted from storage."""
    previous = ""
    if form.instance.pk:
        previous = (
            ExternalCredit.objects.filter(pk=form.instance.pk)
            .values_list("certificate", flat=True)
            .first()
            or ""
        )
    with transaction.atomic():
        credit = form.save(commit=False)
        credit.user = user
        credit.save()
        if previous and previous != credit.certificate.name:
            _delete_file_later(previous)
    return credit


def delete_external_credit(credit: ExternalCredit) -> None:
    with transaction.atomic():
        name = credit.certificate.name
        credit.delete()
        _delete_file_later(name)


def delete_external_files(user: User) -> int:
    """Delete every certificate file ``user`` uploaded (account deletion);
    the rows go with the account. Returns how many files were scheduled."""
    names = [
        name
        for name in ExternalCredit.objects.filter(user=user).values_list("certificate", flat=True)
        if name
    ]
    for name in names:
        _delete_file_later(name)
    return len(names)


def file_name(field: FieldFile) -> str:
    """The name the learner sees (the last part of the stored path)."""
    return (field.name or "").rsplit("/", 1)[-1] if field else ""
