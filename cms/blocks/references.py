from wagtail import blocks

from .text import as_sentence


class ReferenceBlock(blocks.StructBlock):
    """Printed as "Authors. Title. Source. Year.": each part a sentence, so
    authors never run into the title."""

    authors = blocks.CharBlock(max_length=400, help_text="e.g. Smith J, Jones A, et al.")
    title = blocks.CharBlock(max_length=400)
    source = blocks.CharBlock(max_length=250, help_text="Journal, publisher or organisation.")
    year = blocks.IntegerBlock(min_value=1800, max_value=2100)
    url = blocks.URLBlock(required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["authors"] = as_sentence(value["authors"])
        context["title"] = as_sentence(value["title"])
        context["source"] = as_sentence(value["source"])
        return context

    class Meta:
        icon = "doc-full"
        label = "Reference"
        template = "blocks/reference_block.html"
        preview_value = {
            "authors": "Croskerry P.",
            "title": "The importance of cognitive errors in diagnosis",
            "source": "Academic Medicine",
            "year": 2003,
            "url": "",
        }


class ReferenceListBlock(blocks.StreamBlock):
    reference = ReferenceBlock()


class ObjectiveListBlock(blocks.StreamBlock):
    objective = blocks.CharBlock(
        max_length=300,
        label="Objective",
        help_text="Start with a measurable verb: Recognise, Apply, Compare, Plan...",
        template="blocks/objective_block.html",
    )
