"""The page editor as mentors and CME reviewers use it: Approve in the editor,
autosave, and a new guide's first author."""

from django.core import mail
from django.urls import reverse

from wagtail.models import TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

import pytest

from cms.models import GuideIndexPage, GuidePage, Topic

from .admin_forms import guide_form_data

pytestmark = pytest.mark.django_db

REFERENCE = {
    "authors": "Croskerry P.",
    "title": "The importance of cognitive errors in diagnosis",
    "source": "Academic Medicine",
    "year": "2003",
    "url": "",
}


def add_url():
    return reverse(
        "wagtailadmin_pages:add", args=("cms", "guidepage", GuideIndexPage.objects.get().pk)
    )


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def stream(items):
    """A StreamField as the editor posts it: each block keeps its id."""
    data = {"count": str(len(items))}
    for index, (block_id, block_type, value) in enumerate(items):
        data[str(index)] = {
            "type": block_type,
            "value": value,
            "id": block_id,
            "deleted": "",
            "order": str(index),
        }
    return data


def as_the_editor_posts(page, **extra):
    """The form the page editor sends for ``page`` untouched: what the browser
    fills in from the page's latest revision (rich text as Draftail holds it,
    numbers and dates as text, the inline rows with their ids)."""
    page = GuidePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    authors = list(page.authors.all())

    def blocks(value, convert):
        return stream([(b["id"], b["type"], convert(b["value"])) for b in value.raw_data])

    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": page.summary,
            "authors": inline_formset(
                [
                    {"id": a.pk, "mentor": a.mentor_id, "ORDER": str(i + 1), "DELETE": ""}
                    for i, a in enumerate(authors)
                ],
                initial=len(authors),
            ),
            "topic": page.topic,
            "audience_level": page.audience_level,
            "specialties": ", ".join(f'"{t.name}"' for t in page.specialties.all()),
            "objectives": blocks(page.objectives, str),
            "body": blocks(page.body, rich_text),
            "references": blocks(
                page.references, lambda v: {key: str(item) for key, item in v.items()}
            ),
            "release_date": page.release_date.isoformat(),
            "last_reviewed": page.last_reviewed.isoformat(),
            "review_due": page.review_due.isoformat(),
            "reading_minutes_override": "",
            "comments": inline_formset([]),
        }
    )
    data.update(extra)
    return data


@pytest.fixture
def submitted_guide(client, mentor_a):
    """A guide the mentor wrote in the editor and submitted for CME review."""
    client.force_login(mentor_a.user)
    data = guide_form_data(
        "The night-time call",
        "night-call",
        Topic.CAREER,
        [mentor_a.pk],
        **{"action-submit": "Submit"},
    )
    data.update(nested_form_data({"references": stream([("", "reference", REFERENCE)])}))
    assert client.post(add_url(), data).status_code == 302
    client.logout()
    mail.outbox.clear()
    guide = GuidePage.objects.get(slug="night-call")
    assert guide.workflow_in_progress and not guide.live
    return guide


def approve_in_editor(client, reviewer, guide, **changes):
    client.force_login(reviewer)
    data = as_the_editor_posts(
        guide,
        **{"action-workflow-action": "true", "workflow-action-name": "approve"},
        **changes,
    )
    return client.post(edit_url(guide), data, follow=True)


def task_states(guide):
    return TaskState.objects.filter(workflow_state__object_id=str(guide.pk))


def test_approve_in_the_editor_publishes_an_unchanged_guide(client, reviewer, submitted_guide):
    revisions = submitted_guide.revisions.count()

    response = approve_in_editor(client, reviewer, submitted_guide)

    guide = GuidePage.objects.get(pk=submitted_guide.pk)
    assert guide.live
    assert guide.live_revision == guide.get_latest_revision()
    assert guide.revisions.count() == revisions  # approved as submitted, no new version
    assert not guide.workflow_in_progress
    assert [s.status for s in task_states(guide)] == [TaskState.STATUS_APPROVED]
    assert "&#x27;The night-time call&#x27; is approved and published." in response.content.decode()
    # The mentor hears it was approved; nobody is asked to review it again.
    assert [m.to for m in mail.outbox] == [[submitted_guide.owner.email]]
    assert "approved" in mail.outbox[0].subject
    client.logout()
    assert client.get("/guides/night-call/").status_code == 200


def test_approve_publishes_after_the_autosave_that_choosing_it_sends(
    client, reviewer, submitted_guide
):
    """Choosing Approve sets a field of the editor's form, which autosaves the
    unchanged form just before (or while) the approval is posted."""
    revisions = submitted_guide.revisions.count()
    client.force_login(reviewer)
    chosen = {"action-workflow-action": "true", "workflow-action-name": "approve"}
    answer = autosave(
        client, edit_url(submitted_guide), as_the_editor_posts(submitted_guide, **chosen)
    )
    assert answer.status_code == 200 and answer.json()["success"] is True
    assert submitted_guide.revisions.count() == revisions
    assert GuidePage.objects.get(pk=submitted_guide.pk).workflow_in_progress  # not yet

    unchanged = as_the_editor_posts(submitted_guide)
    assert autosave(client, edit_url(submitted_guide), unchanged).json()["success"] is True
    assert submitted_guide.revisions.count() == revisions

    approve_in_editor(client, reviewer, submitted_guide)
    guide = GuidePage.objects.get(pk=submitted_guide.pk)
    assert guide.live and not guide.workflow_in_progress
    assert guide.live_revision == guide.get_latest_revision()
    assert guide.revisions.count() == revisions


def test_approve_with_a_change_says_the_change_needs_review(client, reviewer, submitted_guide):
    response = approve_in_editor(client, reviewer, submitted_guide, summary="Shorter summary.")

    guide = GuidePage.objects.get(pk=submitted_guide.pk)
    assert not guide.live
    assert guide.workflow_in_progress
    html = response.content.decode()
    assert "Your changes to &#x27;The night-time call&#x27; are saved as a new version" in html
    assert "this version is not published yet" in html
    assert "has been updated" not in html


def test_request_changes_in_the_editor_says_so(client, reviewer, submitted_guide):
    client.force_login(reviewer)
    data = as_the_editor_posts(
        submitted_guide,
        **{"action-workflow-action": "true", "workflow-action-name": "reject"},
    )
    response = client.post(edit_url(submitted_guide), data, follow=True)
    state = WorkflowState.objects.get(object_id=str(submitted_guide.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert "is sent back to its authors for changes" in response.content.decode()


def test_unchanged_form_of_content_written_outside_the_editor_has_no_changes(
    rf, reviewer, guide_by_a
):
    """Rich text written before the editor saw it (the demo, imports) has no
    paragraph keys; Draftail adds new ones. That is not a change."""
    page = GuidePage.objects.get(pk=guide_by_a.pk)
    assert "data-block-key" not in page.body.raw_data[0]["value"]
    form_class = GuidePage.get_edit_handler().get_form_class()
    form = form_class(
        as_the_editor_posts(guide_by_a),
        instance=page,
        parent_page=page.get_parent(),
        for_user=reviewer,
    )
    assert form.is_valid(), form.errors
    assert form.changed_data == []
    assert not form.has_changed()


# Autosave -------------------------------------------------------------------


def autosave(client, url, data):
    return client.post(url, data, headers={"accept": "application/json"})


def half_made(mentor, title="Night float survival", slug="night-float-survival"):
    """What autosave sends when a mentor has typed a title and chosen an author."""
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "",
            "authors": inline_formset([{"mentor": mentor.pk}]),
            "topic": "",
            "audience_level": "",
            "specialties": "",
            "objectives": stream([]),
            "body": stream([]),
            "references": stream([]),
            "release_date": "2026-01-05",
            "last_reviewed": "2026-01-05",
            "review_due": "",
            "reading_minutes_override": "",
            "comments": inline_formset([]),
        }
    )


def test_autosave_of_a_half_made_guide_creates_no_page_and_no_error(client, mentor_a):
    client.force_login(mentor_a.user)
    response = autosave(client, add_url(), half_made(mentor_a))

    assert response.status_code == 200
    answer = response.json()
    assert answer["success"] is False
    assert answer["error_message"].startswith("Not saved yet.")
    assert "Topic" in answer["error_message"] and "Body" in answer["error_message"]
    assert not GuidePage.objects.filter(slug="night-float-survival").exists()


def test_autosave_of_a_complete_guide_saves_a_draft(client, mentor_a):
    client.force_login(mentor_a.user)
    data = guide_form_data("Night float survival", "night-float-survival", "career", [mentor_a.pk])
    response = autosave(client, add_url(), data)
    assert response.status_code == 200
    assert response.json()["success"] is True
    guide = GuidePage.objects.get(slug="night-float-survival")
    assert not guide.live


def test_starting_again_after_an_abandoned_draft_gets_a_free_slug(client, mentor_a):
    client.force_login(mentor_a.user)
    title, slug = "Night float survival", "night-float-survival"
    data = guide_form_data(title, slug, "career", [mentor_a.pk])
    assert autosave(client, add_url(), data).json()["success"] is True  # then left

    # Starting the same guide again: autosave, then Save draft.
    answer = autosave(client, add_url(), data).json()
    assert answer["success"] is True
    assert answer["field_updates"]["slug"] == f"{slug}-1"
    assert client.post(add_url(), data).status_code == 302
    assert sorted(GuidePage.objects.filter(title=title).values_list("slug", flat=True)) == [
        slug,
        f"{slug}-1",
        f"{slug}-2",
    ]


def test_someone_elses_page_still_holds_its_slug(client, mentor_a, guide_by_b):
    client.force_login(mentor_a.user)
    data = guide_form_data("Ben's guide", guide_by_b.slug, "career", [mentor_a.pk])
    response = client.post(add_url(), data)
    assert response.status_code == 200
    assert "is already in use within the parent page" in response.content.decode()


def test_autosave_in_the_edit_view_answers_errors_without_a_400(client, mentor_a, guide_by_a):
    client.force_login(mentor_a.user)
    data = as_the_editor_posts(guide_by_a, last_reviewed="2020-01-01")
    response = autosave(client, edit_url(guide_by_a), data)
    assert response.status_code == 200
    assert response.json() == {
        "success": False,
        "error_code": "validation_error",
        "error_message": "Not saved yet. Check: Last reviewed.",
    }
    assert guide_by_a.revisions.count() == GuidePage.objects.get(pk=guide_by_a.pk).revisions.count()


# A new guide's first author -------------------------------------------------


def test_a_mentors_new_guide_names_the_mentor_as_first_author(client, mentor_a):
    client.force_login(mentor_a.user)
    html = client.get(add_url()).content.decode()
    row = html.split('id="inline_child_authors-0"')[1].split('id="inline_child_authors-1"')[0]
    assert f'name="authors-0-mentor" value="{mentor_a.pk}"' in row
    assert "Ana Alvarez" in row


# The admin's brand ----------------------------------------------------------

BIRD = 'aria-label="Wagtail"'  # wagtailadmin/logo.html, the bird's SVG


def test_the_admin_carries_curbsides_brand(client, mentor_a):
    client.force_login(mentor_a.user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    logo = html.split("<template data-wagtail-sidebar-branding-logo>")[1].split("</template>")[0]
    assert "img/curbside-admin-logo" in logo and 'alt="Curbside"' in logo
    assert BIRD not in html
    assert "img/favicon" in html
    assert "<title>Dashboard - Curbside admin</title>" in html
    assert "Curbside admin" in html.split("<main")[1]


def test_the_admin_log_in_page_is_curbsides(client):
    response = client.get(reverse("wagtailadmin_login"), follow=True)
    html = response.content.decode()
    assert BIRD not in html and "Wagtail" not in html
    assert "Curbside" in html


def test_the_editors_bar_on_the_site_carries_curbsides_mark(client, mentor_a, guide_by_a):
    client.force_login(mentor_a.user)
    html = client.get(guide_by_a.url).content.decode()
    assert BIRD not in html
    assert "img/favicon" in html.split('id="wagtail-userbar-trigger"')[1][:400]
