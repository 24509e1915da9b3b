"""Build the POST data Wagtail's page editor sends for a guide."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def guide_form_data(title, slug, topic, mentor_ids, page=None, **extra):
    """Form data for a new guide, or for editing ``page`` (keeping its author rows)."""
    existing = list(page.authors.order_by("sort_order")) if page else []
    authors = [
        {"mentor": pk, **({"id": existing[i].pk} if i < len(existing) else {})}
        for i, pk in enumerate(mentor_ids)
    ]
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "What the reader will be able to do.",
            "topic": topic,
            "audience_level": "resident",
            "specialties": "Hospital medicine",
            "authors": inline_formset(authors, initial=min(len(existing), len(authors))),
            "objectives": streamfield([("objective", "Recognise the deteriorating patient")]),
            "body": streamfield(
                [("paragraph", rich_text("<p>Look at the patient, then at the monitor.</p>"))]
            ),
            "references": streamfield([]),
            "release_date": "2026-01-05",
            "last_reviewed": "2026-01-05",
            "review_due": "",
            "reading_minutes_override": "",
            "comments": inline_formset([]),
        }
    )
    data.update(extra)
    return data
