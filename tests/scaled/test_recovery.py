"""Recovery after a dead worker, without workers (any database): orphaned
RUNNING certificate tasks go back to the queue (the restarted worker's own at
once, anyone's once stale), and claims or PDFs with no task waiting for them
are queued once. The settings' task-backend shorthand and `make worker`."""

import datetime
import json
import subprocess

from django.test import override_settings
from django.utils import timezone

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from learning.certificates import recovery
from learning.certificates.tasks import (
    issue_certificate_for_claim,
    issue_certificates_for_claims,
    queue_missing,
    render_certificate_pdf,
)
from learning.models import Certificate, CertificatePolicy, ClaimStatus, CreditClaim, PdfStatus
from tests.factories import LearningPathPageFactory
from tests.learning.conftest import complete

from .conftest import ROOT

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
TASKS = {
    recovery.ISSUE_TASK: issue_certificate_for_claim,
    recovery.ISSUE_CHUNK_TASK: issue_certificates_for_claims,
    recovery.RENDER_TASK: render_certificate_pdf,
}


@pytest.fixture
def approved_claims(database_tasks):
    """Three approved claims with no certificate yet, none of them queued."""
    from tests.factories import LearnerProfileFactory, UserFactory

    path = LearningPathPageFactory(
        slug="recovery", steps=1, certificate_policy=CertificatePolicy.AFTER_APPROVAL
    )
    for i in range(3):
        user = UserFactory(username=f"recover-{i}")
        LearnerProfileFactory(user=user, full_name=f"Recover {i}")
        complete(user, path)
    CreditClaim.objects.update(status=ClaimStatus.APPROVED, approved_at=timezone.now())
    DBTaskResult.objects.all().delete()
    return list(CreditClaim.objects.order_by("pk").values_list("pk", flat=True))


def claim_task(claim_id, worker_id, started_minutes_ago):
    result = issue_certificate_for_claim.enqueue(claim_id)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=[worker_id],
        started_at=timezone.now() - datetime.timedelta(minutes=started_minutes_ago),
    )
    return result.id


def status(result_id):
    return DBTaskResult.objects.get(pk=result_id).status


def test_a_restarted_worker_releases_its_own_running_tasks_at_once(approved_claims):
    mine = claim_task(approved_claims[0], "host-1", started_minutes_ago=0)
    others = claim_task(approved_claims[1], "host-2", started_minutes_ago=1)
    assert recovery.release_orphaned_tasks(worker_id="host-1") == 1
    assert status(mine) == TaskResultStatus.READY
    assert status(others) == TaskResultStatus.RUNNING  # host-2 may well be running it


def test_tasks_running_longer_than_the_limit_are_released_whoever_ran_them(approved_claims):
    fresh = claim_task(approved_claims[0], "host-2", started_minutes_ago=1)
    stale = claim_task(approved_claims[1], "host-3", started_minutes_ago=60)
    assert recovery.release_orphaned_tasks() == 1
    assert status(stale) == TaskResultStatus.READY
    assert status(fresh) == TaskResultStatus.RUNNING


def test_a_long_task_of_a_worker_that_still_beats_is_left_alone(approved_claims):
    from workers.heartbeat import beat

    alive = claim_task(approved_claims[0], "host-2", started_minutes_ago=60)
    gone = claim_task(approved_claims[1], "host-3", started_minutes_ago=60)
    beat("host-2", started_at=timezone.now() - datetime.timedelta(hours=2))
    beat("host-3", started_at=timezone.now(), now=timezone.now() - datetime.timedelta(hours=1))
    assert recovery.release_orphaned_tasks() == 1
    assert status(alive) == TaskResultStatus.RUNNING
    assert status(gone) == TaskResultStatus.READY


def test_recover_tasks_command(approved_claims):
    from io import StringIO

    from django.core.management import call_command

    mine = claim_task(approved_claims[0], "host-1", started_minutes_ago=0)
    out = StringIO()
    call_command("recover_tasks", "--worker-id", "host-1", stdout=out)
    assert out.getvalue().strip() == (
        "Recovered: 1 task(s) released, 2 certificate(s) and 0 PDF(s) queued."
    )
    assert status(mine) == TaskResultStatus.READY
    out = StringIO()
    call_command("recover_tasks", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"released": 0, "claims_queued": 0, "pdfs_queued": 0}


def test_only_certificate_tasks_are_released(approved_claims):
    claim_task(approved_claims[0], "host-1", started_minutes_ago=0)
    DBTaskResult.objects.update(task_path="search.tasks.process_index_updates")
    assert recovery.release_orphaned_tasks(worker_id="host-1") == 0


def test_missing_certificates_and_pdfs_are_queued_once(approved_claims):
    claim_task(approved_claims[0], "host-1", started_minutes_ago=0)  # already being issued
    assert queue_missing() == (2, 0)
    assert queue_missing() == (0, 0)  # queued already: not twice
    # Queued as bulk issuance is: in chunks of claims.
    queued = DBTaskResult.objects.filter(
        task_path=recovery.ISSUE_CHUNK_TASK, status=TaskResultStatus.READY
    )
    claims = sorted(claim for r in queued for claim in r.args_kwargs["args"][0])
    assert claims == approved_claims[1:]


def test_certificates_without_a_pdf_are_queued(approved_claims):
    from learning.certificates.issuance import issue_certificate

    with override_settings(TASKS=IMMEDIATE):
        certificate, _ = issue_certificate(CreditClaim.objects.get(pk=approved_claims[0]))
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_status=PdfStatus.PENDING)
    DBTaskResult.objects.all().delete()
    claims, pdfs = queue_missing()
    assert (claims, pdfs) == (2, 1)
    assert DBTaskResult.objects.filter(task_path=recovery.RENDER_TASK).count() == 1
    # Run what was queued, as a worker would: everything is issued and rendered.
    for result in DBTaskResult.objects.all():
        task = TASKS[result.task_path]
        task.call(*result.args_kwargs["args"])
    assert Certificate.objects.filter(pdf_status=PdfStatus.READY).count() == 3


def test_the_tasks_backend_shorthand(monkeypatch):
    import importlib

    import curbside.settings.base as base

    monkeypatch.setenv("TASKS_BACKEND", "database")
    assert importlib.reload(base).TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    monkeypatch.setenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    assert importlib.reload(base).TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    monkeypatch.delenv("TASKS_BACKEND")
    assert (
        importlib.reload(base).TASKS["default"]["BACKEND"]
        == "django_tasks.backends.immediate.ImmediateBackend"
    )


def test_make_worker_recovers_then_runs_the_worker_for_its_id():
    commands = subprocess.run(
        ["make", "-n", "--no-print-directory", "worker", "WORKER_ID=host-7"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    recover = commands.index("manage.py recover_tasks --worker-id 'host-7'")
    worker = commands.index("manage.py worker --queue-name '*' --worker-id 'host-7' --no-reload")
    assert recover < worker
