"""notify_many: the scans' way to write many notifications of one kind in a
fixed number of queries, with notify's rules (settings, inactive accounts,
addresses, one notification per key)."""

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from notifications.bulk import Draft, notify_many
from notifications.delivery import deliver_pending
from notifications.models import EmailStatus, Notification
from notifications.services import notify, set_enabled
from tests.factories import UserFactory

from .kinds import EXAMPLE, OFF_BY_DEFAULT

pytestmark = pytest.mark.django_db


def draft(user, key="week-49", subject="Your path is waiting"):
    return Draft(user, subject, "Step 3 is next.", key, "/paths/x/")


def test_writes_each_wanted_notification_once_in_fixed_queries():
    users = [UserFactory(learner=True) for _ in range(12)]
    with CaptureQueriesContext(connection) as few:
        assert len(notify_many(EXAMPLE.key, [draft(u) for u in users[:2]])) == 2
    with CaptureQueriesContext(connection) as many:
        assert len(notify_many(EXAMPLE.key, [draft(u) for u in users[2:]])) == 10
    assert len(many) == len(few)
    # Again: the keys exist, nothing is written.
    assert notify_many(EXAMPLE.key, [draft(u) for u in users]) == []
    assert Notification.objects.count() == 12
    assert deliver_pending().sent == 12
    assert len(mail.outbox) == 12


def test_respects_settings_accounts_addresses_and_notify_s_own_rows():
    on, off, inactive, no_address, earlier = (
        UserFactory(learner=True),
        UserFactory(learner=True),
        UserFactory(learner=True, is_active=False),
        UserFactory(learner=True, email=""),
        UserFactory(learner=True),
    )
    set_enabled(off, EXAMPLE.key, False)
    notify(earlier, EXAMPLE.key, subject="Written before", text=".", dedupe_key="week-49")
    written = notify_many(EXAMPLE.key, [draft(u) for u in (on, off, inactive, no_address, earlier)])
    assert {n.user_id for n in written} == {on.pk, no_address.pk}
    assert Notification.objects.get(user=no_address).email_status == EmailStatus.SKIPPED
    assert Notification.objects.get(user=earlier).subject == "Written before"
    # A kind off by default needs the person to turn it on.
    assert notify_many(OFF_BY_DEFAULT.key, [draft(on)]) == []


def test_refuses_drafts_without_key_or_subject():
    user = UserFactory(learner=True)
    with pytest.raises(ValueError, match="dedupe key"):
        notify_many(EXAMPLE.key, [draft(user, key="")])
    with pytest.raises(ValueError, match="subject"):
        notify_many(EXAMPLE.key, [draft(user, subject="  ")])
    with pytest.raises(LookupError):
        notify_many("no.such.kind", [draft(user)])
