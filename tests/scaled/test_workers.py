"""Background tasks on the database backend with real `manage.py worker`
processes sharing the (PostgreSQL) test database: every task runs once, and a
worker killed with SIGKILL in the middle of a bulk issuance loses nothing and
issues nothing twice once it is restarted the way `make worker` restarts it."""

from django.conf import settings

from wagtail.models import Page

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from learning.certificates.bulk import claims_needing_certificates
from learning.certificates.recovery import ISSUE_CHUNK_TASK, RENDER_TASK
from learning.certificates.tasks import enqueue_issuance
from learning.models import Certificate, CertificatePolicy, ClaimStatus, CreditClaim, PdfStatus
from search.models import IndexedDocument, PendingIndexUpdate
from tests.factories import (
    GuidePageFactory,
    InstitutionStaffFactory,
    LearnerProfileFactory,
    LearningPathPageFactory,
    MentorFactory,
    UserFactory,
)
from tests.learning.conftest import complete

from .conftest import wait_for

INDEX_TASK = "search.tasks.process_index_updates"
DELIVERY_TASK = "notifications.tasks.deliver_notifications"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def awaiting_claims(count):
    """``count`` learners through a path whose certificates wait for approval."""
    path = LearningPathPageFactory(
        title="Sepsis at scale",
        slug="sepsis-at-scale",
        steps=1,
        certificate_policy=CertificatePolicy.AFTER_APPROVAL,
    )
    for i in range(count):
        user = UserFactory(username=f"scaled-{i:03d}")
        LearnerProfileFactory(user=user, full_name=f"Scaled Learner {i:03d}")
        complete(user, path)
    staff = InstitutionStaffFactory(username="scaled-staff")
    path.institution.staff.add(staff)
    claims = claims_needing_certificates(path=path, user=staff, include_awaiting=True)
    assert claims.count() == count
    return path, staff, list(claims.values_list("pk", flat=True))


def pending_tasks():
    return DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).count()


def assert_each_claim_has_one_certificate_with_its_pdf(claim_ids):
    certificates = Certificate.objects.filter(claim_id__in=claim_ids)
    assert certificates.count() == len(claim_ids)
    assert set(certificates.values_list("claim_id", flat=True)) == set(claim_ids)
    assert CreditClaim.objects.filter(pk__in=claim_ids, status=ClaimStatus.APPROVED).count() == len(
        claim_ids
    )
    media = settings.MEDIA_ROOT / "certificates"
    for certificate in certificates:
        assert certificate.pdf_status == PdfStatus.READY, certificate.pdf_error
        with certificate.pdf.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
        # One file per certificate: never rendered into a second name.
        assert [p.name for p in media.glob(f"{certificate.verification_code}*")] == [
            f"{certificate.verification_code}.pdf"
        ]


def test_two_workers_run_every_certificate_task_once(workers, database_tasks):
    path, staff, claim_ids = awaiting_claims(12)
    DBTaskResult.objects.all().delete()
    w1, w2 = workers("scaled-w1"), workers("scaled-w2")
    enqueue_issuance(claim_ids, actor=staff)

    wait_for(lambda: pending_tasks() == 0, 120, "the workers did not finish the queue")

    results = DBTaskResult.objects.filter(task_path__in=[ISSUE_CHUNK_TASK, RENDER_TASK])
    # The claims in chunks (12 claims: spread over 6 tasks of 2), each claim
    # in exactly one; each task issues and renders its claims, so no render
    # task is queued.
    chunks = [r.args_kwargs["args"][0] for r in results.filter(task_path=ISSUE_CHUNK_TASK)]
    assert sorted(i for chunk in chunks for i in chunk) == sorted(claim_ids)
    assert len(chunks) == 6
    assert not results.filter(task_path=RENDER_TASK).exists()
    for result in results:
        assert result.status == TaskResultStatus.SUCCESSFUL, result.traceback
        assert len(result.worker_ids) == 1  # claimed once, by one worker
    assert {result.worker_ids[0] for result in results} == {w1.worker_id, w2.worker_id}
    assert [r.return_value for r in results] == [{"ready": 2}] * 6
    # Each certificate's "ready" notification (learning.reminders) queued its
    # e-mail's delivery, which the workers ran too.
    deliveries = DBTaskResult.objects.filter(task_path=DELIVERY_TASK)
    assert deliveries.exists()
    assert all(d.status == TaskResultStatus.SUCCESSFUL for d in deliveries)
    assert sum(d.return_value["sent"] for d in deliveries) == len(claim_ids)

    assert_each_claim_has_one_certificate_with_its_pdf(claim_ids)
    # Each PDF rendered once.
    assert set(Certificate.objects.values_list("pdf_attempts", flat=True)) == {1}


def test_two_workers_apply_every_index_update(workers, database_tasks):
    mentor = MentorFactory()
    guides = [
        GuidePageFactory(title=f"Scaled guide {i}", slug=f"scaled-guide-{i}", authors=[mentor])
        for i in range(8)
    ]
    DBTaskResult.objects.all().delete()
    PendingIndexUpdate.objects.all().delete()
    IndexedDocument.objects.filter(page_id__in=[g.pk for g in guides]).delete()
    workers("index-w1"), workers("index-w2")
    for guide in guides:  # each publication queues an index update task
        Page.objects.get(pk=guide.pk).specific.save_revision().publish()

    wait_for(lambda: pending_tasks() == 0, 120, "the workers did not finish the queue")

    results = DBTaskResult.objects.filter(task_path=INDEX_TASK)
    assert results.count() >= len(guides)
    assert not PendingIndexUpdate.objects.exists()
    assert {g.pk for g in guides} <= set(IndexedDocument.objects.values_list("page_id", flat=True))
    # Two workers often index the same page at once; neither run fails.
    failed = [r.traceback for r in results if r.status != TaskResultStatus.SUCCESSFUL]
    assert failed == []


def test_a_worker_killed_mid_issuance_is_restarted_and_every_claim_gets_one_certificate(
    workers, database_tasks
):
    path, staff, claim_ids = awaiting_claims(30)
    DBTaskResult.objects.all().delete()
    w1 = workers("fault-w1")
    workers("fault-w2")
    enqueue_issuance(claim_ids, actor=staff)

    # Kill w1 with SIGKILL while it is running a task, about a third of the way in.
    def w1_busy_and_a_third_done():
        return (
            Certificate.objects.count() >= len(claim_ids) // 3
            and DBTaskResult.objects.filter(
                status=TaskResultStatus.RUNNING, worker_ids__contains=[w1.worker_id]
            ).exists()
        )

    wait_for(w1_busy_and_a_third_done, 120, "w1 never got busy")
    w1.kill()
    orphaned = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, worker_ids__contains=[w1.worker_id]
    )
    # django-tasks-db leaves the task RUNNING for ever: nothing else takes it.
    assert orphaned.count() == 1
    orphan = orphaned.get()
    wait_for(
        lambda: DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 0,
        120,
        "w2 did not drain the queue",
    )
    assert DBTaskResult.objects.get(pk=orphan.pk).status == TaskResultStatus.RUNNING

    # Restart w1 as `make worker` does: recover its own tasks, then work.
    counts = w1.recover()
    assert counts["released"] == 1, counts
    workers("fault-w1")
    wait_for(lambda: pending_tasks() == 0, 120, "the queue was not finished after the restart")

    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.SUCCESSFUL, orphan.traceback
    assert len(orphan.worker_ids) == 2  # taken again (by whichever worker was free)
    assert orphan.worker_ids[0] == w1.worker_id
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
    assert_each_claim_has_one_certificate_with_its_pdf(claim_ids)
