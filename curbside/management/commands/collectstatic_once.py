"""`collectstatic`, one run at a time, and only when the static files changed.

Two app servers started together from one checkout (`make serve` twice) used
to run `collectstatic` at the same moment: the manifest storage deletes and
rewrites each hashed file while post-processing, so the other run (or a server
already answering) found a file gone and crashed with FileNotFoundError.

Here a run first takes an exclusive lock (fcntl) on a file in var/ beside
STATIC_ROOT (var/static.lock); a second run waits for it. Holding the lock, it compares a
fingerprint of the source files (every finder's files with their sizes and
modification times, and the storage backend) with the one the last complete
run wrote: when they match and the manifest is there, there is nothing to do,
and nothing under STATIC_ROOT is touched. `make static` runs this; `make serve`
runs `make static` first.
"""

import fcntl
import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import Tags
from django.core.management import call_command
from django.core.management.base import BaseCommand

MANIFEST = "staticfiles.json"


def side_file(suffix):
    """A file in var/ beside STATIC_ROOT (not in it: whitenoise serves everything there)."""
    root = Path(settings.STATIC_ROOT)
    return root.parent / "var" / f"{root.name}.{suffix}"


def fingerprint():
    """What collectstatic's result depends on: each source file's path, size and
    modification time (the order finders report them in decides which of two
    files with one name wins), and the staticfiles storage backend."""
    digest = hashlib.sha256(repr(settings.STORAGES.get("staticfiles")).encode())
    digest.update(str(settings.STATIC_URL).encode())
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            digest.update(f"\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def manifest_complete():
    """The manifest exists and every file it names is on disk."""
    root = Path(settings.STATIC_ROOT)
    try:
        paths = json.loads((root / MANIFEST).read_text(encoding="utf-8"))["paths"]
    except (OSError, ValueError, KeyError):
        return False
    return all(
        (root / name).is_file() and (root / hashed).is_file() for name, hashed in paths.items()
    )


def write_atomically(path, text):
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


class Command(BaseCommand):
    help = (
        "Collect static files under an exclusive lock, and only when they changed "
        "since the last complete run. Safe to run from several processes at once."
    )
    requires_system_checks = [Tags.staticfiles]

    def handle(self, *args, **options):
        root = Path(settings.STATIC_ROOT)
        side_file("lock").parent.mkdir(parents=True, exist_ok=True)
        stamp = side_file("fingerprint")
        with side_file("lock").open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.stdout.write("Another process is collecting static files; waiting for it.")
                self.stdout.flush()
                fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                wanted = fingerprint()
                done = stamp.read_text(encoding="utf-8") if stamp.exists() else ""
                manifest = root / MANIFEST
                if done == wanted and manifest.exists() and manifest_complete():
                    self.stdout.write(f"Static files in {root} are up to date.")
                    return
                stamp.unlink(missing_ok=True)
                call_command("collectstatic", interactive=False, verbosity=options["verbosity"])
                write_atomically(stamp, wanted)
                self.stdout.write(f"Static files collected in {root}.")
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
