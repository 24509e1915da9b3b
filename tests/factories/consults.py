"""Factories for Curbside consults::

QuestionFactory(guide=guide, asker=doctor)             # public, open
QuestionFactory(relationship=rel, asker=rel.mentee)    # private to the pair
AnswerFactory(question=q, author=mentor_user)
ReportFactory(reporter=u, question=q)                  # open
"""

import factory
from factory.django import DjangoModelFactory

from mentoring.models import Answer, Question, Report, ReportReason
from tests.factories.users import UserFactory


class QuestionFactory(DjangoModelFactory):
    asker = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"When to repeat the troponin ({n})?")
    body = (
        "A man in his fifties has a normal first troponin and a normal ECG. How long "
        "do you wait before the second sample?"
    )

    class Meta:
        model = Question


class AnswerFactory(DjangoModelFactory):
    question = factory.SubFactory(QuestionFactory)
    author = factory.SubFactory(UserFactory)
    body = "Follow your pathway: with a high-sensitivity assay, usually one to three hours."

    class Meta:
        model = Answer


class ReportFactory(DjangoModelFactory):
    reporter = factory.SubFactory(UserFactory)
    reason = ReportReason.PATIENT_DATA

    class Meta:
        model = Report
