"""Uploaded images served by the app itself when media are on local disk
(the one-server setup, production settings included).

Only images are served, and only from the folders Wagtail writes them to
(``original_images/``, ``images/`` for renditions): certificate PDFs and
documents under ``MEDIA_ROOT`` are never reachable by URL (certificates go
through their owner-checked download view, documents through Wagtail's
document view). Each answer carries the image's own content type, chosen by
extension from the upload allow-list, ``X-Content-Type-Options: nosniff`` and
a sandboxing Content-Security-Policy, so a file that is not what its name
says cannot run as a page. With media in object storage (S3) the storage
hands out its own URLs and this view answers 404.
"""

import posixpath
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

PUBLIC_FOLDERS = ("original_images/", "images/")
IMAGE_TYPES = {
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".avif": "image/avif",
}
CACHE_SECONDS = 24 * 3600


def serves_media() -> bool:
    """True when media are on this server's disk under a path of this site."""
    return isinstance(default_storage, FileSystemStorage) and settings.MEDIA_URL.startswith("/")


@require_safe
def serve(request, path):
    name = posixpath.normpath(path).lstrip("/")
    if name != path or not name.startswith(PUBLIC_FOLDERS) or not serves_media():
        raise Http404
    content_type = IMAGE_TYPES.get(Path(name).suffix.lower())
    if content_type is None:
        raise Http404
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, name))
        stat = full_path.stat()
    except (OSError, ValueError) as exc:
        raise Http404 from exc
    if not full_path.is_file():
        raise Http404
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), stat.st_mtime):
        response = HttpResponseNotModified()
    else:
        response = FileResponse(full_path.open("rb"), content_type=content_type)
        response["Content-Length"] = str(stat.st_size)
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
