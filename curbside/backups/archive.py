"""The backup archive: one tar file holding the database dump, every media
file under media/, and manifest.json (written last) with the sha256 of each."""

import hashlib
import io
import json
import os
import posixpath
import tarfile
import time
from pathlib import Path

from .errors import BackupError

MANIFEST = "manifest.json"
FORMAT = "curbside-backup"
FORMAT_VERSION = 1
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class HashingReader:
    """Wraps a readable file: hashes and counts what is read through it."""

    def __init__(self, fileobj):
        self.fileobj = fileobj
        self.hash = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self.fileobj.read(size)
        self.hash.update(data)
        self.size += len(data)
        return data


def sha256_of(fileobj):
    digest = hashlib.sha256()
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def safe_media_name(name):
    """A storage name that stays inside the media root."""
    return (
        bool(name)
        and not name.startswith("/")
        and posixpath.normpath(name) == name
        and ".." not in name.split("/")
    )


class Writer:
    """Writes ``<path>.partial`` (readable by its owner only: it holds
    personal data) and renames it to ``path`` only once complete, so an
    interrupted backup never looks like a finished one."""

    def __init__(self, path):
        self.path = Path(path)
        if self.path.exists():
            raise BackupError(f"{self.path} already exists; nothing was written.")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = self.path.with_name(self.path.name + ".partial")
        fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.handle = os.fdopen(fd, "wb")
        # Open across add_* calls; commit() or abort() closes it.
        self.tar = tarfile.open(  # noqa: SIM115
            fileobj=self.handle, mode="w", format=tarfile.PAX_FORMAT
        )

    def add_stream(self, name, fileobj, size):
        """Add ``size`` bytes read from ``fileobj``; return their sha256."""
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(time.time())
        info.mode = 0o600
        reader = HashingReader(fileobj)
        self.tar.addfile(info, reader)
        if reader.size != size:
            raise BackupError(f"{name} changed size while it was being copied; try again.")
        return reader.hash.hexdigest()

    def add_file(self, name, path):
        with open(path, "rb") as handle:
            return self.add_stream(name, handle, os.fstat(handle.fileno()).st_size)

    def add_bytes(self, name, data):
        return self.add_stream(name, io.BytesIO(data), len(data))

    def commit(self, manifest):
        self.add_bytes(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        self.tar.close()
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.partial, self.path)

    def abort(self):
        try:
            self.tar.close()
        finally:
            self.handle.close()
            self.partial.unlink(missing_ok=True)


def open_archive(path):
    """The open tar file and its manifest, or a BackupError saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    try:
        tar = tarfile.open(path, mode="r:")  # noqa: SIM115 (returned open to the caller)
        member = tar.getmember(MANIFEST)
        manifest = json.load(tar.extractfile(member))
    except (tarfile.TarError, KeyError, ValueError, OSError) as exc:
        raise BackupError(f"{path} is not a readable Curbside backup ({exc}).") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        tar.close()
        raise BackupError(
            f"{path} is not a Curbside backup of format version {FORMAT_VERSION} "
            f"(its manifest says {manifest.get('format')!r} version "
            f"{manifest.get('format_version')!r})."
        )
    return tar, manifest


def expected_members(manifest):
    """Member name -> sha256, for every file the manifest lists."""
    expected = {manifest["database"]["member"]: manifest["database"]["sha256"]}
    for name, entry in manifest["media"]["files"].items():
        if not safe_media_name(name):
            raise BackupError(f"The manifest lists an unsafe media name: {name!r}.")
        expected[MEDIA_PREFIX + name] = entry["sha256"]
    return expected


def verify(tar, manifest, database_target):
    """Check every member against the manifest before anything is touched,
    copying the database dump to ``database_target`` on the way. Raises
    BackupError listing what is missing, unexpected or corrupt."""
    expected = expected_members(manifest)
    database_member = manifest["database"]["member"]
    seen, corrupt, unexpected = set(), [], []
    try:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if member.name not in expected or not member.isfile() or member.name in seen:
                unexpected.append(member.name)
                continue
            seen.add(member.name)
            source = tar.extractfile(member)
            if member.name == database_member:
                with open(database_target, "wb") as out:
                    digest = hashlib.sha256()
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                actual = digest.hexdigest()
            else:
                actual = sha256_of(source)
            if actual != expected[member.name]:
                corrupt.append(member.name)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"The archive is damaged ({exc}); nothing was changed.") from exc
    missing = sorted(set(expected) - seen)
    problems = []
    if corrupt:
        problems.append(f"checksum mismatch: {', '.join(sorted(corrupt)[:10])}")
    if missing:
        problems.append(f"missing: {', '.join(missing[:10])}")
    if unexpected:
        problems.append(f"not in the manifest: {', '.join(sorted(unexpected)[:10])}")
    if problems:
        raise BackupError(
            "The archive does not match its manifest (" + "; ".join(problems) + "). "
            "Nothing was changed; use another backup."
        )
