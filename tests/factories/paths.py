"""Factories for learning paths (``steps=3`` makes three guides for it)."""

import datetime
import decimal
import json

from django.utils import timezone

import factory
import wagtail_factories

from learning.models import (
    LearningPathPage,
    PathContributor,
    PathContributorRole,
    PathIndexPage,
    PathStep,
)
from tests.factories.content import GuidePageFactory, InstitutionFactory, MentorFactory


def post_test_json(n=3, multiple=(1,)):
    """``n`` questions; the correct answer of question i is choice 0, and also
    choice 2 for the indexes in ``multiple``."""
    questions = []
    for i in range(n):
        questions.append(
            {
                "type": "question",
                "value": {
                    "prompt": f"Question {i + 1}?",
                    "choices": [
                        {"text": "Right", "correct": True},
                        {"text": "Wrong", "correct": False},
                        {
                            "text": "Also right" if i in multiple else "Also wrong",
                            "correct": i in multiple,
                        },
                        {"text": "Wrong again", "correct": False},
                    ],
                    "explanation": "Because.",
                },
            }
        )
    return json.dumps(questions)


def evaluation_json():
    return json.dumps(
        [
            {"type": "rating", "value": {"prompt": "The activity met its objectives."}},
            {"type": "text", "value": {"prompt": "What was most useful?"}},
            {
                "type": "practice_change",
                "value": {"prompt": "Will you change your practice? If so, how?"},
            },
        ]
    )


class LearningPathPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Learning path {n}")
    slug = factory.Sequence(lambda n: f"path-{n}")
    summary = "A path."
    target_audience = "Hospitalists and internists"
    estimated_minutes = 120
    release_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))
    last_reviewed = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    objectives = factory.LazyFunction(
        lambda: json.dumps([{"type": "objective", "value": "Apply the approach"}])
    )
    max_credits = decimal.Decimal("1.50")
    institution = factory.SubFactory(InstitutionFactory)
    pass_mark = 70
    post_test = factory.LazyFunction(post_test_json)
    evaluation = factory.LazyFunction(evaluation_json)
    parent = factory.LazyFunction(lambda: PathIndexPage.objects.get())

    class Meta:
        model = LearningPathPage
        skip_postgeneration_save = True

    @factory.post_generation
    def steps(self, create, extracted, **kwargs):
        """``steps=3`` makes three new guides; ``steps=[guide, ...]`` uses those."""
        if not create:
            return
        if extracted is None:
            extracted = 3
        if isinstance(extracted, int):
            mentor = MentorFactory()
            extracted = [
                GuidePageFactory(
                    title=f"{self.title} guide {i + 1}",
                    slug=f"{self.slug}-guide-{i + 1}",
                    authors=[mentor],
                )
                for i in range(extracted)
            ]
        for order, guide in enumerate(extracted):
            PathStep.objects.create(page=self, guide=guide, sort_order=order)

    @factory.post_generation
    def planners(self, create, extracted, **kwargs):
        """One planner with a current "none" disclosure unless ``planners=[...]``."""
        if not create:
            return
        if extracted is None:
            extracted = [MentorFactory(in_directory=False)]
        for order, person in enumerate(extracted):
            PathContributor.objects.create(
                page=self, person=person, role=PathContributorRole.PLANNER, sort_order=order
            )
