"""An answered question becomes a FAQ on its guide through a draft revision
and the CME review workflow; the live guide does not change before approval."""

from django.urls import reverse

import pytest

from cms.blocks import FAQBlock
from cms.models import GuidePage
from mentoring.consults import faq, services
from tests.cms.test_workflow import approve_or_reject
from tests.factories.consults import AnswerFactory, QuestionFactory

from . import consult_fixtures

pytestmark = pytest.mark.django_db

# Shared fixtures (tests/mentoring/consult_fixtures.py).
other_mentor = consult_fixtures.other_mentor

QUESTION = "Should I repeat a normal troponin?"
ANSWER = "Usually yes, at one to three hours with a high-sensitivity assay."


@pytest.fixture
def answered(guide_by_a, mentor_a, doctor):
    question = QuestionFactory(guide=guide_by_a, asker=doctor, title=QUESTION)
    services.answer_question(mentor_a.user, question, body=ANSWER)
    return question


def faq_blocks(page):
    return [block.value for block in page.body if block.block_type == "faq"]


def test_the_author_gets_a_new_draft_and_the_live_guide_is_unchanged(
    client, answered, guide_by_a, mentor_a
):
    live_revision = guide_by_a.live_revision_id
    client.force_login(mentor_a.user)
    page = client.get(f"/consults/questions/{answered.pk}/").content.decode()
    assert "Add to my guide as a FAQ" in page
    response = client.post(f"/consults/questions/{answered.pk}/faq/")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[guide_by_a.pk])

    guide = GuidePage.objects.get(pk=guide_by_a.pk)
    assert guide.live_revision_id == live_revision
    assert faq_blocks(guide) == []  # the live content
    assert guide.has_unpublished_changes
    draft = guide.get_latest_revision_as_object()
    [block] = faq_blocks(draft)
    assert (block["question"], block["answer"]) == (QUESTION, ANSWER)
    answered.refresh_from_db()
    assert answered.faq_revision == guide.latest_revision
    assert answered.faq_added_by == mentor_a.user and answered.faq_added_at
    # The public page still shows the live guide without the FAQ block.
    client.logout()
    assert "Reader question:" not in client.get(guide_by_a.url).content.decode()
    # The editor opens on the draft with the FAQ in it.
    client.force_login(mentor_a.user)
    editor = client.get(response["Location"]).content.decode()
    assert "Should I repeat a normal troponin?" in editor


def test_doing_it_twice_makes_one_draft(answered, mentor_a):
    first = faq.add_as_faq(mentor_a.user, answered)
    second = faq.add_as_faq(mentor_a.user, answered)
    assert first.pk == second.pk
    guide = GuidePage.objects.get(pk=answered.guide_id)
    assert len(faq_blocks(guide.get_latest_revision_as_object())) == 1


def test_the_draft_goes_through_cme_review_and_then_the_guide_shows_it(
    client, answered, mentor_a, reviewer
):
    revision = faq.add_as_faq(mentor_a.user, answered)
    guide = GuidePage.objects.get(pk=answered.guide_id)
    state = guide.get_workflow().start(guide, mentor_a.user)
    assert state.current_task_state.revision_id == revision.pk
    assert faq_blocks(GuidePage.objects.get(pk=guide.pk)) == []
    approve_or_reject(client, reviewer, guide, "approve")
    guide = GuidePage.objects.get(pk=guide.pk)
    [block] = faq_blocks(guide)
    assert block["question"] == QUESTION
    client.logout()
    text = client.get(guide.url).content.decode()
    assert "Reader question:" in text and ANSWER in text


def test_only_the_guides_authors_may_do_it(client, answered, other_mentor, doctor, superuser):
    for user in (other_mentor.user, doctor, superuser):
        client.force_login(user)
        response = client.post(f"/consults/questions/{answered.pk}/faq/", follow=True)
        assert "Only the guide&#x27;s authors can add its FAQs." in response.content.decode()
        with pytest.raises(services.NotAllowed):
            faq.add_as_faq(user, answered)
    answered.refresh_from_db()
    assert answered.faq_revision is None
    guide = GuidePage.objects.get(pk=answered.guide_id)
    assert faq_blocks(guide.get_latest_revision_as_object()) == []


def test_an_unanswered_question_cannot_become_a_faq(client, guide_by_a, mentor_a):
    question = QuestionFactory(guide=guide_by_a)
    AnswerFactory(question=question, author=mentor_a.user, hidden=True)
    client.force_login(mentor_a.user)
    assert (
        "Add to my guide as a FAQ"
        not in client.get(f"/consults/questions/{question.pk}/").content.decode()
    )
    response = client.post(f"/consults/questions/{question.pk}/faq/", follow=True)
    assert "a FAQ needs an answer" in response.content.decode()


def test_the_faq_block_renders_its_preview_value():
    block = FAQBlock()
    html = block.render(block.get_preview_value())
    assert "Reader question:" in html and "troponin" in html
