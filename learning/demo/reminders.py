"""The demo's reminders: the demo doctor left her path in progress 9 days
ago, so ``manage.py send_notifications`` on a fresh ``make run`` database
sends her one inactivity reminder (printed by the console e-mail backend).

The certificates the seed issues are the learners' history, not news: their
"certificate ready" notifications stay in the inbox but are not e-mailed."""

import datetime
from collections.abc import Callable

from django.utils import timezone

from cms.demo.registry import register_seeder
from learning.models import Enrolment, StepCompletion
from learning.reminders.kinds import CERTIFICATE_READY
from notifications.models import EmailStatus, Notification

from .reporting import LEARNERS

ENROLLED_DAYS_AGO = 12
LAST_STEP_DAYS_AGO = 9
DEMO_LEARNERS = ("doctor", *(learner["username"] for learner in LEARNERS))


def make_quiet(enrolment: Enrolment) -> None:
    """Date a newly seeded enrolment back: enrolled 12 days ago, its steps
    completed a day apart, the last one 9 days ago."""
    now = timezone.now()
    Enrolment.objects.filter(pk=enrolment.pk).update(
        enrolled_at=now - datetime.timedelta(days=ENROLLED_DAYS_AGO)
    )
    completions = list(StepCompletion.objects.filter(enrolment=enrolment).order_by("-pk"))
    for days, completion in enumerate(completions, start=LAST_STEP_DAYS_AGO):
        StepCompletion.objects.filter(pk=completion.pk).update(
            completed_at=now - datetime.timedelta(days=days)
        )


@register_seeder("learning-reminders", order=11)
def settle_seeded_certificates(stdout: Callable[[str], object]) -> None:
    """Runs after the learning seeder has committed (its certificates' PDFs
    are rendered then, with the in-process task backend)."""
    settled = Notification.objects.filter(
        kind=CERTIFICATE_READY.key,
        email_status=EmailStatus.PENDING,
        user__username__in=DEMO_LEARNERS,
    ).update(email_status=EmailStatus.SKIPPED, last_error="demo history: not e-mailed")
    if settled:
        stdout(f"  {settled} demo certificate notification(s) kept in the inbox, not e-mailed")
