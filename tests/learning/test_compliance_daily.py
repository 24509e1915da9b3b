"""The daily compliance check (``manage.py check_compliance`` and its background
task): one ``PathComplianceCheck`` row and one e-mail to the institution's staff
per change of a live credit path's state, never a second one for the same
state; everything it finds is printed.

E-mail goes through Django's locmem backend (``mail.outbox``); the failing
mail server is a real refused connection on a closed loopback port.
"""

import datetime
import io
import socket

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

import pytest

from cms.disclosures import record_disclosure
from learning.compliance.daily import run_check
from learning.compliance.tasks import check_compliance
from learning.models import LearningPathPage, PathComplianceCheck
from tests.factories import InstitutionStaffFactory, LearningPathPageFactory, UserFactory

from .test_credit_paused import (
    author_of,
    let_disclosure_expire,
    review_long_ago,
    today,
    up_to_the_claim,
)

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("check_compliance", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.fixture
def staff(path):
    person = InstitutionStaffFactory(username="cme-office", email="cme-office@example.org")
    path.institution.staff.add(person)
    return person


def test_expiry_is_recorded_and_told_once_then_the_return(path, staff, learner):
    up_to_the_claim(learner, path)
    author = author_of(path)
    assert "0 out of compliance, 0 change(s) recorded" in run()
    assert not PathComplianceCheck.objects.exists() and not mail.outbox

    let_disclosure_expire(author)
    output = run()
    assert f"“{path.title}” (page {path.pk}): fell out of compliance" in output
    assert f"{author.display_name}'s disclosure of financial relationships" in output
    assert "told cme-office@example.org" in output
    check = PathComplianceCheck.objects.get()
    assert not check.compliant and check.notified_at is not None
    assert any("A new disclosure is needed" in problem for problem in check.problems)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cme-office@example.org"]
    assert message.subject == (
        f"Action needed: “{path.title}” has stopped taking enrolments and credit claims"
    )
    assert "What to fix:\n- " in message.body
    assert f"{author.display_name}'s disclosure" in message.body
    assert f"http://testserver/admin/pages/{path.pk}/edit/" in message.body
    assert "learners already enrolled (1 not yet finished) keep their progress" in message.body

    # The next day's run: nothing new, nothing sent, but it says so.
    output = run()
    assert "still out of compliance, unchanged since" in output
    assert "0 change(s) recorded, 0 notice(s) sent" in output
    assert PathComplianceCheck.objects.count() == 1 and len(mail.outbox) == 1

    record_disclosure(
        author, relationships=[], none_to_disclose=True, signed_name=author.name, given_on=today()
    )
    output = run()
    assert f"“{path.title}” (page {path.pk}): put right" in output
    back = PathComplianceCheck.objects.order_by("-pk").first()
    assert back.compliant and back.problems == [] and back.notified_at is not None
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == f"“{path.title}” takes enrolments and credit claims again"
    assert "0 change(s) recorded" in run()
    assert PathComplianceCheck.objects.count() == 2 and len(mail.outbox) == 2


@pytest.mark.parametrize(
    "change, problem",
    [
        ("termination", "termination date"),
        ("review", "more than 3 years ago"),
    ],
)
def test_termination_and_old_review_each_take_a_path_out(path, staff, change, problem):
    if change == "termination":
        # Time passes: the termination date set when it was still ahead is now
        # yesterday (the gate would refuse to publish a path already terminated).
        LearningPathPage.objects.filter(pk=path.pk).update(
            termination_date=today() - datetime.timedelta(days=1)
        )
        path.refresh_from_db()
    else:
        review_long_ago(path)
    output = run()
    assert "fell out of compliance" in output and problem in output
    check = PathComplianceCheck.objects.get()
    assert any(problem in p for p in check.problems)
    assert len(mail.outbox) == 1 and problem in mail.outbox[0].body


def test_a_new_problem_while_out_is_one_more_row_and_notice(path, staff):
    let_disclosure_expire(author_of(path))
    run()
    path.contributors.get().person.disclosures.update(
        given_on=today() - datetime.timedelta(days=400)
    )
    output = run()
    assert "still out of compliance; what is wrong changed" in output
    assert PathComplianceCheck.objects.count() == 2 and len(mail.outbox) == 2
    assert mail.outbox[1].subject.startswith("Still needed:")
    assert mail.outbox[1].body.count("A new disclosure is needed") == 2
    run()
    assert PathComplianceCheck.objects.count() == 2 and len(mail.outbox) == 2


def test_paths_without_credit_and_unpublished_paths_are_not_checked(path, staff):
    free = LearningPathPageFactory(slug="free", max_credits=0, institution=path.institution)
    draft = LearningPathPageFactory(slug="draft", institution=path.institution)
    draft.unpublish()
    let_disclosure_expire(author_of(free))
    let_disclosure_expire(author_of(draft))
    output = run()
    assert "Checked 1 live path(s) with credit" in output
    assert not PathComplianceCheck.objects.exists() and not mail.outbox


def test_nobody_to_tell_is_reported_and_told_once_someone_is_added(path):
    path.institution.contact_email = ""
    path.institution.save()
    path.institution.staff.add(UserFactory(email=""))  # a staff user without an address
    let_disclosure_expire(author_of(path))
    output = run()
    assert "nobody to tell" in output and "1 path(s) need attention" in output
    check = PathComplianceCheck.objects.get()
    assert check.notified_at is None and not mail.outbox

    path.institution.staff.add(InstitutionStaffFactory(email="new-staff@example.org"))
    output = run()
    assert "told new-staff@example.org" in output and "told now" in output
    assert PathComplianceCheck.objects.count() == 1 and len(mail.outbox) == 1
    run()
    assert len(mail.outbox) == 1


def test_without_staff_the_institution_contact_address_is_told(path):
    let_disclosure_expire(author_of(path))
    run()
    assert mail.outbox[0].to == [path.institution.contact_email]


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_refused_mail_server_is_reported_and_retried(path, staff):
    let_disclosure_expire(author_of(path))
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    with override_settings(EMAIL_BACKEND=smtp, EMAIL_HOST="127.0.0.1", EMAIL_PORT=closed_port()):
        output = run()
    assert "could not be sent" in output and "the next run tries again" in output
    assert PathComplianceCheck.objects.get().notified_at is None
    output = run()
    assert "told cme-office@example.org" in output
    assert PathComplianceCheck.objects.count() == 1 and len(mail.outbox) == 1


def test_dry_run_changes_and_sends_nothing(path, staff):
    let_disclosure_expire(author_of(path))
    output = run("--dry-run")
    assert "[dry run]" in output and "would tell cme-office@example.org" in output
    assert "1 change(s) to record" in output
    assert not PathComplianceCheck.objects.exists() and not mail.outbox


def test_today_option_previews_a_coming_expiry(path, staff):
    later = author_of(path).current_disclosure.expires_on + datetime.timedelta(days=1)
    output = run("--dry-run", "--today", later.isoformat())
    assert "fell out of compliance" in output
    assert "must be a date" in _command_error("--today", "31/12/2031")


def _command_error(*args):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as info:
        run(*args)
    return str(info.value)


def test_the_background_task_runs_the_same_check(path, staff):
    let_disclosure_expire(author_of(path))
    result = check_compliance.enqueue()  # the immediate backend runs it now
    assert result.return_value == {
        "on": timezone.localdate().isoformat(),
        "checked": 1,
        "out_of_compliance": 1,
        "changes": 1,
        "notified": 1,
        "warnings": 0,
    }
    assert PathComplianceCheck.objects.count() == 1 and len(mail.outbox) == 1
    output = run("--enqueue")
    assert "Queued the compliance check as task" in output
    assert PathComplianceCheck.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_record_and_send_once(staff_in_transaction):
    """Two cron runs overlapping on PostgreSQL (each its own connection)."""
    from .test_concurrency import race

    path = staff_in_transaction
    let_disclosure_expire(author_of(path))
    results = race(lambda: run_check().counts()["changes"])
    assert PathComplianceCheck.objects.count() == 1
    assert len(mail.outbox) == 1
    assert sum(results) == 1


@pytest.fixture
def staff_in_transaction(transactional_db):
    path = LearningPathPageFactory(slug="raced")
    path.institution.staff.add(InstitutionStaffFactory(email="office@example.org"))
    return path
