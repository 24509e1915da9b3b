import pytest

from cms.factories import UserFactory
from learning import services
from learning.factories import LearnerProfileFactory, LearningPathPageFactory
from learning.questions import evaluation_questions, post_test_questions


@pytest.fixture
def path(db):
    return LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=3)


@pytest.fixture
def learner(db):
    user = UserFactory(username="doctor-a")
    LearnerProfileFactory(user=user, full_name="Alice Able")
    return user


@pytest.fixture
def other_learner(db):
    user = UserFactory(username="doctor-b")
    LearnerProfileFactory(user=user, full_name="Bob Baker")
    return user


def correct_answers(path):
    return {q.id: list(q.correct) for q in post_test_questions(path)}


def wrong_answers(path):
    return {q.id: [1] for q in post_test_questions(path)}


def evaluation_answers(path):
    answers = {}
    for q in evaluation_questions(path):
        if q.kind == "rating":
            answers[q.id] = 4
        elif q.kind == "text":
            answers[q.id] = "The checklist."
        else:
            answers[q.id] = {"choice": "yes", "how": "Screen earlier."}
    return answers


def post_test_data(answers):
    """Post-test answers as the form posts them."""
    data = {}
    for qid, choices in answers.items():
        data[f"q-{qid}"] = [str(c) for c in choices]
    return data


def evaluation_post_data(path):
    data = {}
    for q in evaluation_questions(path):
        if q.kind == "rating":
            data[f"q-{q.id}"] = "4"
        elif q.kind == "text":
            data[f"q-{q.id}"] = "The checklist."
        else:
            data[f"q-{q.id}"] = "yes"
            data[f"q-{q.id}-how"] = "Screen earlier."
    return data


def complete(user, path, credits="1.25"):
    """Take ``user`` through ``path`` to a credit claim; returns the claim."""
    services.enrol(user, path)
    for step in services.path_steps(path):
        services.complete_step(user, path, step.guide_id)
    services.submit_attempt(user, path, correct_answers(path))
    services.submit_evaluation(user, path, evaluation_answers(path))
    claim, _ = services.claim_credit(user, path, credits, True)
    return claim
