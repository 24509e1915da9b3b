"""The institution's logo and signature image as a certificate prints them,
recorded when the certificate is issued.

A certificate snapshots everything it prints. The two images are recorded
too (``CertificateImage``: the printed rendition's bytes, stored once by
their SHA-256 and never changed), so a PDF drawn later (a failed render
retried, a lost file drawn again) shows the logo and the signature of the
day of issue beside the signatory's name of that day, whatever the
institution uploaded since. Certificates issued before images were recorded
(``images_recorded`` False) print the institution's current images, as all
certificates did then."""

from __future__ import annotations

import base64
import hashlib
import logging
from typing import TYPE_CHECKING, NamedTuple

from django.db import DatabaseError

from wagtail.images import get_image_model

from learning.models import CertificateImage

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from wagtail.images.models import AbstractImage

    from cms.models import Institution
    from learning.models import Certificate

# The size certificate.css prints them at, at most (a logo 60 mm wide).
RENDITION = "max-600x240"
FIELDS = ("logo", "signature")
_CACHED = 64
_MIME = {"png": "image/png", "gif": "image/gif", "webp": "image/webp"}


class Printed(NamedTuple):
    sha256: str
    mime: str
    data: bytes


# (image id, file name, hash, size) -> the rendition's bytes (a replaced
# file is a new entry). And SHA-256 -> data: URI (a recorded image never
# changes). Both per process, emptied when full.
_renditions: dict[tuple[int, str, str, int | None], Printed] = {}
_uris: dict[str, str] = {}


def _printed(image: AbstractImage) -> Printed:
    """The image as certificates print it: its rendition, read from storage
    (no HTTP fetch). Keyed by the file's hash and size as well as its name:
    Wagtail's image form can give a replacement file the name of one it
    replaced before."""
    key = (image.pk, image.file.name, image.file_hash, image.file_size)
    found = _renditions.get(key)
    if found is None:
        rendition = image.get_rendition(RENDITION)
        with rendition.file.open("rb") as handle:
            data = handle.read()
        mime = _MIME.get(rendition.file.name.rsplit(".", 1)[-1].lower(), "image/jpeg")
        found = Printed(hashlib.sha256(data).hexdigest(), mime, data)
        if len(_renditions) >= _CACHED:
            _renditions.clear()
        _renditions[key] = found
    return found


def _current(institution: Institution) -> dict[str, Printed | None]:
    """The institution's logo and signature as printed today (one query for
    both images, none when it has neither)."""
    ids = {field: getattr(institution, f"{field}_id") for field in FIELDS}
    wanted = [pk for pk in ids.values() if pk is not None]
    images = get_image_model().objects.in_bulk(wanted) if wanted else {}
    return {field: _printed(images[pk]) if pk in images else None for field, pk in ids.items()}


def record(institution: Institution) -> dict[str, str | bool | None]:
    """The snapshot fields of a certificate issued now (``logo_image_id``,
    ``signature_image_id``: the images' SHA-256, None for none), each image
    stored if it is new. Safe under concurrency: two issuances recording the
    same new image both end with the one row (ON CONFLICT DO NOTHING).

    An image that cannot be read (its file lost from storage, say) does not
    stop the issue: the learner's certificate is issued, marked
    ``images_recorded`` False, and its PDF reads the institution's images
    when it is drawn, where a failure is recorded on the certificate and
    retried (issuance.generate_pdf) until staff replace the file. A database
    error is raised, never taken for an unreadable image."""
    try:
        current = _current(institution)
    except DatabaseError:
        # The database, not the image: nothing is recorded (a certificate
        # marked by an outage would print later images for ever); the issue
        # fails as any database error fails it, and is run again.
        raise
    except Exception:  # any failure to read or resize the image (storage, Pillow)
        logger.exception("Institution %s: its certificate images could not be read", institution.pk)
        return {"images_recorded": False}
    new = {p.sha256: p for p in current.values() if p is not None}
    if new:
        known = set(
            CertificateImage.objects.filter(sha256__in=new).values_list("sha256", flat=True)
        )
        missing = [
            CertificateImage(sha256=p.sha256, mime=p.mime, data=p.data)
            for sha, p in new.items()
            if sha not in known
        ]
        if missing:
            CertificateImage.objects.bulk_create(missing, ignore_conflicts=True)
    return {
        f"{field}_image_id": (p.sha256 if p is not None else None) for field, p in current.items()
    }


def _uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def data_uris(certificate: Certificate) -> dict[str, str]:
    """{"logo": data: URI or "", "signature": ...} as this certificate
    prints them: the images recorded at issue, or for a certificate issued
    before they were recorded, the institution's current ones."""
    if not certificate.images_recorded:
        current = _current(certificate.institution)
        return {f: _uri(p.mime, p.data) if p else "" for f, p in current.items()}
    shas = {field: getattr(certificate, f"{field}_image_id") for field in FIELDS}
    uris = {sha: _uris.get(sha) for sha in shas.values() if sha}
    unknown = [sha for sha, uri in uris.items() if uri is None]
    if unknown:
        read = {
            image.sha256: _uri(image.mime, bytes(image.data))
            for image in CertificateImage.objects.filter(sha256__in=unknown)
        }
        uris.update(read)
        if len(_uris) + len(read) > _CACHED:
            _uris.clear()
        _uris.update(read)
    return {field: (uris[sha] or "" if sha else "") for field, sha in shas.items()}
