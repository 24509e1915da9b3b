"""Bad input, property-based (bad_input.py): the learner's journey through a
path. Completing a step, the post-test, the evaluation and the credit claim
never fail, refuse with a message and write nothing, or record exactly what
was sent."""

import decimal
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learning.journey import progress, services
from learning.journey.questions import MAX_TEXT_ANSWER, evaluation_questions, post_test_questions
from learning.models import CreditClaim, Enrolment, EvaluationResponse, StepCompletion, TestAttempt
from tests.factories import from_step_page

from .bad_input import (
    FEW,
    JOURNEY_RECORDS,
    PROPERTY,
    any_text,
    assert_not_server_error,
    assert_refused_with_message,
    counts,
    form_value,
    long_text,
    nasty,
    number_text,
)

pytestmark = pytest.mark.django_db


# --- step completion --------------------------------------------------------------


@FEW
@given(guide_id=st.one_of(st.integers(min_value=0, max_value=10**12 - 1), st.just(None)))
def test_completing_any_guide_id_never_fails(client, rollback, learner, path, guide_id):
    steps = [step.guide_id for step in progress.path_steps(path)]
    if guide_id is None:
        guide_id = steps[0]
    services.enrol(learner, path)
    client.force_login(learner)
    with rollback():
        # As the step page posts it (learning.journey.disclosure_proof).
        response = client.post(
            f"{path.url}steps/{guide_id}/complete/", from_step_page(learner, path, guide_id)
        )
        assert response.status_code == 302
        completed = set(StepCompletion.objects.values_list("guide_id", flat=True))
        assert completed == ({guide_id} if guide_id in steps else set())


@FEW
@given(segment=any_text.filter(lambda s: s and not s.isdigit()))
def test_non_numeric_guide_ids_are_not_found(client, learner, path, segment):
    services.enrol(learner, path)
    client.force_login(learner)
    response = client.post(f"{path.url}steps/{quote(segment, safe='')}/complete/")
    assert response.status_code == 404
    assert not StepCompletion.objects.exists()


# --- post-test answers ------------------------------------------------------------


def post_test_payload(question_ids):
    """POST data for the post-test: real keys with arbitrary values, unknown
    keys, and now and then a huge list."""
    real = st.fixed_dictionaries(
        {},
        optional={
            f"q-{qid}": st.one_of(
                st.lists(st.integers(-2, 5).map(str), max_size=4),
                st.lists(nasty, max_size=5),
                st.integers(1, 3000).map(lambda n: [str(i % 4) for i in range(n)]),
            )
            for qid in question_ids
        },
    )
    unknown = st.dictionaries(
        st.one_of(st.text(max_size=3).map("q-{}".format), any_text),
        form_value,
        max_size=3,
    )
    return st.tuples(real, unknown).map(lambda parts: {**parts[1], **parts[0]})


@pytest.fixture
def post_test_ids(at_test):
    return [q.id for q in post_test_questions(at_test)]


@PROPERTY
@given(data=st.data())
def test_any_post_test_submission_never_fails(
    client, rollback, learner, at_test, post_test_ids, data
):
    payload = data.draw(post_test_payload(post_test_ids))
    client.force_login(learner)
    with rollback():
        before = counts(*JOURNEY_RECORDS)
        response = client.post(at_test.url + "test/", payload)
        assert_not_server_error(response)
        if response.status_code == 302:  # an attempt was recorded, scored, and is shown
            assert response["Location"] == at_test.url + "test/result/"
            attempt = TestAttempt.objects.get()
            expected = {qid: sorted({int(v) for v in payload[f"q-{qid}"]}) for qid in post_test_ids}
            assert attempt.answers == expected
        else:
            assert_refused_with_message(response)
            assert counts(*JOURNEY_RECORDS) == before


def test_a_list_longer_than_the_field_limit_is_refused(client, learner, at_test, post_test_ids):
    client.force_login(learner)
    payload = {f"q-{post_test_ids[0]}": ["0"] * 10_001}
    response = client.post(at_test.url + "test/", payload)
    assert response.status_code == 400
    assert not TestAttempt.objects.exists()


# --- evaluation answers -----------------------------------------------------------


@pytest.fixture
def evaluation_ids(at_evaluation):
    return {q.kind: q.id for q in evaluation_questions(at_evaluation)}


@PROPERTY
@given(data=st.data())
def test_any_evaluation_submission_never_fails(
    client, rollback, learner, at_evaluation, evaluation_ids, data
):
    rating, text, change = (evaluation_ids[k] for k in ("rating", "text", "practice_change"))
    payload = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                f"q-{rating}": st.one_of(st.integers(-1, 7).map(str), nasty, st.lists(nasty)),
                f"q-{text}": st.one_of(st.just("The checklist."), nasty, long_text),
                f"q-{change}": st.one_of(st.sampled_from(["yes", "no", "unsure"]), nasty),
                f"q-{change}-how": st.one_of(st.just("Screen earlier."), nasty, long_text),
                f"q-{text}-how": nasty,
                "q-forged": nasty,
                "unrelated": form_value,
            },
        )
    )
    client.force_login(learner)
    with rollback():
        before = counts(*JOURNEY_RECORDS)
        response = client.post(at_evaluation.url + "evaluation/", payload)
        assert_not_server_error(response)
        if response.status_code == 302:
            answers = EvaluationResponse.objects.get().answers
            sent = payload[f"q-{rating}"]
            assert answers[rating] == int(sent[-1] if isinstance(sent, list) else sent)
            stored_text = answers[text]
            assert "\x00" not in stored_text and len(stored_text) <= MAX_TEXT_ANSWER
            assert stored_text == payload.get(f"q-{text}", "").replace("\x00", "").strip()
            assert answers[change]["choice"] == payload[f"q-{change}"]
            assert "\x00" not in answers[change]["how"]
        else:
            assert_refused_with_message(response)
            assert counts(*JOURNEY_RECORDS) == before


# --- credit claim -----------------------------------------------------------------


@PROPERTY
@given(
    credits=st.one_of(
        st.sampled_from(["0.25", "0.5", "1", "1.25", "1.50", "1.5e0", "0.750"]),
        st.decimals(min_value=-3, max_value=3, places=3).map(str),
        number_text,
        nasty,
    ),
    attested=st.one_of(st.sampled_from(["on", "true", "", "false"]), nasty, st.none()),
    extra=st.dictionaries(any_text, form_value, max_size=3),
)
def test_any_credit_claim_never_fails(
    client, rollback, learner, at_claim, credits, attested, extra
):
    data = {**extra, "credits": credits}
    if attested is not None:
        data["attested"] = attested
    client.force_login(learner)
    with rollback():
        before = counts(*JOURNEY_RECORDS)
        response = client.post(at_claim.url + "claim/", data)
        assert_not_server_error(response)
        if response.status_code == 302:
            claim = CreditClaim.objects.get()
            assert claim.credits == decimal.Decimal(credits.strip())
            assert Enrolment.objects.get(user=learner).completed_at is not None
        else:
            assert_refused_with_message(response)
            assert counts(*JOURNEY_RECORDS) == before
            assert Enrolment.objects.get(user=learner).completed_at is None
