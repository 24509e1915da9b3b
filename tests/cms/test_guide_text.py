"""What a reader sees of a guide's text outside the guide: search snippets do
not run a heading into the paragraph after it, and references separate the
authors from the title."""

import json

import pytest

from cms.blocks import ReferenceListBlock, stream_text
from cms.models import GuidePage
from tests.factories import GuidePageFactory

pytestmark = pytest.mark.django_db


def test_a_heading_does_not_run_into_the_paragraph_after_it():
    guide = GuidePageFactory(
        body=json.dumps(
            [
                {
                    "type": "paragraph",
                    "value": "<h2>Why this matters</h2><p>Most errors are common conditions.</p>"
                    "<ul><li>Ask early</li><li>Ask again</li></ul>",
                },
                {"type": "pearl", "value": {"title": "Vital signs", "text": "<p>Trend them.</p>"}},
            ]
        )
    )
    text = stream_text(GuidePage.objects.get(pk=guide.pk).body)
    assert text == (
        "Why this matters. Most errors are common conditions. Ask early. Ask again. "
        "Vital signs. Trend them."
    )


def test_a_reference_separates_authors_title_and_source():
    block = ReferenceListBlock()
    value = block.to_python(
        [
            {
                "type": "reference",
                "value": {
                    "authors": "Croskerry P",
                    "title": "The importance of cognitive errors in diagnosis",
                    "source": "Academic Medicine",
                    "year": 2003,
                    "url": "",
                },
            },
            {
                "type": "reference",
                "value": {
                    "authors": "Smith J, Jones A, et al.",
                    "title": "Is burnout contagious?",
                    "source": "BMJ",
                    "year": 2019,
                    "url": "",
                },
            },
        ]
    )
    first, second = (child.render() for child in value)
    assert ">Croskerry P.</span> <span" in first
    assert "in diagnosis.</span> <cite>Academic Medicine.</cite> 2003." in first
    assert ">Smith J, Jones A, et al.</span>" in second
    assert "Is burnout contagious?</span>" in second
