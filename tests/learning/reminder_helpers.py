"""What the reminder tests (test_reminders_*.py) share besides their fixtures
(``start``, ``maya`` and ``sepsis``, in conftest.py): a learner enrolled and
quiet since a given moment, their notifications of one kind, and a path's
termination date set some days ahead."""

import datetime
import zoneinfo

from django.utils import timezone

from learning.journey import services
from learning.models import Enrolment, EvaluationResponse, StepCompletion, TestAttempt
from notifications.models import Notification

DAY = datetime.timedelta(days=1)
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def quiet_since(enrolment, moment):
    """Everything the learner did on this path happened at ``moment``."""
    Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=moment)
    StepCompletion.objects.filter(enrolment=enrolment).update(completed_at=moment)
    TestAttempt.objects.filter(enrolment=enrolment).update(submitted_at=moment)
    EvaluationResponse.objects.filter(enrolment=enrolment).update(submitted_at=moment)


def enrol(user, path, at, steps_done=1):
    enrolment, _ = services.enrol(user, path)
    for step in list(path.steps.order_by("sort_order"))[:steps_done]:
        services.complete_step(user, path, step.guide_id)
    quiet_since(enrolment, at)
    return enrolment


def notes(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind.key).order_by("pk"))


def ends_in(path, now, days):
    """Set the path's termination date ``days`` after ``now``'s date in Chicago."""
    today = timezone.localtime(now, CHICAGO).date()
    type(path).objects.filter(pk=path.pk).update(
        termination_date=today + datetime.timedelta(days=days)
    )
