from .content import (
    CaseVignetteBlock,
    ChecklistBlock,
    ClinicalPearlBlock,
    FAQBlock,
    GuideBodyBlock,
    ImageBlock,
    KeyTakeawaysBlock,
    PitfallsBlock,
    QuoteBlock,
    VideoBlock,
)
from .references import ObjectiveListBlock, ReferenceBlock, ReferenceListBlock
from .text import stream_text, word_count

__all__ = [
    "CaseVignetteBlock",
    "ChecklistBlock",
    "ClinicalPearlBlock",
    "FAQBlock",
    "GuideBodyBlock",
    "ImageBlock",
    "KeyTakeawaysBlock",
    "ObjectiveListBlock",
    "PitfallsBlock",
    "QuoteBlock",
    "ReferenceBlock",
    "ReferenceListBlock",
    "VideoBlock",
    "stream_text",
    "word_count",
]
