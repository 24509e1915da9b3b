"""Backups of the whole site, the database and the media together, in one
archive that `restore` checks before it touches anything (docs/deploy.md,
"Backups"). The management commands `backup` and `restore` are thin wrappers."""

import datetime
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from . import archive, database, media
from .errors import BackupError

__all__ = ["BackupError", "create_backup", "default_filename", "restore_backup"]


def _app_version():
    try:
        return version("curbside")
    except PackageNotFoundError:
        return "unknown"


def default_filename(now=None):
    now = now or timezone.now()
    return f"curbside-{now.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}.tar"


def create_backup(path):
    """Write one archive at ``path``: the database first, then the media
    (so every file the dumped rows point to is already stored). Returns the
    manifest."""
    created_at = timezone.now()
    vendor = database.vendor()
    writer = archive.Writer(path)
    try:
        with tempfile.TemporaryDirectory(prefix="curbside-backup-") as scratch:
            dump = Path(scratch) / "database"
            state = database.dump(dump)
            member = database.member_name()
            db_digest = writer.add_file(member, dump)
            db_size = dump.stat().st_size
        files = media.back_up(writer)
        manifest = {
            "format": archive.FORMAT,
            "format_version": archive.FORMAT_VERSION,
            "created_at": created_at.isoformat(),
            "application": {"name": "curbside", "version": _app_version()},
            "database": {
                "vendor": vendor,
                "member": member,
                "sha256": db_digest,
                "size": db_size,
                "tables": state["tables"],
            },
            "migrations": state["migrations"],
            "counts": state["counts"],
            "media": {"storage": media.storage_label(), "files": files},
        }
        writer.commit(manifest)
    except OSError as exc:  # a full disk, an unreadable file, a storage outage
        writer.abort()
        raise BackupError(f"The backup failed and was removed: {exc}") from exc
    except BaseException:
        writer.abort()
        raise
    return manifest


def _number(migration_name):
    digits = migration_name.split("_", 1)[0]
    return int(digits) if digits.isdigit() else 0


def _check_migrations(manifest):
    """Refuse a backup made by a newer release; return the migrations this
    release has that the backup lacks (`migrate` applies them afterwards)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    in_backup = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    latest = {}
    for app, name in known:
        latest[app] = max(latest.get(app, 0), _number(name))
    # Rows of migrations a library has since squashed away are old, not new:
    # only a migration numbered after this code's last one means a newer release.
    unknown = sorted(
        (app, name)
        for app, name in in_backup - known
        if app in latest and _number(name) > latest[app]
    )
    if unknown:
        listed = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"This backup was made by a newer release (it has migrations this code does not: "
            f"{listed}). Install that release first. Nothing was changed."
        )
    return sorted(known - in_backup)


def _check_target(manifest, force):
    vendor = database.vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"This is a {manifest['database']['vendor']} backup and the database is {vendor}: "
            "restore it into the same kind of database. Nothing was changed."
        )
    state = database.current_state()
    if database.holds_data(state) and not force:
        held = ", ".join(
            f"{state['counts'][key]} {key}" for key in database.DATA_KEYS if state["counts"][key]
        )
        raise BackupError(
            f"The database already holds data ({held}). A restore replaces all of it and "
            "every media file of the same name. Add --force (make restore ... FORCE=1) to "
            "go ahead. Nothing was changed."
        )
    extra = sorted(set(state["tables"]) - set(manifest["database"]["tables"]))
    if vendor == "postgresql" and extra:
        raise BackupError(
            "The database has tables the backup does not have "
            f"({', '.join(extra[:10])}): restore into a new, empty database "
            "(createdb) instead. Nothing was changed."
        )


def read_manifest(path):
    tar, manifest = archive.open_archive(path)
    tar.close()
    return manifest


def check_archive(path):
    """Verify every checksum of the archive; change nothing. Returns the manifest."""
    tar, manifest = archive.open_archive(path)
    with tar, tempfile.TemporaryDirectory(prefix="curbside-restore-") as scratch:
        archive.verify(tar, manifest, Path(scratch) / "database")
    return manifest


def restore_backup(path, force=False):
    """Restore the archive at ``path``: check it, then the media, then the
    database, then check the result against the manifest. Returns
    (manifest, migrations still to apply)."""
    tar, manifest = archive.open_archive(path)
    with tar, tempfile.TemporaryDirectory(prefix="curbside-restore-") as scratch:
        pending = _check_migrations(manifest)
        _check_target(manifest, force)
        dump = Path(scratch) / "database"
        archive.verify(tar, manifest, dump)
        # Media first: extra files are harmless if the database step fails.
        media.restore(tar, manifest)
        database.load(dump)
    # Nothing cached from before the restore survives: the site's cache, and
    # this process's content-type ids (which may differ in the backup).
    caches["default"].clear()
    ContentType.objects.clear_cache()
    _check_result(manifest)
    return manifest, pending


def _check_result(manifest):
    counts = database.current_state()["counts"]
    problems = [
        f"{key}: {counts.get(key)} instead of {expected}"
        for key, expected in manifest["counts"].items()
        if counts.get(key) != expected
    ]
    problems += media.mismatches(manifest)
    if problems:
        raise BackupError(
            "The restored site does not match the backup: " + "; ".join(problems[:20]) + "."
        )
