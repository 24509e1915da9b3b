from wagtail import blocks


class ReferenceBlock(blocks.StructBlock):
    authors = blocks.CharBlock(max_length=400, help_text="e.g. Smith J, Jones A, et al.")
    title = blocks.CharBlock(max_length=400)
    source = blocks.CharBlock(max_length=250, help_text="Journal, publisher or organisation.")
    year = blocks.IntegerBlock(min_value=1800, max_value=2100)
    url = blocks.URLBlock(required=False)

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
