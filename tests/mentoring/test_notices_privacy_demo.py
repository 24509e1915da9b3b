"""Mentoring's notifications, its part of the privacy export and deletion,
and the demo programme."""

import json
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

import pytest

from learning.privacy.deletion import delete_account
from mentoring.models import (
    MatchRequest,
    MenteeProfile,
    MentorOffer,
    Participation,
    Programme,
    Relationship,
    RequestStatus,
)
from mentoring.notices import REQUEST_EXPIRED, REQUEST_RECEIVED, REQUEST_REMINDER
from mentoring.services import asking
from notifications.models import Notification
from notifications.schedule import run_scans
from notifications.services import set_enabled

from .conftest import mentee_in, mentor_in

pytestmark = pytest.mark.django_db


def test_a_request_writes_one_notification_for_the_mentor(programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    mentee.first_name, mentee.last_name = "Tomás", "Reyes"
    mentee.save()
    asking.send_request(mentee, programme, mentor.pk)
    asking.send_request(mentee, programme, mentor.pk)  # a second click
    note = Notification.objects.get(user=mentor)
    assert note.kind == REQUEST_RECEIVED
    assert note.subject == "Tomás Reyes would like you as their mentor"
    assert note.url == "/mentoring/requests/"


def test_a_mentor_who_turned_requests_off_gets_none(programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    set_enabled(mentor, REQUEST_RECEIVED, False)
    asking.send_request(mentee, programme, mentor.pk)
    assert not Notification.objects.filter(user=mentor).exists()
    assert MatchRequest.objects.get().status == RequestStatus.PENDING


def test_the_notification_scans_remind_and_expire_once(programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    start = timezone.now()
    asking.send_request(mentee, programme, mentor.pk, now=start)
    assert run_scans(start + timedelta(days=3))["mentoring.requests"] == 1
    assert run_scans(start + timedelta(days=3, hours=1))["mentoring.requests"] == 0
    assert run_scans(start + timedelta(days=7))["mentoring.requests"] == 1
    kinds = list(Notification.objects.order_by("pk").values_list("user", "kind"))
    assert kinds == [
        (mentor.pk, REQUEST_RECEIVED),
        (mentor.pk, REQUEST_REMINDER),
        (mentee.pk, REQUEST_EXPIRED),
    ]


def test_the_privacy_export_holds_the_mentoring_data(client, programme):
    mentee = mentee_in(programme, wants_shared=["career_break"], goal_text="Plan a return")
    mentor = mentor_in(programme)
    asking.send_request(mentee, programme, mentor.pk, "Hello")
    client.force_login(mentee)
    data = json.loads(client.get("/me/privacy/export.json").content)
    section = data["mentoring"]
    assert section["mentee_profile"]["wants_shared"] == ["career_break"]
    assert section["mentee_profile"]["goal_text"] == "Plan a return"
    assert section["programmes"][0]["role"] == "mentee"
    assert section["requests"][0]["message"] == "Hello"
    assert section["requests"][0]["reasons_shown"]
    # The mentor's export has the request, never the mentee's reasons.
    client.force_login(mentor)
    data = json.loads(client.get("/me/privacy/export.json").content)
    section = data["mentoring"]
    assert section["requests"][0]["as"] == "mentor"
    assert section["requests"][0]["reasons_shown"] == []


def test_deleting_an_account_removes_its_mentoring_data(programme):
    mentee, mentor = mentee_in(programme), mentor_in(programme)
    request = asking.send_request(mentee, programme, mentor.pk)
    asking.accept(request.pk, mentor)
    delete_account(mentee, "correct-horse-battery")  # the factory's password
    assert not MenteeProfile.objects.exists()
    assert not Participation.objects.filter(user_id=mentee.pk).exists()
    assert not MatchRequest.objects.exists() and not Relationship.objects.exists()
    assert MentorOffer.objects.filter(user=mentor).exists()


def test_the_demo_programme_is_seeded_once():
    for _ in range(2):
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=StringIO())
    programme = Programme.objects.get(slug="first-years-in-practice")
    assert programme.is_open
    assert programme.participants.filter(role="mentor").count() == 4
    request = MatchRequest.objects.get(mentee__username="doctor")
    assert request.status == RequestStatus.PENDING and request.reasons
