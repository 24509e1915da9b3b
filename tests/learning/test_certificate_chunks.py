"""Bulk issuance in chunks (learning.certificates.tasks): one task issues and
renders a chunk of claims, each claim once and in its own transaction; a
claim that fails does not stop the others and is issued by the next run; the
queries per certificate do not grow with the chunk; recovery knows the
claims a waiting chunk will issue."""

import io
from unittest import mock

from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pypdf
import pytest
from django_tasks.base import TaskResultStatus

from learning.certificates import issuance, recovery, tasks
from learning.models import (
    Certificate,
    CertificateEvent,
    CertificatePolicy,
    ClaimStatus,
    CreditClaim,
    PdfStatus,
)
from tests.factories import LearnerFactory, LearningPathPageFactory
from tests.notifications.worker import run_worker

from .conftest import complete

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def approved_claims(count, slug="chunked"):
    """``count`` learners through a path whose certificates wait for staff,
    their claims then approved (as a reviewer leaves them): no certificate yet."""
    path = LearningPathPageFactory(
        title="Chunked sepsis",
        slug=slug,
        steps=1,
        certificate_policy=CertificatePolicy.AFTER_APPROVAL,
    )
    for i in range(count):
        learner = LearnerFactory(username=f"{slug}-{i}", profile__full_name=f"Chunk Learner {i}")
        complete(learner, path)
    claims = CreditClaim.objects.filter(enrolment__path=path)
    claims.update(status=ClaimStatus.APPROVED, approved_at=timezone.now())
    assert not Certificate.objects.filter(claim__in=claims).exists()
    return list(claims.order_by("pk").values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_chunk_of_25_queues_one_email_delivery_and_the_worker_sends_all_25():
    """Each certificate commits on its own, with its learner's notification;
    the first commit queues the delivery, the other 24 find it waiting."""
    from django_tasks_db.models import DBTaskResult

    claim_ids = approved_claims(25)
    DBTaskResult.objects.all().delete()
    with override_settings(TASKS=DATABASE_TASKS):
        tasks.issue_certificates_for_claims.enqueue(claim_ids)
        ran = run_worker()
    assert ran == [recovery.ISSUE_CHUNK_TASK, "notifications.tasks.deliver_notifications"]
    certificates = Certificate.objects.filter(claim_id__in=claim_ids, pdf_status=PdfStatus.READY)
    assert certificates.count() == 25
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.user.email for c in certificates)
    assert all("certificate" in m.subject.lower() for m in mail.outbox)


def test_chunks_spread_small_selections_and_cap_large_ones():
    assert [len(c) for c in tasks.chunks(list(range(3)))] == [1, 1, 1]
    assert [len(c) for c in tasks.chunks(list(range(20)))] == [3] * 6 + [2]
    sizes = [len(c) for c in tasks.chunks(list(range(1000)))]
    assert sizes == [tasks.ISSUE_CHUNK] * (1000 // tasks.ISSUE_CHUNK)
    assert [i for c in tasks.chunks(list(range(57))) for i in c] == list(range(57))


def test_a_chunk_issues_and_renders_each_claim_once(django_capture_on_commit_callbacks):
    claim_ids = approved_claims(3)
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.issue_certificates_for_claims.call(claim_ids)
    assert result == {PdfStatus.READY: 3}
    certificates = Certificate.objects.filter(claim_id__in=claim_ids)
    assert sorted(certificates.values_list("claim_id", flat=True)) == claim_ids
    for certificate in certificates:
        # Rendered by the chunk itself: once, with no second render queued.
        assert certificate.pdf_status == PdfStatus.READY and certificate.pdf_attempts == 1
        actions = list(certificate.events.values_list("action", flat=True))
        assert actions.count(CertificateEvent.Action.PDF_READY) == 1
        with certificate.pdf.open("rb") as handle:
            text = pypdf.PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
        assert certificate.learner_name in text and certificate.number in text

    # Running the chunk again (a retry, recovery) issues and renders nothing.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.issue_certificates_for_claims.call(claim_ids)
    assert Certificate.objects.filter(claim_id__in=claim_ids).count() == 3
    assert set(certificates.values_list("pdf_attempts", flat=True)) == {1}


def test_a_failing_claim_does_not_stop_the_others_and_is_issued_next_time(
    django_capture_on_commit_callbacks,
):
    claim_ids = approved_claims(3)
    broken = claim_ids[1]
    real_issue = issuance.issue_certificate

    def issue(claim, *args, **kwargs):
        if claim.pk == broken:
            raise RuntimeError("profile table locked")
        return real_issue(claim, *args, **kwargs)

    with (
        mock.patch("learning.certificates.tasks.issue_certificate", side_effect=issue),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = tasks.issue_certificates_for_claims.enqueue(claim_ids)  # in-process: at once
    assert result.status == TaskResultStatus.FAILED
    assert f"1 of 3 claim(s) not issued: [{broken}]" in result.errors[0].traceback
    assert tasks.claims_not_issued([result]) == 1
    issued = Certificate.objects.filter(claim_id__in=claim_ids)
    assert sorted(issued.values_list("claim_id", flat=True)) == [claim_ids[0], claim_ids[2]]
    assert all(c.pdf_status == PdfStatus.READY for c in issued)

    # What staff do next (the command, the admin page): only the missing one.
    with django_capture_on_commit_callbacks(execute=True):
        [again] = tasks.enqueue_issuance([broken])
    assert again.status == TaskResultStatus.SUCCESSFUL
    assert tasks.claims_not_issued([result, again]) == 0
    assert Certificate.objects.filter(claim_id__in=claim_ids).count() == 3
    assert Certificate.objects.filter(claim_id=broken).count() == 1


def queries_for(claim_ids, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        tasks.issue_certificates_for_claims.call(claim_ids)
    return len(queries)


def test_queries_per_certificate_do_not_grow_with_the_chunk(django_capture_on_commit_callbacks):
    claim_ids = approved_claims(7)
    one = queries_for(claim_ids[:1], django_capture_on_commit_callbacks)
    two = queries_for(claim_ids[1:3], django_capture_on_commit_callbacks)
    four = queries_for(claim_ids[3:7], django_capture_on_commit_callbacks)
    per_certificate = two - one
    assert four - two == 2 * per_certificate
    # Issue, snapshot, audit events, the PDF and the learner's notification:
    # the learner's profile and the claim are read with the claim and the
    # certificate, not on their own, and the PDF's row is saved without a
    # savepoint of its own (19 here, inside the test's transaction; in a
    # worker on PostgreSQL 20, 26 before).
    assert per_certificate <= 19, per_certificate


@override_settings(TASKS=DATABASE_TASKS)
def test_recovery_leaves_the_claims_of_a_waiting_chunk_to_it():
    claim_ids = approved_claims(3)
    tasks.issue_certificates_for_claims.enqueue(claim_ids[:2])
    # Only the claim no chunk waits for is queued; and only once.
    assert tasks.queue_missing() == (1, 0)
    assert tasks.queue_missing() == (0, 0)
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path=recovery.ISSUE_CHUNK_TASK)
    assert sorted(r.args_kwargs["args"][0] for r in queued) == [claim_ids[:2], claim_ids[2:]]
    # A chunk left RUNNING by a dead worker goes back to the queue on its restart.
    queued.filter(args_kwargs__args__0=claim_ids[:2]).update(
        status=TaskResultStatus.RUNNING, worker_ids=["host-1"], started_at=timezone.now()
    )
    assert recovery.release_orphaned_tasks(worker_id="host-1") == 1
