"""Post-test and evaluation questions, edited as StreamFields on a path.

Each question is identified by its StreamField block id (a UUID that stays the
same across revisions), which is what a learner's answers refer to.
"""

from typing import Any

from django.core.exceptions import ValidationError

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=400)
    correct = blocks.BooleanBlock(required=False)


class PostTestQuestionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock()
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, max_num=8)
    explanation = blocks.TextBlock(
        required=False, help_text="Shown after the attempt: why the right answers are right."
    )

    class Meta:
        icon = "help"
        label = "Question"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise StructBlockValidationError(
                block_errors={"choices": ValidationError("Mark at least one choice as correct.")}
            )
        return value


class PostTestBlock(blocks.StreamBlock):
    question = PostTestQuestionBlock()


class RatingQuestionBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(max_length=300)

    class Meta:
        icon = "pick"
        label = "Rating (strongly disagree to strongly agree)"


class TextQuestionBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(max_length=300)

    class Meta:
        icon = "edit"
        label = "Free text"


class PracticeChangeBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(
        max_length=300,
        default="Will you change your practice as a result of this activity? If so, how?",
    )

    class Meta:
        icon = "redirect"
        label = "Change in practice"


class EvaluationBlock(blocks.StreamBlock):
    rating = RatingQuestionBlock()
    text = TextQuestionBlock()
    practice_change = PracticeChangeBlock()


RATING_CHOICES = [
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neutral"),
    (4, "Agree"),
    (5, "Strongly agree"),
]
PRACTICE_CHANGE_CHOICES = [
    ("yes", "Yes"),
    ("already", "I already practise this way"),
    ("no", "No"),
    ("unsure", "Not sure yet"),
]
