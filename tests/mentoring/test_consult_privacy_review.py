"""Consults and privacy, from an adversarial review: a question on a guide
behind a privacy restriction, what the asker's export holds, and what other
people's inboxes keep of a deleted person's questions and requests."""

import json

from django.contrib.auth.models import Group
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest

from learning.privacy.deletion import delete_account
from mentoring.models import MatchRequest
from mentoring.services.asking import send_request
from notifications.models import EmailStatus, Notification
from tests.factories import UserFactory
from tests.factories.consults import AnswerFactory, QuestionFactory
from tests.learning.privacy_helpers import PASSWORD

from .conftest import mentee_in, mentor_in
from .consult_fixtures import CLEAN

pytestmark = pytest.mark.django_db


def _restrict(page, kind):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=kind, password="wardround"
    )
    group = None
    if kind == PageViewRestriction.GROUPS:
        group = Group.objects.create(name="Residents only")
        restriction.groups.add(group)
    return group


@pytest.mark.parametrize(
    "kind", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN, PageViewRestriction.GROUPS]
)
def test_a_question_on_a_restricted_guide_is_not_shown_to_whom_the_guide_refuses(
    client, guide_by_a, mentor_a, kind
):
    question = QuestionFactory(guide=guide_by_a, title="Anticoagulation before a dental extraction")
    AnswerFactory(question=question, author=mentor_a.user, body="Usually continue warfarin.")
    _restrict(guide_by_a, kind)
    url = f"/consults/questions/{question.pk}/"

    page = client.get(url)
    assert page.status_code == 404
    assert "warfarin" not in page.content.decode()
    # Reporting it goes through the same check.
    assert client.get(f"/consults/questions/{question.pk}/report/").status_code in (302, 404)


def test_whom_the_guide_admits_still_reads_its_questions(client, guide_by_a, mentor_a):
    question = QuestionFactory(guide=guide_by_a, title="Anticoagulation before a dental extraction")
    AnswerFactory(question=question, author=mentor_a.user, body="Usually continue warfarin.")
    group = _restrict(guide_by_a, PageViewRestriction.GROUPS)
    outsider, resident = UserFactory(), UserFactory()
    resident.groups.add(group)

    client.force_login(outsider)
    assert client.get(f"/consults/questions/{question.pk}/").status_code == 404
    client.force_login(resident)
    page = client.get(f"/consults/questions/{question.pk}/")
    assert page.status_code == 200
    assert "Usually continue warfarin." in page.content.decode()


def test_the_export_leaves_out_answers_a_moderator_hid(client, guide_by_a, mentor_a):
    asker = UserFactory()
    question = QuestionFactory(guide=guide_by_a, asker=asker)
    AnswerFactory(question=question, author=mentor_a.user, body="Shown: check the INR first.")
    AnswerFactory(
        question=question, author=mentor_a.user, body="Hidden: patient MRN 1234567", hidden=True
    )
    client.force_login(asker)
    exported = json.loads(client.get("/me/privacy/export.json").content)
    answers = exported["mentoring_consults"]["questions"][0]["answers"]
    assert [a["body"] for a in answers] == ["Shown: check the INR first."]


def test_a_deleted_askers_question_leaves_no_notice_in_the_authors_inbox(
    client, guide_by_a, mentor_a, django_capture_on_commit_callbacks
):
    asker = UserFactory()
    client.force_login(asker)
    title = "My divorce is affecting my night shifts"
    client.post(f"/consults/guides/{guide_by_a.pk}/ask/", dict(CLEAN, title=title))
    notices = Notification.objects.filter(user=mentor_a.user, subject__contains="divorce")
    assert notices.filter(email_status=EmailStatus.PENDING).exists()

    delete_account(asker, PASSWORD)

    assert not notices.exists()
    assert not Notification.objects.filter(text__contains="divorce").exists()


def test_a_deleted_mentees_request_leaves_no_notice_with_their_name(programme):
    mentee = mentee_in(programme, "farah")
    mentee.first_name, mentee.last_name = "Farah", "Haddad"
    mentee.save()
    mentor = mentor_in(programme, "okafor")
    send_request(
        mentee, programme, mentor.pk, "I am an IMG starting residency in a rural hospital."
    )
    request = MatchRequest.objects.get(mentee=mentee)
    received = Notification.objects.filter(
        user=mentor, dedupe_key=f"mentoring-request-{request.pk}-received"
    )
    assert received.exists()

    delete_account(mentee, PASSWORD)

    assert not received.exists()
    assert not Notification.objects.filter(user=mentor, subject__contains="Farah").exists()


def test_once_the_relationship_has_ended_its_private_questions_are_read_only(client):
    from mentoring.models import Answer, Relationship, RelationshipStatus
    from tests.factories.mentoring import RelationshipFactory

    pair = RelationshipFactory(mentee=UserFactory(), mentor=UserFactory())
    question = QuestionFactory(relationship=pair, asker=pair.mentee, title="Locum contracts")
    Relationship.objects.filter(pk=pair.pk).update(
        status=RelationshipStatus.ENDED, ended_at=timezone.now()
    )
    client.force_login(pair.mentor)

    page = client.get(f"/consults/questions/{question.pk}/").content.decode()
    assert "Locum contracts" in page  # still readable
    client.post(f"/consults/questions/{question.pk}/answer/", {"body": "Read the notice period."})

    assert not Answer.objects.filter(question=question).exists()


def test_the_asker_and_the_guides_author_keep_a_question_on_a_guide_made_private(
    client, guide_by_a, mentor_a
):
    asker = UserFactory()
    question = QuestionFactory(guide=guide_by_a, asker=asker, title="Anticoagulation and dentists")
    _restrict(guide_by_a, PageViewRestriction.PASSWORD)
    url = f"/consults/questions/{question.pk}/"
    for user in (asker, mentor_a.user):
        client.force_login(user)
        assert "Anticoagulation and dentists" in client.get(url).content.decode()
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
