import pytest

from learning.journey.questions import evaluation_questions, post_test_questions
from learning.models import Certificate, Degree
from tests.factories import (
    LearnerFactory,
    LearningPathPageFactory,
    complete_path,
    correct_answers,
    evaluation_answers,
)

# Many tests import these from here.
complete = complete_path
__all__ = ["complete", "correct_answers", "evaluation_answers"]


@pytest.fixture
def path(db):
    return LearningPathPageFactory(title="Recognising sepsis", slug="sepsis", steps=3)


@pytest.fixture
def certificate(learner, path, django_capture_on_commit_callbacks):
    """The learner's certificate for ``path``, issued and its PDF rendered."""
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path)
    return Certificate.objects.get(user=learner)


@pytest.fixture
def learner(db):
    return LearnerFactory(username="doctor-a", profile__full_name="Alice Able")


@pytest.fixture
def nurse(db):
    """A registered nurse: she records hours and receives a certificate of participation."""
    return LearnerFactory(
        username="nurse-n",
        profile__full_name="Nora Nightingale",
        profile__credentials="RN, BSN",
        profile__degree=Degree.RN,
    )


@pytest.fixture
def other_learner(db):
    return LearnerFactory(username="doctor-b", profile__full_name="Bob Baker")


def wrong_answers(path):
    return {q.id: [1] for q in post_test_questions(path)}


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
