"""Delivery is coalesced with the database worker: one delivery task per
commit however many notifications it wrote, none more while one waits to
start, and a run stopped at its limit queues the next, so every e-mail goes
out once. The runs are made by django-tasks-db's own worker code."""

from django.core import mail
from django.db import transaction

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from notifications import delivery
from notifications.bulk import Draft, notify_many
from notifications.models import EmailStatus, Notification
from notifications.services import notify
from tests.factories import UserFactory

from .kinds import EXAMPLE, OTHER
from .worker import run_worker

pytestmark = pytest.mark.django_db
DELIVERY_TASK = "notifications.tasks.deliver_notifications"


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def write(user, kind=EXAMPLE.key, **fields):
    values = {"subject": "Your path is waiting", "text": "Step 3 is next.", "url": "/paths/x/"}
    values.update(fields)
    return notify(user, kind, **values)


def delivery_tasks(status=None):
    rows = DBTaskResult.objects.filter(task_path=DELIVERY_TASK)
    return rows.filter(status=status) if status else rows


def test_one_transaction_with_many_notifications_queues_one_delivery(
    database_tasks, django_capture_on_commit_callbacks
):
    doctors = [UserFactory(learner=True, email=f"doctor{i}@example.org") for i in range(4)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for doctor in doctors:
            write(doctor)
            write(doctor, OTHER.key)
        drafts = [Draft(d, "Weekly", "Two steps left.", dedupe_key="w") for d in doctors]
        notify_many(EXAMPLE.key, drafts)
    assert len(callbacks) == 1
    assert delivery_tasks().count() == 1
    assert mail.outbox == []  # nothing sent by the change itself

    assert run_worker() == [DELIVERY_TASK]
    assert len(mail.outbox) == 12
    assert not Notification.objects.filter(email_status=EmailStatus.PENDING).exists()


def test_a_savepoint_rolled_back_takes_its_notification_and_announcement_with_it(
    database_tasks, django_capture_on_commit_callbacks
):
    doctor = UserFactory(learner=True, email="maya@example.org")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                write(doctor, subject="Rolled back")
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
        write(doctor, subject="Kept")
    assert len(callbacks) == 1
    assert run_worker() == [DELIVERY_TASK]
    assert [m.subject for m in mail.outbox] == ["Kept"]


def test_a_commit_while_a_delivery_waits_queues_no_other(
    database_tasks, django_capture_on_commit_callbacks
):
    doctors = [UserFactory(learner=True, email=f"doctor{i}@example.org") for i in range(3)]
    for doctor in doctors:  # three commits
        with django_capture_on_commit_callbacks(execute=True):
            write(doctor)
    assert delivery_tasks().count() == 1

    # Once the waiting run has started, a new commit queues the next run:
    # the started one may have claimed its e-mails already.
    delivery_tasks().update(status=TaskResultStatus.RUNNING)
    with django_capture_on_commit_callbacks(execute=True):
        write(doctors[0], OTHER.key)
    assert delivery_tasks(TaskResultStatus.READY).count() == 1
    delivery_tasks(TaskResultStatus.RUNNING).delete()

    assert run_worker() == [DELIVERY_TASK]
    assert len(mail.outbox) == 4


def test_a_run_stopped_at_its_limit_queues_the_next_until_all_are_sent(
    database_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(delivery, "LIMIT", 3)
    doctors = [UserFactory(learner=True, email=f"doctor{i}@example.org") for i in range(7)]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for doctor in doctors:
            write(doctor)
    assert delivery_tasks().count() == 1

    # 3 + 3 + 1: each run full up to the limit queued the next one itself.
    assert run_worker() == [DELIVERY_TASK] * 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(d.email for d in doctors)
    returns = [r.return_value["sent"] for r in delivery_tasks().order_by("finished_at")]
    assert returns == [3, 3, 1]

    # Exactly at the limit with nothing left: no empty run is queued.
    for doctor in doctors[:3]:
        write(doctor, OTHER.key)
    assert delivery.deliver_pending().reached_limit is False
