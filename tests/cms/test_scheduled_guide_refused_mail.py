"""A clinical guide scheduled to go live, refused at go-live time because an
author's disclosure has lapsed: the people who must act are e-mailed once
(who scheduled it, who saved the version, the owner, the author whose
disclosure lapsed), with the guide, the date, the reason and the editor's
link. Runs the real ``publish_scheduled`` command."""

import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageLogEntry, Revision

import pytest

from cms.models import GuidePage
from cms.site_url import absolute_url
from tests.factories import GuidePageFactory, MentorFactory, UserFactory

from .test_workflow import sign_disclosure

pytestmark = pytest.mark.django_db


def schedule(guide, *, saved_by, scheduled_by, minutes_from_now=60):
    """Schedule the guide's new version as the editor does: a go-live date,
    then "Publish" (Wagtail records the schedule and who made it)."""
    guide.go_live_at = timezone.now() + datetime.timedelta(minutes=minutes_from_now)
    revision = guide.save_revision(user=saved_by)
    revision.publish(user=scheduled_by)
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None  # scheduled, not published
    assert PageLogEntry.objects.filter(
        page=guide, action="wagtail.publish.schedule", user=scheduled_by
    ).exists()
    return revision


def the_day_comes(revision, minutes_ago=5):
    """The go-live moment passes (the stored dates move back, as no clock can)."""
    due = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    revision.content["go_live_at"] = due.isoformat()
    revision.approved_go_live_at = due
    revision.save(update_fields=["content", "approved_go_live_at"])
    return due


def run_scheduled_publishing():
    err = StringIO()
    call_command("publish_scheduled", stdout=StringIO(), stderr=err)
    return err.getvalue()


@pytest.fixture
def people(db):
    author_user = UserFactory(
        username="farid", email="farid@example.org", first_name="Farid", last_name="Haddad"
    )
    author = MentorFactory(user=author_user, name="Farid Haddad", credentials="MD")
    co_author_user = UserFactory(username="grace", email="grace@example.org")
    co_author = MentorFactory(user=co_author_user, name="Grace Ito", credentials="DO")
    return {
        "author": author,
        "co_author": co_author,
        "owner": UserFactory(username="owner", email="owner@example.org"),
        "scheduler": UserFactory(username="sched", email="scheduler@example.org", reviewer=True),
        "bystander": UserFactory(username="bystander", email="bystander@example.org", staff=True),
    }


def test_a_refused_scheduled_guide_tells_the_people_who_must_act_once(people):
    author, co_author = people["author"], people["co_author"]
    guide = GuidePageFactory(
        live=False,
        title="Sepsis in the first hour",
        authors=[author, co_author],
        owner=people["owner"],
    )
    revision = schedule(guide, saved_by=author.user, scheduled_by=people["scheduler"])
    sign_disclosure(author, days_ago=400)  # lapsed after the guide was scheduled
    due = the_day_comes(revision)

    said = run_scheduled_publishing()

    assert "Not published: 'Sepsis in the first hour'" in said
    assert not GuidePage.objects.get(pk=guide.pk).live
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()
    told = sorted(address for message in mail.outbox for address in message.to)
    # Who scheduled it, the owner, and the author who saved the version and
    # whose disclosure lapsed; not the co-author with a current disclosure.
    assert told == ["farid@example.org", "owner@example.org", "scheduler@example.org"]
    assert len(mail.outbox) == 3  # one e-mail each
    day = f"{timezone.localtime(due):%-d %B %Y}"
    edit_link = absolute_url(reverse("wagtailadmin_pages:edit", args=(guide.pk,)))
    for message in mail.outbox:
        assert "Sepsis in the first hour" in message.subject
        assert day in message.subject and day in message.body
        assert "Farid Haddad, MD" in message.body
        assert "expired" in message.body and "disclosure" in message.body
        assert "schedule has been cancelled" in message.body
        assert edit_link in message.body
        assert "Grace Ito" not in message.body.split("Why it was refused")[1]

    run_scheduled_publishing()
    assert len(mail.outbox) == 3  # nothing sent twice
    call_command("send_notifications", "--no-scans", stdout=StringIO())
    assert len(mail.outbox) == 3


def test_the_author_is_told_where_to_sign_a_new_disclosure(people):
    author = people["author"]
    guide = GuidePageFactory(live=False, authors=[author], owner=people["owner"])
    revision = schedule(guide, saved_by=people["owner"], scheduled_by=people["scheduler"])
    sign_disclosure(author, days_ago=400)
    the_day_comes(revision)

    run_scheduled_publishing()

    [to_author] = [m for m in mail.outbox if m.to == ["farid@example.org"]]
    assert absolute_url(reverse("cms_disclosure_new", args=(author.pk,))) in to_author.body
    assert len(mail.outbox) == 3


def test_a_live_guide_keeps_its_version_and_the_editors_are_told(people):
    author = people["author"]
    guide = GuidePageFactory(live=True, title="Chest pain triage", authors=[author])
    guide.save_revision().publish()
    guide = GuidePage.objects.get(pk=guide.pk)
    guide.title = "Chest pain triage, revised"
    revision = schedule(guide, saved_by=people["owner"], scheduled_by=people["scheduler"])
    sign_disclosure(author, days_ago=400)
    the_day_comes(revision)

    run_scheduled_publishing()

    live = GuidePage.objects.get(pk=guide.pk)
    assert live.live and live.title == "Chest pain triage"
    scheduler_mail = [m for m in mail.outbox if m.to == ["scheduler@example.org"]]
    assert len(scheduler_mail) == 1
    assert "Chest pain triage, revised" in scheduler_mail[0].subject
    assert "keep seeing the version" in scheduler_mail[0].body


def test_a_scheduled_guide_with_current_disclosures_goes_live_and_nobody_is_e_mailed(people):
    guide = GuidePageFactory(
        live=False, authors=[people["author"], people["co_author"]], owner=people["owner"]
    )
    revision = schedule(guide, saved_by=people["author"].user, scheduled_by=people["scheduler"])
    the_day_comes(revision)

    said = run_scheduled_publishing()

    assert "Not published" not in said
    assert GuidePage.objects.get(pk=guide.pk).live
    assert mail.outbox == []
