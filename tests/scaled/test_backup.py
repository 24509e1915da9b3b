"""Backups that have been restored: a seeded site with real certificates
(PDFs rendered and stored) is backed up, destroyed (database flushed, media
deleted) and restored, after which every certificate verifies as before,
every PDF is byte-identical and the counts match. On SQLite (the in-memory
test database, through the sqlite3 backup API) and on PostgreSQL (pg_dump and
pg_restore against the test database) alike; `make backup` and `make restore`
themselves run in a subprocess. A damaged archive is refused and changes
nothing; so is a restore over data without --force.

The tests are transactional (a restore replaces the database from outside
any test transaction); serialized_rollback puts the migrations' data back
for the tests that follow."""

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import tarfile

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

import pytest
import wagtail_factories

from curbside.backups import archive, database, media, read_manifest
from learning.certificates import issuance
from learning.models import Certificate, CertificateStatus, PdfStatus
from tests.factories import LearnerProfileFactory, LearningPathPageFactory, UserFactory
from tests.learning.conftest import complete

from .conftest import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def content_type_cache_for_the_next_test():
    """A restore empties this process's content-type cache (its ids may
    differ in the backup). The next transactional test reloads the serialized
    database into empty tables, and Wagtail's Page() asks that cache while it
    does: a miss would create content types ahead of the reloaded ones. So
    fill it again from the restored database, whose ids are the reloaded ones."""
    yield
    ContentType.objects.get_for_models(*apps.get_models())


@pytest.fixture
def media_root(settings, tmp_path):
    """This test's own media directory (the shared test media holds other
    tests' files)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seeded_site(media_root):
    """Four learners through a path, one certificate reissued (so one is
    superseded) and one revoked, an uploaded image."""
    path = LearningPathPageFactory(title="Sepsis, backed up", slug="backed-up", steps=2)
    for i in range(4):
        user = UserFactory(username=f"backup-{i}")
        LearnerProfileFactory(user=user, full_name=f"Backup Learner {i}")
        complete(user, path)
    root = UserFactory(username="backup-root", is_superuser=True, is_staff=True)
    first, second = Certificate.objects.order_by("pk")[:2]
    issuance.reissue(first, root, "Corrected the name")
    issuance.revoke(second, root, "Issued in error")
    wagtail_factories.ImageFactory(title="Sepsis bundle")
    certificates = Certificate.objects.all()
    assert certificates.count() == 5
    assert {c.pdf_status for c in certificates} == {PdfStatus.READY}
    assert set(certificates.values_list("status", flat=True)) == set(CertificateStatus.values)
    return path


def pdf_digest(certificate):
    with certificate.pdf.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def site_state(client):
    """What users and auditors see: each certificate's public verification
    page, each PDF's sha256, and the counts of the key tables."""
    pages, pdfs = {}, {}
    for certificate in Certificate.objects.order_by("number"):
        code = certificate.verification_code
        response = client.get(f"/certificates/verify/{code}/")
        pages[code] = (response.status_code, response.content.decode())
        pdfs[code] = pdf_digest(certificate)
    return {"pages": pages, "pdfs": pdfs, "counts": database.current_state()["counts"]}


def media_tree(root):
    """Every file under ``root`` and its sha256."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def destroy(media_root):
    """Lose every row of the database and every media file."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)
    assert not any(database.current_state()["counts"].values())
    assert not media_root.exists()


def test_a_destroyed_site_comes_back_whole(seeded_site, client, media_root, tmp_path):
    before = site_state(client)
    media_before = media_tree(media_root)
    assert all(status == 200 for status, _ in before["pages"].values())
    archive_path = tmp_path / "backups" / "site.tar"
    call_command("backup", output=str(archive_path), verbosity=0)
    assert oct(archive_path.stat().st_mode & 0o777) == "0o600"  # it holds personal data

    manifest = read_manifest(archive_path)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["counts"] == before["counts"]
    assert manifest["counts"]["certificates"] == 5 and manifest["counts"]["images"] == 1
    for certificate in Certificate.objects.all():
        assert manifest["media"]["files"][certificate.pdf.name]["sha256"] == pdf_digest(certificate)
    assert "learning" in manifest["migrations"]

    destroy(media_root)
    call_command("restore", str(archive_path), verbosity=0)

    after = site_state(client)
    assert after["counts"] == before["counts"]
    assert after["pdfs"] == before["pdfs"]
    assert after["pages"] == before["pages"]
    assert media_tree(media_root) == media_before
    assert any(name.startswith("original_images/") for name in media_before)


def storage_tree():
    """Every file of the default storage and its sha256, read through it."""
    tree = {}
    for name in media.names():
        with default_storage.open(name, "rb") as handle:
            tree[name] = hashlib.sha256(handle.read()).hexdigest()
    return tree


def test_media_in_object_storage_come_back_whole(s3_media, seeded_site, client, tmp_path):
    """The same with media in an S3 bucket (moto on loopback in CI): the
    objects go through Django's storage API both ways."""
    s3, bucket = s3_media
    before = site_state(client)
    media_before = storage_tree()
    assert any(name.startswith("certificates/") for name in media_before)
    archive_path = tmp_path / "site.tar"
    call_command("backup", output=str(archive_path), verbosity=0)
    assert read_manifest(archive_path)["media"]["storage"].endswith("S3Storage")

    call_command("flush", interactive=False, verbosity=0)
    for name in media_before:
        s3.delete_object(Bucket=bucket, Key=f"media/{name}")
    assert storage_tree() == {}
    call_command("restore", str(archive_path), verbosity=0)

    assert site_state(client) == before
    assert storage_tree() == media_before


def corrupt_member(archive_path, name):
    """Flip one byte in the middle of the member's data, in place."""
    with tarfile.open(archive_path) as tar:
        member = tar.getmember(name)
        offset = member.offset_data + member.size // 2
    with open(archive_path, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))


def test_a_corrupted_archive_is_refused_and_changes_nothing(
    seeded_site, client, media_root, tmp_path
):
    archive_path = tmp_path / "site.tar"
    call_command("backup", output=str(archive_path), verbosity=0)
    # After the backup: one more certificate revoked, one PDF lost.
    valid = Certificate.objects.filter(status=CertificateStatus.VALID).order_by("pk")
    issuance.revoke(valid[0], None, "Revoked after the backup")
    lost = valid[1]
    lost.pdf.storage.delete(lost.pdf.name)
    corrupt_member(archive_path, archive.MEDIA_PREFIX + Certificate.objects.last().pdf.name)
    before = site_state_without_lost(client, lost)

    with pytest.raises(CommandError, match="checksum mismatch: media/certificates/"):
        call_command("restore", str(archive_path), force=True, verbosity=0)
    with pytest.raises(CommandError, match="does not match its manifest"):
        call_command("restore", str(archive_path), check=True, verbosity=0)

    assert site_state_without_lost(client, lost) == before
    assert not lost.pdf.storage.exists(lost.pdf.name)  # nothing was written


def site_state_without_lost(client, lost):
    state = {"counts": database.current_state()["counts"], "pages": {}, "pdfs": {}}
    for certificate in Certificate.objects.order_by("number"):
        code = certificate.verification_code
        state["pages"][code] = client.get(f"/certificates/verify/{code}/").content.decode()
        if certificate.pk != lost.pk:
            state["pdfs"][code] = pdf_digest(certificate)
    return state


def rewrite_manifest(archive_path, change):
    """The same archive with ``change(manifest)`` applied to its manifest."""
    import json

    rewritten = archive_path.with_name("rewritten.tar")
    with tarfile.open(archive_path) as source, tarfile.open(rewritten, "w") as target:
        for member in source:
            if member.name == archive.MANIFEST:
                manifest = json.load(source.extractfile(member))
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
                target.addfile(member, io.BytesIO(data))
            else:
                target.addfile(member, source.extractfile(member))
    return rewritten


def newer_release(manifest):
    manifest["migrations"]["learning"].append("9999_from_the_future")


def other_vendor(manifest):
    other = "sqlite" if manifest["database"]["vendor"] == "postgresql" else "postgresql"
    manifest["database"]["vendor"] = other


def other_format(manifest):
    manifest["format_version"] = 99


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (newer_release, "made by a newer release .*learning.9999_from_the_future"),
        (other_vendor, "restore it into the same kind of database"),
        (other_format, "not a Curbside backup of format version 1"),
    ],
)
def test_an_incompatible_backup_is_refused_and_changes_nothing(
    seeded_site, client, tmp_path, change, message
):
    archive_path = tmp_path / "site.tar"
    call_command("backup", output=str(archive_path), verbosity=0)
    user = UserFactory(username="after-backup")
    before = site_state(client)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(rewrite_manifest(archive_path, change)), force=True)
    assert site_state(client) == before
    assert type(user).objects.filter(pk=user.pk).exists()  # made after the backup: kept


@pytest.mark.postgres
def test_postgres_tables_the_backup_lacks_are_refused(seeded_site, client, tmp_path):
    archive_path = tmp_path / "site.tar"
    call_command("backup", output=str(archive_path), verbosity=0)
    before = site_state(client)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE stray_from_a_newer_release (id integer)")
    try:
        with pytest.raises(CommandError, match="stray_from_a_newer_release.*createdb"):
            call_command("restore", str(archive_path), force=True)
        assert site_state(client) == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE stray_from_a_newer_release")


def test_a_truncated_archive_is_refused(seeded_site, tmp_path):
    archive_path = tmp_path / "site.tar"
    call_command("backup", output=str(archive_path), verbosity=0)
    data = archive_path.read_bytes()
    archive_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CommandError, match="not a readable Curbside backup|damaged"):
        call_command("restore", str(archive_path), force=True, verbosity=0)
    assert Certificate.objects.count() == 5


def test_restoring_over_data_needs_force(seeded_site, client, tmp_path):
    archive_path = tmp_path / "site.tar"
    call_command("backup", output=str(archive_path), verbosity=0)
    before = site_state(client)
    # Life goes on after the backup: a new learner earns a certificate.
    user = UserFactory(username="after-backup")
    LearnerProfileFactory(user=user, full_name="After Backup")
    complete(user, seeded_site)
    late = Certificate.objects.get(user=user)

    with pytest.raises(CommandError, match=r"already holds data \(6 users.*--force"):
        call_command("restore", str(archive_path), verbosity=0)
    assert Certificate.objects.filter(pk=late.pk).exists()

    call_command("restore", str(archive_path), "--yes", verbosity=0)
    assert site_state(client) == before
    assert client.get(f"/certificates/verify/{late.verification_code}/").status_code == 404


def test_a_missing_archive_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "nothing.tar"), verbosity=0)


def make_env(media_root, db_url):
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's default: MEDIA_ROOT from the environment
    env.update(MEDIA_ROOT=str(media_root), DATABASE_URL=db_url, DATABASE_CONN_MAX_AGE="0")
    return env


def make(target, env, **variables):
    command = ["make", "--no-print-directory", target] + [f"{k}={v}" for k, v in variables.items()]
    return subprocess.run(  # noqa: S603 (fixed arguments)
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_make_backup_and_make_restore(seeded_site, media_root, tmp_path):
    """The Makefile targets, in their own processes: on PostgreSQL against the
    test database; on SQLite against a file copy of it (in WAL mode, as
    the site runs), since an in-memory database cannot be shared."""
    if connection.vendor == "postgresql":
        db_url = database_url()
    else:
        db_file = tmp_path / "site.sqlite3"
        copy = sqlite3.connect(db_file)
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
        copy.close()
        db_url = f"sqlite:///{db_file}"
    expected = database.current_state()["counts"]
    env = make_env(media_root, db_url)
    backups = tmp_path / "backups"

    result = make("backup", env, BACKUP_DIR=backups)
    assert result.returncode == 0, result.stderr
    (archive_path,) = backups.glob("curbside-*Z.tar")
    assert f"Backup written to {archive_path}" in result.stdout

    refused = make("restore", env, BACKUP=archive_path)
    assert refused.returncode != 0
    assert "already holds data" in refused.stderr and "FORCE=1" in refused.stderr
    missing = make("restore", env)
    assert missing.returncode != 0 and "make restore BACKUP=" in missing.stdout + missing.stderr

    shutil.rmtree(media_root)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    else:
        db_file.unlink()
    result = make("restore", env, BACKUP=archive_path)
    assert result.returncode == 0, result.stderr
    assert "Restore complete." in result.stdout

    if connection.vendor == "sqlite":
        restored = sqlite3.connect(db_file)
        assert database._snapshot(restored.cursor(), [])["counts"] == expected
        restored.close()
    else:
        assert database.current_state()["counts"] == expected
    for certificate in Certificate.objects.all():
        assert (media_root / certificate.pdf.name).is_file()
