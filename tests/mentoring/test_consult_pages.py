"""The consult pages as people use them: the "Ask the author" section on a
guide, asking (with the identifier check), answering, reporting, private
questions, rate limits and bad input."""

import re

import pytest

from mentoring.models import Question, QuestionStatus, Report
from tests.factories import UserFactory
from tests.factories.consults import AnswerFactory, QuestionFactory

from . import consult_fixtures
from .consult_fixtures import CLEAN

pytestmark = pytest.mark.django_db

# Shared fixtures (tests/mentoring/consult_fixtures.py).
moderator = consult_fixtures.moderator
other_mentor = consult_fixtures.other_mentor
pair = consult_fixtures.pair


def ask_url(guide):
    return f"/consults/guides/{guide.pk}/ask/"


def test_the_guide_shows_visible_questions_and_answers_only(client, guide_by_a, mentor_a):
    shown = QuestionFactory(guide=guide_by_a, title="Shown question")
    AnswerFactory(question=shown, author=mentor_a.user, body="A visible answer.")
    AnswerFactory(question=shown, author=mentor_a.user, body="A hidden answer.", hidden=True)
    QuestionFactory(guide=guide_by_a, title="Hidden question", status=QuestionStatus.HIDDEN)
    text = client.get(guide_by_a.url).content.decode()
    assert "Ask the author" in text
    assert "Shown question" in text and "A visible answer." in text
    assert "Hidden question" not in text and "A hidden answer." not in text
    assert "Answered by" in text and "Ana Alvarez" in text
    # Anonymous readers are invited to log in; the asker is never named.
    assert "Log in to ask the author" in text
    assert shown.asker.username not in text


def test_the_ask_form_is_for_signed_in_readers_not_the_author(client, guide_by_a, doctor, mentor_a):
    client.force_login(doctor)
    assert "Check and send my question" in client.get(guide_by_a.url).content.decode()
    client.force_login(mentor_a.user)
    text = client.get(guide_by_a.url).content.decode()
    assert "Check and send my question" not in text
    assert "You wrote this guide" in text


def test_asking_a_clean_question(client, guide_by_a, doctor):
    client.force_login(doctor)
    response = client.post(ask_url(guide_by_a), CLEAN, follow=True)
    question = Question.objects.get()
    assert response.redirect_chain[-1][0] == f"/consults/questions/{question.pk}/"
    text = response.content.decode()
    assert "Your question was sent" in text and CLEAN["title"] in text


def test_identifiers_are_highlighted_and_everything_typed_is_kept(client, guide_by_a, doctor):
    client.force_login(doctor)
    data = {"title": "Chest pain", "body": "Mrs Jones (72 y/o), DOB 3/4/1951, call 555-123-4567."}
    response = client.post(ask_url(guide_by_a), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Possible patient identifiers" in text
    for found in ("Mrs Jones (72 y/o)", "DOB 3/4/1951", "555-123-4567"):
        assert f"<mark>{found}</mark>" in text
    assert "A date of birth" in text and "A phone number" in text
    assert "Mrs Jones (72 y/o), DOB 3/4/1951, call 555-123-4567.</textarea>" in text
    assert 'value="Chest pain"' in text
    assert not Question.objects.exists()
    # Ticking the box sends it and stores the confirmation.
    client.post(ask_url(guide_by_a), {**data, "confirm_no_identifiers": "on"})
    assert Question.objects.get().identifiers_confirmed_at is not None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": "", "body": ""},
        {"title": "x" * 500, "body": "y"},
        {"title": "t", "body": "\x00"},
    ],
)
def test_bad_input_gets_the_form_again_never_a_500(client, guide_by_a, doctor, data):
    client.force_login(doctor)
    response = client.post(ask_url(guide_by_a), data)
    assert response.status_code == 400
    assert "Please check this" in response.content.decode()
    assert not Question.objects.exists()


def test_unknown_or_unpublished_guides_are_not_found(client, doctor, mentor_a):
    from tests.factories import GuidePageFactory

    client.force_login(doctor)
    draft = GuidePageFactory(live=False, authors=[mentor_a])
    assert client.get(ask_url(draft)).status_code == 404
    assert client.get("/consults/guides/99999999999999999999999/ask/").status_code == 404
    assert client.get("/consults/questions/424242/").status_code == 404


def test_the_author_answers_on_the_question_page(client, guide_by_a, doctor, mentor_a):
    question = QuestionFactory(guide=guide_by_a, asker=doctor)
    client.force_login(mentor_a.user)
    page = client.get(f"/consults/questions/{question.pk}/").content.decode()
    assert "Publish my answer" in page
    response = client.post(
        f"/consults/questions/{question.pk}/answer/",
        {"body": "Repeat at three hours."},
        follow=True,
    )
    assert "Thank you: your answer is published." in response.content.decode()
    assert "Repeat at three hours." in response.content.decode()
    # An empty answer comes back with a message.
    response = client.post(f"/consults/questions/{question.pk}/answer/", {"body": "  "})
    assert response.status_code == 400
    assert "Your answer: This field is required." in response.content.decode()


def test_a_doctor_cannot_answer_a_public_question(client, guide_by_a):
    question = QuestionFactory(guide=guide_by_a)
    client.force_login(UserFactory())
    assert (
        "Publish my answer"
        not in client.get(f"/consults/questions/{question.pk}/").content.decode()
    )
    response = client.post(
        f"/consults/questions/{question.pk}/answer/", {"body": "I think..."}, follow=True
    )
    assert "Only the guide&#x27;s authors and Curbside mentors answer" in response.content.decode()
    assert not question.answers.exists()


def test_other_mentors_may_add_an_answer(client, guide_by_a, other_mentor):
    question = QuestionFactory(guide=guide_by_a)
    client.force_login(other_mentor.user)
    client.post(f"/consults/questions/{question.pk}/answer/", {"body": "In our unit, two hours."})
    assert question.answers.get().author == other_mentor.user


def test_private_questions_are_seen_by_the_pair_only(client, pair, doctor, moderator):
    question = QuestionFactory(relationship=pair, asker=pair.mentee, title="Private worry")
    url = f"/consults/questions/{question.pk}/"
    for outsider in (doctor, moderator):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(f"/consults/relationships/{pair.pk}/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    for insider in (pair.mentee, pair.mentor):
        client.force_login(insider)
        assert "Private worry" in client.get(url).content.decode()
        assert "Private worry" in client.get(f"/consults/relationships/{pair.pk}/").content.decode()


def test_the_mentee_asks_in_the_relationship(client, pair):
    client.force_login(pair.mentee)
    response = client.post(f"/consults/relationships/{pair.pk}/", CLEAN, follow=True)
    assert "Your question was sent to your mentor." in response.content.decode()
    assert Question.objects.get().relationship == pair
    client.force_login(pair.mentor)
    page = client.get(f"/consults/relationships/{pair.pk}/").content.decode()
    assert "Ask your mentor" not in page


def test_reporting_a_question_and_an_answer(client, guide_by_a, doctor, mentor_a):
    question = QuestionFactory(guide=guide_by_a)
    answer = AnswerFactory(question=question, author=mentor_a.user)
    client.force_login(doctor)
    page = client.get(f"/consults/questions/{question.pk}/").content.decode()
    assert "Report this question" in page and "Report this answer" in page
    form = client.get(f"/consults/answers/{answer.pk}/report/").content.decode()
    assert "It contains patient details" in form
    # No reason: the form again, the note kept.
    response = client.post(f"/consults/answers/{answer.pk}/report/", {"note": "Look at line 2"})
    assert response.status_code == 400 and "Look at line 2" in response.content.decode()
    response = client.post(
        f"/consults/answers/{answer.pk}/report/",
        {"reason": "unsafe", "note": "Dose is wrong"},
        follow=True,
    )
    assert "A moderator will look at your report." in response.content.decode()
    client.post(f"/consults/questions/{question.pk}/report/", {"reason": "patient_data"})
    assert Report.objects.filter(reporter=doctor).count() == 2


def test_rate_limits_keep_the_text_and_say_when_to_come_back(client, guide_by_a, doctor):
    client.force_login(doctor)
    for n in range(5):
        assert client.post(ask_url(guide_by_a), {**CLEAN, "title": f"Q{n}"}).status_code == 302
    response = client.post(ask_url(guide_by_a), {**CLEAN, "title": "One too many"})
    assert response.status_code == 429
    text = response.content.decode()
    assert "You have reached the limit of 5 questions an hour." in text
    assert 'value="One too many"' in text
    assert int(response["Retry-After"]) > 0
    assert Question.objects.count() == 5
    # Invalid forms do not use up the allowance of another person.
    other = UserFactory()
    client.force_login(other)
    assert client.post(ask_url(guide_by_a), CLEAN).status_code == 302


def test_answer_and_report_limits(client, guide_by_a, mentor_a, doctor, settings):
    from mentoring.consults import ratelimit

    question = QuestionFactory(guide=guide_by_a)
    client.force_login(mentor_a.user)
    for _ in range(30):
        ratelimit.check(mentor_a.user, "answer", ratelimit.ANSWER_LIMITS)
    response = client.post(f"/consults/questions/{question.pk}/answer/", {"body": "One more"})
    assert response.status_code == 429
    assert "limit of 30 answers an hour" in response.content.decode()
    assert not question.answers.exists()
    client.force_login(doctor)
    for _ in range(10):
        ratelimit.check(doctor, "report", ratelimit.REPORT_LIMITS)
    response = client.post(f"/consults/questions/{question.pk}/report/", {"reason": "other"})
    assert response.status_code == 429
    assert "limit of 10 reports an hour" in response.content.decode()
    assert not Report.objects.exists()


def test_the_guide_page_costs_the_same_queries_with_many_questions(client, guide_by_a, mentor_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    AnswerFactory(question=QuestionFactory(guide=guide_by_a), author=mentor_a.user)
    client.get(guide_by_a.url)  # warm the caches
    with CaptureQueriesContext(connection) as few:
        client.get(guide_by_a.url)
    for _ in range(6):
        AnswerFactory(question=QuestionFactory(guide=guide_by_a), author=mentor_a.user)
    with CaptureQueriesContext(connection) as many:
        text = client.get(guide_by_a.url).content.decode()
    assert len(re.findall(r'class="consult"', text)) == 7
    assert len(many) == len(few)
