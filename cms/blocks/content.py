"""The blocks of a guide's body. Each has its own template and preview value."""

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "superscript"]
SHORT_RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = "Rich text"
        template = "blocks/paragraph_block.html"
        preview_value = (
            "<h2>Why this matters</h2><p>Most diagnostic errors are not exotic diseases "
            "missed; they are common conditions seen through the wrong frame.</p>"
        )
        description = "Headings, paragraphs and lists."


class ClinicalPearlBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, required=False, default="Clinical pearl")
    text = blocks.RichTextBlock(features=SHORT_RICH_TEXT_FEATURES)

    class Meta:
        icon = "pick"
        label = "Clinical pearl"
        template = "blocks/clinical_pearl_block.html"
        preview_value = {
            "title": "Vital signs are a trend, not a snapshot",
            "text": "<p>A heart rate of 100 in a patient whose baseline is 60 deserves "
            "the same attention as an abnormal laboratory value.</p>",
        }
        description = "One memorable, practical point, set apart from the text."


class CaseVignetteBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=160)
    presentation = blocks.RichTextBlock(features=SHORT_RICH_TEXT_FEATURES)
    question = blocks.CharBlock(
        max_length=240, required=False, help_text="A question for the reader to pause on."
    )
    discussion = blocks.RichTextBlock(features=SHORT_RICH_TEXT_FEATURES)

    class Meta:
        icon = "user"
        label = "Case vignette"
        template = "blocks/case_vignette_block.html"
        preview_value = {
            "title": "A quiet patient on a busy night",
            "presentation": "<p>A 78-year-old man admitted with pneumonia is "
            "described by the night nurse as 'more sleepy than usual'.</p>",
            "question": "What would you want to know before you decide he is resting?",
            "discussion": "<p>Hypoactive delirium is easy to miss. Ask when he was last "
            "at his baseline and screen with a validated tool.</p>",
        }
        description = "A fictional case with a question and a discussion."


class KeyTakeawaysBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, required=False, default="Key takeaways")
    items = blocks.ListBlock(blocks.CharBlock(max_length=400), min_num=1)

    class Meta:
        icon = "list-ul"
        label = "Key takeaways"
        template = "blocks/key_takeaways_block.html"
        preview_value = {
            "title": "Key takeaways",
            "items": [
                "Name the diagnosis you are most afraid of missing.",
                "Re-examine the patient when the story changes.",
            ],
        }


class PitfallBlock(blocks.StructBlock):
    pitfall = blocks.CharBlock(max_length=300)
    remedy = blocks.TextBlock(help_text="How to avoid or recover from it.")


class PitfallsBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, required=False, default="Common pitfalls")
    items = blocks.ListBlock(PitfallBlock(), min_num=1)

    class Meta:
        icon = "warning"
        label = "Pitfalls"
        template = "blocks/pitfalls_block.html"
        preview_value = {
            "title": "Common pitfalls",
            "items": [
                {
                    "pitfall": "Accepting the diagnosis handed over at shift change.",
                    "remedy": "Ask yourself what else it could be before you sign the plan.",
                }
            ],
        }


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    items = blocks.ListBlock(blocks.CharBlock(max_length=300), min_num=1)

    class Meta:
        icon = "tasks"
        label = "Checklist"
        template = "blocks/checklist_block.html"
        preview_value = {
            "title": "Before you call for a transfer",
            "items": [
                "Airway secure or a plan for it agreed",
                "Imaging and results ready to send",
                "Family informed of where and why",
            ],
        }


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(max_length=160, required=False)

    class Meta:
        icon = "openquote"
        label = "Quote"
        template = "blocks/quote_block.html"
        preview_value = {
            "text": "The patient who worries you at 2 a.m. deserves a second look at 2.15.",
            "attribution": "A hospitalist mentor",
        }


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        required=False,
        help_text="Describe the image for readers who cannot see it; leave empty if "
        "it is purely decorative.",
    )
    caption = blocks.CharBlock(max_length=300, required=False)
    credit = blocks.CharBlock(max_length=160, required=False)

    class Meta:
        icon = "image"
        label = "Image"
        template = "blocks/image_block.html"
        description = "A figure with alternative text and a caption."


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(help_text="A YouTube or Vimeo address.")
    title = blocks.CharBlock(max_length=160)
    transcript = blocks.TextBlock(
        required=False, help_text="A transcript helps readers who cannot play the video."
    )

    class Meta:
        icon = "media"
        label = "Video"
        template = "blocks/video_block.html"
        preview_value = {
            "video": None,
            "title": "Leading a family meeting: a worked example",
            "transcript": "The clinician opens by asking what the family understands.",
        }


class FAQBlock(blocks.StructBlock):
    """A question a reader asked the author, with the author's answer. Added as
    a draft from a Curbside consult ("Add to my guide as a FAQ"), or by hand."""

    question = blocks.CharBlock(max_length=300)
    answer = blocks.TextBlock(help_text="Plain text; a blank line starts a new paragraph.")

    class Meta:
        icon = "help"
        label = "FAQ"
        template = "blocks/faq_block.html"
        preview_value = {
            "question": "Should I repeat a troponin if the first one is normal?",
            "answer": "Usually, yes: a single early troponin can miss a myocardial "
            "infarction. Follow your hospital's pathway for the timing of the second test.",
        }
        description = "A reader's question and the author's answer."


class GuideBodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    pearl = ClinicalPearlBlock()
    vignette = CaseVignetteBlock()
    takeaways = KeyTakeawaysBlock()
    pitfalls = PitfallsBlock()
    checklist = ChecklistBlock()
    quote = QuoteBlock()
    image = ImageBlock()
    video = VideoBlock()
    faq = FAQBlock()
