"""Issue #14, the learner's journey: post/redirect/get on the post-test, the
real remaining work in the progress text and bar, "Log in to enrol" finishing
the enrolment after log-in or sign-up, the post-test's errors and results, the
claim error summary, the profile's birthday and time zone, and the certificate
on the completed path's page."""

import re
import time

from django.core import mail

import pytest

from learning.journey import progress, services
from learning.journey.questions import post_test_questions
from learning.models import Enrolment, TestAttempt
from tests.factories import LearningPathPageFactory, UserFactory, from_step_page

from .conftest import correct_answers, evaluation_answers, post_test_data, wrong_answers

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-clinical-passphrase"


def at_post_test(learner, path):
    services.enrol(learner, path)
    for step in progress.path_steps(path):
        services.complete_step(learner, path, step.guide_id)


# --- 1. Post/redirect/get ---------------------------------------------------------


def test_a_post_test_answer_redirects_and_reloading_the_result_records_nothing(
    client, learner, path
):
    at_post_test(learner, path)
    client.force_login(learner)
    response = client.post(path.url + "test/", post_test_data(wrong_answers(path)))
    assert response.status_code == 302
    assert response["Location"] == path.url + "test/result/"
    for _ in range(3):  # the learner reloads the result
        page = client.get(path.url + "test/result/")
        assert page.status_code == 200
        assert "Not passed this time" in page.content.decode()
    assert TestAttempt.objects.filter(enrolment__user=learner).count() == 1


def test_after_a_pass_the_test_page_shows_the_stored_result(client, learner, path):
    at_post_test(learner, path)
    client.force_login(learner)
    response = client.post(path.url + "test/", post_test_data(correct_answers(path)))
    assert response["Location"] == path.url + "test/result/"
    assert client.get(path.url + "test/")["Location"] == path.url + "test/result/"
    assert client.post(path.url + "test/", post_test_data(wrong_answers(path))).status_code == 302
    assert [a.passed for a in TestAttempt.objects.filter(enrolment__user=learner)] == [True]


def test_result_page_before_any_attempt_goes_to_the_test(client, learner, path):
    at_post_test(learner, path)
    client.force_login(learner)
    assert client.get(path.url + "test/result/")["Location"] == path.url + "test/"


def test_every_journey_form_that_writes_answers_with_a_redirect(client, learner, path):
    client.force_login(learner)
    assert client.post(path.url + "enrol/").status_code == 302
    for step in progress.path_steps(path):
        data = from_step_page(learner, path, step.guide_id)
        assert client.post(f"{path.url}steps/{step.guide_id}/complete/", data).status_code == 302
    assert client.post(path.url + "test/", post_test_data(correct_answers(path))).status_code == 302
    from .conftest import evaluation_post_data

    assert client.post(path.url + "evaluation/", evaluation_post_data(path)).status_code == 302
    response = client.post(path.url + "claim/", {"credits": "1", "attested": "on"})
    assert response.status_code == 302


# --- 2. The real remaining work ----------------------------------------------------


def progressbar(html):
    match = re.search(r'role="progressbar"[^>]*aria-valuemax="(\d+)" aria-valuenow="(\d+)"', html)
    assert match, "no progress bar"
    return int(match.group(2)), int(match.group(1))


def test_failed_post_tests_do_not_show_a_full_bar(client, learner, path):
    at_post_test(learner, path)
    services.submit_attempt(learner, path, wrong_answers(path))
    services.submit_attempt(learner, path, wrong_answers(path))
    client.force_login(learner)
    html = client.get(path.url).content.decode()
    done, total = progressbar(html)
    assert (done, total) == (3, 6)
    assert (
        "3 of 3 steps complete. Still to do: pass the post-test (2 attempts so far), "
        "the evaluation and the credit claim." in html
    )
    dashboard = client.get("/me/").content.decode()
    assert progressbar(dashboard) == (3, 6)
    assert "pass the post-test (2 attempts so far)" in dashboard
    catalogue = client.get("/paths/").content.decode()
    assert progressbar(catalogue) == (3, 6)


def test_remaining_work_after_the_evaluation_is_the_claim(client, learner, path):
    at_post_test(learner, path)
    services.submit_attempt(learner, path, correct_answers(path))
    services.submit_evaluation(learner, path, evaluation_answers(path))
    client.force_login(learner)
    html = client.get(path.url).content.decode()
    assert progressbar(html) == (5, 6)
    assert "post-test passed, evaluation done. Still to do: the credit claim." in html


# --- 3. "Log in to enrol" ----------------------------------------------------------


def test_log_in_to_enrol_enrols_after_log_in_and_lands_on_the_path(client, path):
    UserFactory(username="maya", email="maya@example.org")
    response = client.post(path.url + "enrol/")
    assert response["Location"] == "/accounts/login/?next=" + path.url
    assert not Enrolment.objects.exists()
    response = client.post(
        response["Location"], {"login": "maya", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response["Location"] == path.url
    assert Enrolment.objects.filter(user__username="maya", path=path).exists()
    html = client.get(path.url).content.decode()
    assert "You are enrolled in “Recognising sepsis”" in html
    assert "Start" in html


def test_log_in_to_enrol_enrols_after_sign_up_and_confirmation(client, path):
    login = client.post(path.url + "enrol/")["Location"]
    signup = "/accounts/signup/?" + login.split("?", 1)[1]
    response = client.post(
        signup, {"email": "new.doctor@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response["Location"] == "/accounts/confirm-email/"
    assert not Enrolment.objects.exists()
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)
    response = client.post(link)
    assert response["Location"] == path.url
    assert Enrolment.objects.filter(user__email="new.doctor@example.org", path=path).exists()


def test_a_get_never_enrols_and_an_old_intent_is_dropped(client, path):
    from learning.journey import pending

    UserFactory(username="maya", email="maya@example.org")
    client.get(path.url + "enrol/")
    client.post("/accounts/login/", {"login": "maya", "password": "correct-horse-battery"})
    assert not Enrolment.objects.exists()
    client.post("/accounts/logout/")

    client.post(path.url + "enrol/")
    session = client.session
    session[pending.SESSION_KEY]["at"] = int(time.time()) - pending.MAX_AGE_SECONDS - 60
    session.save()
    client.post("/accounts/login/", {"login": "maya", "password": "correct-horse-battery"})
    assert not Enrolment.objects.exists()


def test_a_refused_pending_enrolment_says_why(client, path):
    from learning.models import PathPrerequisite

    advanced = LearningPathPageFactory(title="Advanced sepsis", slug="advanced")
    PathPrerequisite.objects.create(page=advanced, required_path=path)
    UserFactory(username="maya", email="maya@example.org")
    client.post(advanced.url + "enrol/")
    response = client.post(
        "/accounts/login/?next=" + advanced.url,
        {"login": "maya", "password": "correct-horse-battery"},
        follow=True,
    )
    assert "Complete “Recognising sepsis” before you enrol" in response.content.decode()
    assert not Enrolment.objects.exists()


# --- 4. The post-test's error and results, the claim, the profile ----------------


def test_an_unanswered_question_is_linked_and_takes_the_focus(client, learner, path):
    at_post_test(learner, path)
    client.force_login(learner)
    answers = correct_answers(path)
    second = post_test_questions(path)[1]
    del answers[second.id]
    response = client.post(path.url + "test/", post_test_data(answers))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#q-{second.id}-0">Answer question 2 before you submit.</a>' in html
    assert re.search(rf'id="q-{second.id}-0"[^>]* autofocus', html)
    assert f'aria-describedby="q-{second.id}-error"' in html
    assert html.count("autofocus") == 1


def test_a_failed_result_shows_each_answer_the_pass_mark_and_what_next(client, learner, path):
    at_post_test(learner, path)
    client.force_login(learner)
    client.post(path.url + "test/", post_test_data(wrong_answers(path)))
    html = client.get(path.url + "test/result/").content.decode()
    assert "0 of 3 questions right. The pass mark is 70%." in html
    assert html.count("Not right") == 3
    assert "Your answer: Wrong" in html
    assert "Read the guides again with the 3 questions you missed in mind" in html
    assert "Correct:" not in html  # the answers stay a test for the next attempt


def test_a_passed_result_shows_the_learners_own_choices(client, learner, path):
    at_post_test(learner, path)
    client.force_login(learner)
    client.post(path.url + "test/", post_test_data(correct_answers(path)))
    html = client.get(path.url + "test/result/").content.decode()
    assert "3 of 3 questions right." in html
    assert "Your answer: Right; Also right" in html
    assert "You passed on attempt 1." in html


def test_the_claim_error_summary_does_not_repeat_the_attestation(client, learner, path):
    at_post_test(learner, path)
    services.submit_attempt(learner, path, correct_answers(path))
    services.submit_evaluation(learner, path, evaluation_answers(path))
    profile = learner.learner_profile
    profile.degree = "md"
    profile.save()
    client.force_login(learner)
    response = client.post(path.url + "claim/", {"credits": "1"})
    html = response.content.decode()
    assert "Attestation: Tick the box to confirm the credit you claim." in html
    assert html.count("I claim only the credit commensurate") == 1  # the label alone


def test_profile_asks_month_and_day_as_two_lists(client, learner):
    client.force_login(learner)
    html = client.get("/me/profile/").content.decode()
    assert re.search(r'<select name="birth_month"[^>]*id="id_birth_month"', html)
    assert '<option value="3">March</option>' in html
    assert re.search(r'<select name="birth_day"[^>]*id="id_birth_day"', html)
    assert "<legend>Month and day of birth" in html


def test_time_zone_is_guessed_only_for_a_profile_never_saved(client, learner):
    client.force_login(learner)  # the factory saved a profile
    assert "data-guess-time-zone" not in client.get("/me/profile/").content.decode()
    newcomer = UserFactory(username="newcomer")
    client.force_login(newcomer)
    html = client.get("/me/profile/").content.decode()
    assert "data-guess-time-zone" in html
    assert "We guessed your time zone from your browser: check it" in html
    assert "time-zone-guess.js" in html


# --- 6. The certificate on the completed path --------------------------------------


def test_the_completed_path_offers_its_certificate(client, learner, path):
    from tests.factories import complete_path

    complete_path(learner, path)
    certificate = learner.certificates.get()
    client.force_login(learner)
    html = client.get(path.url).content.decode()
    assert f'href="/me/certificates/{certificate.pk}/pdf/"' in html
    assert "Download your certificate" in html
    assert f"/certificates/verify/{certificate.verification_code}/" in html


def test_a_step_page_lists_the_paths_steps_with_previous_and_next(client, learner, path):
    guides = [step.guide for step in progress.path_steps(path)]
    services.enrol(learner, path)
    services.complete_step(learner, path, guides[0].pk)
    client.force_login(learner)
    html = client.get(f"{guides[1].url}?path=sepsis").content.decode()
    assert f'aria-label="Steps of {path.title}"' in html
    assert f'<span aria-current="step">{guides[1].title}</span>' in html
    assert f'href="{guides[0].url}?path=sepsis" rel="prev">← Previous: {guides[0].title}' in html
    assert f'href="{guides[2].url}?path=sepsis" rel="next">Next: {guides[2].title} →' in html
    assert '✓<span class="visually-hidden"> completed</span>' in html
    client.logout()  # a visitor sees the same list, without ticks
    html = client.get(f"{guides[0].url}?path=sepsis").content.decode()
    assert f'<span aria-current="step">{guides[0].title}</span>' in html
    assert 'rel="prev"' not in html and 'rel="next"' in html
