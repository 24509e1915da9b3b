"""Consult rules (mentoring.consults.services), the database's constraints,
and the notifications they write."""

from django.db import IntegrityError, transaction

import pytest

from mentoring.consults import services
from mentoring.consults.identifiers import Kind
from mentoring.models import Question, QuestionStatus, Report, ReportStatus
from notifications.models import Notification
from notifications.services import set_enabled
from tests.factories import GuidePageFactory, UserFactory
from tests.factories.consults import AnswerFactory, QuestionFactory, ReportFactory

from . import consult_fixtures
from .consult_fixtures import CLEAN

pytestmark = pytest.mark.django_db

# Shared fixtures (tests/mentoring/consult_fixtures.py).
moderator = consult_fixtures.moderator
other_mentor = consult_fixtures.other_mentor
pair = consult_fixtures.pair


def test_a_clean_question_is_sent_and_the_author_is_told(guide_by_a, doctor, mentor_a):
    question = services.ask_on_guide(doctor, guide_by_a, **CLEAN)
    assert question.status == QuestionStatus.OPEN
    assert question.identifiers_confirmed_at is None
    note = Notification.objects.get(user=mentor_a.user)
    assert note.kind == "mentoring_consult_question"
    assert CLEAN["title"] in note.subject
    assert note.url == f"/consults/questions/{question.pk}/"
    assert not Notification.objects.filter(user=doctor).exists()


def test_identifiers_are_refused_unless_confirmed_and_the_confirmation_is_stored(
    guide_by_a, doctor
):
    text = {"title": "Chest pain", "body": "John Smith, 54, MRN 1234567, has chest pain."}
    with pytest.raises(services.ConsultError) as refused:
        services.ask_on_guide(doctor, guide_by_a, **text)
    assert [f.kind for f in refused.value.findings] == [Kind.NAME_WITH_AGE, Kind.RECORD_NUMBER]
    assert not Question.objects.exists()
    question = services.ask_on_guide(doctor, guide_by_a, confirmed=True, **text)
    assert question.identifiers_confirmed_at is not None


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [("", "A question", "title"), ("A title", "   ", "body"), ("x" * 161, "A question", "title")],
)
def test_empty_or_long_text_is_refused(guide_by_a, doctor, title, body, field):
    with pytest.raises(services.ConsultError) as refused:
        services.ask_on_guide(doctor, guide_by_a, title=title, body=body)
    assert refused.value.field == field


def test_authors_do_not_ask_themselves_and_drafts_take_no_questions(guide_by_a, mentor_a, doctor):
    with pytest.raises(services.NotAllowed):
        services.ask_on_guide(mentor_a.user, guide_by_a, **CLEAN)
    draft = GuidePageFactory(live=False, authors=[mentor_a])
    with pytest.raises(services.NotAllowed):
        services.ask_on_guide(doctor, draft, **CLEAN)


def test_the_author_and_other_mentors_answer_a_doctor_may_not(
    guide_by_a, doctor, mentor_a, other_mentor
):
    question = services.ask_on_guide(doctor, guide_by_a, **CLEAN)
    services.answer_question(mentor_a.user, question, body="Repeat at one to three hours.")
    services.answer_question(other_mentor.user, question, body="Same on our unit.")
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.answers.count() == 2
    with pytest.raises(services.NotAllowed):
        services.answer_question(UserFactory(), question, body="I am not a mentor.")
    with pytest.raises(services.NotAllowed):  # nor the asker
        services.answer_question(doctor, question, body="Thanks!")
    # The asker is told of each answer, once.
    notes = Notification.objects.filter(user=doctor, kind="mentoring_consult_answer")
    assert notes.count() == 2


def test_the_asker_who_turned_answers_off_gets_nothing(guide_by_a, doctor, mentor_a):
    set_enabled(doctor, "mentoring_consult_answer", False)
    question = services.ask_on_guide(doctor, guide_by_a, **CLEAN)
    services.answer_question(mentor_a.user, question, body="Repeat at one to three hours.")
    assert not Notification.objects.filter(user=doctor).exists()


def test_private_questions_stay_inside_the_pair(pair, mentor_a):
    question = services.ask_in_relationship(pair.mentee, pair, **CLEAN)
    assert question.relationship == pair and question.guide is None
    assert Notification.objects.get(user=pair.mentor).kind == "mentoring_consult_question"
    with pytest.raises(services.NotAllowed):  # another mentor cannot answer
        services.answer_question(mentor_a.user, question, body="Hello")
    with pytest.raises(services.NotAllowed):  # the mentor does not ask here
        services.ask_in_relationship(pair.mentor, pair, **CLEAN)
    services.answer_question(pair.mentor, question, body="Let us talk on Tuesday.")
    assert Notification.objects.filter(user=pair.mentee, kind="mentoring_consult_answer").exists()


def test_an_ended_relationship_takes_no_new_questions(pair):
    from django.utils import timezone

    pair.status, pair.ended_at = "ended", timezone.now()
    pair.save()
    with pytest.raises(services.NotAllowed):
        services.ask_in_relationship(pair.mentee, pair, **CLEAN)


def test_a_question_is_on_a_guide_or_in_a_relationship_never_both_or_neither(
    guide_by_a, pair, doctor
):
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionFactory(asker=doctor, guide=guide_by_a, relationship=pair)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionFactory(asker=doctor)
    question = QuestionFactory(asker=doctor, relationship=pair)
    from django.utils import timezone

    question.faq_added_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        question.save()  # a private question never becomes a FAQ


def test_a_report_is_about_one_thing_and_one_open_report_per_person(guide_by_a, doctor):
    question = QuestionFactory(guide=guide_by_a)
    answer = AnswerFactory(question=question)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFactory(question=question, answer=answer)
    first = services.report(doctor, question=question, reason="unsafe")
    again = services.report(doctor, question=question, reason="other")
    assert first.pk == again.pk and Report.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFactory(reporter=doctor, question=question)
    with pytest.raises(services.ConsultError):
        services.report(doctor, answer=answer, reason="not-a-reason")
    with pytest.raises(services.NotAllowed):  # one's own question
        services.report(question.asker, question=question, reason="other")


def test_upholding_hides_and_closes_every_open_report_dismissing_keeps_the_text(
    guide_by_a, moderator, doctor
):
    question = QuestionFactory(guide=guide_by_a)
    answer = AnswerFactory(question=question)
    Question.objects.filter(pk=question.pk).update(status=QuestionStatus.ANSWERED)
    first = services.report(doctor, answer=answer, reason="unsafe")
    second = services.report(UserFactory(), answer=answer, reason="disrespectful")
    services.dismiss_report(moderator, second)
    second.refresh_from_db()
    assert second.status == ReportStatus.DISMISSED and second.handled_by == moderator
    answer.refresh_from_db()
    assert not answer.hidden
    services.uphold_report(moderator, first)
    first.refresh_from_db()
    answer.refresh_from_db()
    question.refresh_from_db()
    assert first.status == ReportStatus.UPHELD and first.handled_at is not None
    assert answer.hidden
    assert question.status == QuestionStatus.OPEN  # no visible answer left
    services.set_answer_hidden(moderator, answer, False)
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED


def test_only_moderators_moderate(guide_by_a, mentor_a, reviewer, superuser):
    question = QuestionFactory(guide=guide_by_a)
    for user in (mentor_a.user, reviewer, UserFactory(staff=True)):  # staff of no institution
        with pytest.raises(services.NotAllowed):
            services.set_question_hidden(user, question, True)
    services.set_question_hidden(superuser, question, True)
    question.refresh_from_db()
    assert question.status == QuestionStatus.HIDDEN
    assert not Question.objects.public().exists()
    with pytest.raises(services.NotAllowed):  # hidden questions take no answers
        services.answer_question(mentor_a.user, question, body="Late answer")
