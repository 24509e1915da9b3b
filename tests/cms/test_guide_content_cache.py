"""The guide body is rendered once per live revision: publishing a change
shows it at once, and drafts and previews never leak to readers."""

import pytest

from tests.factories import GuidePageFactory, MentorFactory, body_json

pytestmark = pytest.mark.django_db


def test_publishing_a_new_revision_shows_the_new_body(client):
    guide = GuidePageFactory(body=body_json(["First wording."]), authors=[MentorFactory()])
    assert "First wording." in client.get(guide.url).content.decode()

    guide.body = body_json(["Second wording."])
    guide.save_revision()  # a draft: readers still see the live text
    html = client.get(guide.url).content.decode()
    assert "First wording." in html and "Second wording." not in html

    guide.get_latest_revision().publish()
    html = client.get(guide.url).content.decode()
    assert "Second wording." in html and "First wording." not in html


def test_preview_renders_the_draft_not_the_cached_live_body(client, superuser):
    guide = GuidePageFactory(body=body_json(["Live text."]), authors=[MentorFactory()])
    client.get(guide.url)  # cache the live body
    guide.body = body_json(["Draft text."])
    guide.save_revision()
    client.force_login(superuser)
    response = client.get(f"/admin/pages/{guide.pk}/view_draft/")
    assert "Draft text." in response.content.decode()
