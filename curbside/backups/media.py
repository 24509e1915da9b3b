"""Media (uploads, renditions, certificate PDFs) copied through Django's
default storage, so the same code backs up local MEDIA_ROOT files and objects
in an S3-compatible bucket (curbside/settings/storage.py)."""

import posixpath

from django.core.files import File
from django.core.files.storage import default_storage, storages

from .archive import MEDIA_PREFIX, safe_media_name, sha256_of
from .errors import BackupError


def storage_label(storage=None):
    storage = storage or storages["default"]  # the storage itself, not its lazy wrapper
    return f"{type(storage).__module__}.{type(storage).__name__}"


def names(storage=None, path=""):
    """Every file name in the storage, sorted, walking its directories."""
    storage = storage or default_storage
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:  # a local MEDIA_ROOT that was never created
        return
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for name in sorted(dirs):
        yield from names(storage, posixpath.join(path, name) if path else name)


def back_up(writer, storage=None):
    """Add every media file to the archive; return name -> {sha256, size}."""
    storage = storage or default_storage
    files = {}
    for name in names(storage):
        if not safe_media_name(name):
            raise BackupError(f"A media file has a name that cannot be restored: {name!r}.")
        with storage.open(name, "rb") as handle:
            size = storage.size(name)
            digest = writer.add_stream(MEDIA_PREFIX + name, handle, size)
        files[name] = {"sha256": digest, "size": size}
    return files


def restore(tar, manifest, storage=None):
    """Write every media file of the archive to the storage under its own
    name (replacing a file of that name). Files the archive does not have are
    left alone. Returns the number written."""
    storage = storage or default_storage
    files = manifest["media"]["files"]
    written = 0
    for member in tar:
        if not member.name.startswith(MEDIA_PREFIX):
            continue
        name = member.name.removeprefix(MEDIA_PREFIX)
        if name not in files:
            continue
        if storage.exists(name):
            storage.delete(name)
        content = File(tar.extractfile(member), name=posixpath.basename(name))
        content.size = member.size
        saved = storage.save(name, content)
        if saved != name:
            raise BackupError(f"{name} was stored as {saved}; the restore is incomplete.")
        written += 1
    return written


def mismatches(manifest, storage=None):
    """Media files of the manifest missing from the storage or different there."""
    storage = storage or default_storage
    wrong = []
    for name, entry in manifest["media"]["files"].items():
        if not storage.exists(name):
            wrong.append(f"{name} (missing)")
            continue
        with storage.open(name, "rb") as handle:
            if sha256_of(handle) != entry["sha256"]:
                wrong.append(f"{name} (different)")
    return wrong
