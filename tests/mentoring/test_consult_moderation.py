"""Moderation of consults in the admin (/admin/consults/), and consults in the
privacy export and account deletion."""

import json

import pytest

from mentoring.models import Answer, Question, QuestionStatus, Report, ReportStatus
from tests.factories import UserFactory
from tests.factories.consults import AnswerFactory, QuestionFactory, ReportFactory

from . import consult_fixtures

pytestmark = pytest.mark.django_db

# Shared fixtures (tests/mentoring/consult_fixtures.py).
moderator = consult_fixtures.moderator
pair = consult_fixtures.pair


def test_open_reports_are_listed_with_the_reported_text(client, guide_by_a, moderator):
    question = QuestionFactory(guide=guide_by_a, body="Reported question text")
    ReportFactory(question=question, note="Has a name in it")
    handled = QuestionFactory(guide=guide_by_a, body="Handled long ago")
    ReportFactory(question=handled, status=ReportStatus.DISMISSED, handled_at=handled.created_at)
    client.force_login(moderator)
    text = client.get("/admin/consults/").content.decode()
    assert "Reported question text" in text and "Handled long ago" not in text
    assert "Handled long ago" in client.get("/admin/consults/?status=all").content.decode()


def test_upholding_a_report_hides_the_answer_from_the_site(client, guide_by_a, moderator, mentor_a):
    question = QuestionFactory(guide=guide_by_a)
    answer = AnswerFactory(question=question, author=mentor_a.user, body="Give 50 mg/kg stat")
    report = ReportFactory(answer=answer, reason="unsafe")
    client.force_login(moderator)
    page = client.get(f"/admin/consults/reports/{report.pk}/").content.decode()
    assert "Give 50 mg/kg stat" in page and "Clinically unsafe" in page
    client.post(f"/admin/consults/reports/{report.pk}/", {"action": "uphold"})
    report.refresh_from_db()
    assert report.status == ReportStatus.UPHELD and report.handled_by == moderator
    client.logout()
    assert "Give 50 mg/kg stat" not in client.get(guide_by_a.url).content.decode()
    assert (
        "Give 50 mg/kg stat"
        not in client.get(f"/consults/questions/{question.pk}/").content.decode()
    )
    # And back again.
    client.force_login(moderator)
    client.post(f"/admin/consults/reports/{report.pk}/", {"action": "unhide"})
    client.logout()
    assert "Give 50 mg/kg stat" in client.get(guide_by_a.url).content.decode()


def test_dismissing_keeps_the_text(client, guide_by_a, moderator):
    question = QuestionFactory(guide=guide_by_a, title="A fair question")
    report = ReportFactory(question=question, reason="other")
    client.force_login(moderator)
    client.post(f"/admin/consults/reports/{report.pk}/", {"action": "dismiss"})
    report.refresh_from_db()
    assert report.status == ReportStatus.DISMISSED
    client.logout()
    assert "A fair question" in client.get(guide_by_a.url).content.decode()


def test_public_questions_can_be_hidden_private_ones_are_not_listed(
    client, guide_by_a, moderator, pair
):
    public = QuestionFactory(guide=guide_by_a, title="Public one")
    QuestionFactory(relationship=pair, asker=pair.mentee, title="Between the pair")
    client.force_login(moderator)
    listing = client.get("/admin/consults/questions/").content.decode()
    assert "Public one" in listing and "Between the pair" not in listing
    client.post(f"/admin/consults/questions/{public.pk}/", {"action": "hide"})
    public.refresh_from_db()
    assert public.status == QuestionStatus.HIDDEN
    client.logout()
    assert client.get(f"/consults/questions/{public.pk}/").status_code == 404
    # Bad input: a message, nothing changes.
    client.force_login(moderator)
    response = client.post(f"/admin/consults/questions/{public.pk}/", {"action": "explode"})
    assert response.status_code == 302
    response = client.post(
        f"/admin/consults/questions/{public.pk}/", {"action": "hide_answer", "answer": "x" * 40}
    )
    assert response.status_code == 302
    response = client.post(
        f"/admin/consults/questions/{public.pk}/", {"action": "hide_answer", "answer": "²"}
    )
    assert response.status_code == 302


def test_a_private_question_is_moderated_through_its_report(client, pair, moderator):
    question = QuestionFactory(relationship=pair, asker=pair.mentee, body="Private text here")
    client.force_login(moderator)
    assert (
        client.post(f"/admin/consults/questions/{question.pk}/", {"action": "hide"}).status_code
        == 404
    )
    report = ReportFactory(reporter=pair.mentor, question=question)
    assert (
        "Private text here" in client.get(f"/admin/consults/reports/{report.pk}/").content.decode()
    )
    client.post(f"/admin/consults/reports/{report.pk}/", {"action": "uphold"})
    question.refresh_from_db()
    assert question.is_hidden


def test_nobody_else_moderates(client, guide_by_a, mentor_a, reviewer):
    report = ReportFactory(question=QuestionFactory(guide=guide_by_a))
    for user in (mentor_a.user, reviewer, UserFactory(staff=True)):
        client.force_login(user)
        assert client.get("/admin/consults/").status_code == 404
        assert (
            client.post(f"/admin/consults/reports/{report.pk}/", {"action": "uphold"}).status_code
            == 404
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN


# --- Privacy -------------------------------------------------------------------


def test_the_privacy_export_has_the_persons_consults(client, guide_by_a, doctor, mentor_a):
    mine = QuestionFactory(guide=guide_by_a, asker=doctor, title="My question")
    AnswerFactory(question=mine, author=mentor_a.user, body="The answer to me")
    other = QuestionFactory(guide=guide_by_a, title="Someone else's question")
    ReportFactory(reporter=doctor, question=other, note="My note")
    client.force_login(doctor)
    section = json.loads(client.get("/me/privacy/export.json").content)["mentoring_consults"]
    assert [q["title"] for q in section["questions"]] == ["My question"]
    assert section["questions"][0]["answers"][0]["body"] == "The answer to me"
    assert section["reports"][0]["note"] == "My note"
    assert "Someone else's question" not in json.dumps(section["questions"])


def test_deleting_an_account_removes_questions_and_keeps_answers_as_a_former_member(
    client, guide_by_a, doctor
):
    from learning.privacy.deletion import delete_account
    from learning.privacy.plan import confirmation_kind

    asked = QuestionFactory(guide=guide_by_a, asker=doctor, title="Deleted with me")
    AnswerFactory(question=asked)
    someone = QuestionFactory(guide=guide_by_a, title="Someone asked")
    answer = AnswerFactory(question=someone, author=doctor, body="My advice stays")
    report = ReportFactory(reporter=doctor, question=someone, note="Personal note")
    password = confirmation_kind(doctor) == "password"
    delete_account(doctor, "correct-horse-battery" if password else doctor.get_username())
    assert not Question.objects.filter(pk=asked.pk).exists()
    assert not Answer.objects.filter(question_id=asked.pk).exists()
    answer.refresh_from_db()
    assert answer.author is None and answer.body == "My advice stays"
    report = Report.objects.get(pk=report.pk)
    assert report.reporter is None and report.note == ""
    text = client.get(guide_by_a.url).content.decode()
    assert "Answered by a former member" in text
