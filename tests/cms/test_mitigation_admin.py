"""CME reviewers record relevance, mitigation and Standard 3 exceptions per
piece of content; each record reaches the page's audit history; nobody else
may record them."""

from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageLogEntry

import pytest

from cms.control import guide_entries, statuses
from cms.models.disclosures import OwnerEmployeeException, RelevanceDecision
from learning.compliance.entries import path_entries
from tests.factories import GuidePageFactory, LearningPathPageFactory, MentorFactory, UserFactory

pytestmark = pytest.mark.django_db


def review_url(page):
    return reverse("cms_content_review", args=(page.pk,))


def decision_data(page, relationship, *, relevant, mitigation="", reason="Checked by the panel"):
    prefix = f"d-{page.pk}-{relationship.pk}"
    return {
        "kind": "decision",
        "page": str(page.pk),
        "target": str(relationship.pk),
        f"{prefix}-relevant": "yes" if relevant else "no",
        f"{prefix}-mitigation": mitigation,
        f"{prefix}-reason": reason,
    }


def exception_data(page, person, *, exception="", withdraw=False, reason="Unrelated content"):
    prefix = f"x-{page.pk}-{person.pk}"
    data = {
        "kind": "exception",
        "page": str(page.pk),
        "target": str(person.pk),
        f"{prefix}-exception": exception,
        f"{prefix}-reason": reason,
    }
    if withdraw:
        data[f"{prefix}-withdraw"] = "on"
    return data


@pytest.fixture
def consultant(db):
    return MentorFactory(
        name="Cara Cole",
        user=UserFactory(username="cara", mentor=True),
        relationships=[("Acme Pharma", "consultant")],
    )


@pytest.fixture
def guide(consultant):
    return GuidePageFactory(title="Anticoagulation basics", authors=[consultant])


def problems(page):
    today = timezone.localdate()
    return [p for s in statuses(guide_entries(page)) for p in s.problems(today)]


def test_reviewer_records_a_decision_that_appears_in_the_page_history(
    client, reviewer, guide, consultant
):
    [relationship] = consultant.relationship_list
    client.force_login(reviewer)
    screen = client.get(review_url(guide)).content.decode()
    assert "has not been reviewed for relevance" in screen  # the blocking problem, at the top
    assert "Acme Pharma" in screen

    data = decision_data(
        guide, relationship, relevant=True, mitigation="peer_review", reason="Dosing advice"
    )
    response = client.post(review_url(guide), data)
    assert response.status_code == 302
    assert response["Location"].startswith(review_url(guide))

    decision = RelevanceDecision.objects.get(page=guide, relationship=relationship)
    assert decision.relevant and decision.mitigation == "peer_review"
    assert decision.decided_by == reviewer and decision.reason == "Dosing advice"
    assert problems(guide) == []

    entry = PageLogEntry.objects.get(page=guide, action="curbside.relevance_decision")
    assert entry.user == reviewer
    assert "Cara Cole" in entry.message and "Acme Pharma" in entry.message
    assert "is relevant; mitigated by: Content peer-reviewed" in entry.message
    assert "Reason: Dosing advice" in entry.message
    history = client.get(reverse("wagtailadmin_pages:history", args=(guide.pk,)))
    assert "Reason: Dosing advice" in history.content.decode()

    screen = client.get(review_url(guide)).content.decode()
    assert "relevant, mitigated by: Content peer-reviewed" in screen


def test_a_new_decision_supersedes_and_the_old_one_stays_visible(
    client, reviewer, guide, consultant
):
    [relationship] = consultant.relationship_list
    client.force_login(reviewer)
    client.post(review_url(guide), decision_data(guide, relationship, relevant=False))
    client.post(
        review_url(guide),
        decision_data(
            guide, relationship, relevant=True, mitigation="evidence_check", reason="Second look"
        ),
    )
    assert RelevanceDecision.objects.filter(page=guide, relationship=relationship).count() == 2
    screen = client.get(review_url(guide)).content.decode()
    assert "Earlier decisions (1)" in screen
    assert "not relevant. Reason: Checked by the panel" in screen
    assert (
        PageLogEntry.objects.filter(page=guide).filter(action="curbside.relevance_decision").count()
        == 2
    )


def test_relevant_without_mitigation_is_refused_with_a_message(client, reviewer, guide, consultant):
    [relationship] = consultant.relationship_list
    client.force_login(reviewer)
    data = decision_data(guide, relationship, relevant=True, reason="Typed reasoning kept")
    response = client.post(review_url(guide), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "A relevant relationship needs the way it was mitigated." in html
    assert "Typed reasoning kept" in html
    assert not RelevanceDecision.objects.exists()
    assert not PageLogEntry.objects.filter(action="curbside.relevance_decision").exists()


@pytest.mark.parametrize("who", ["mentor", "staff", "author"])
def test_only_cme_reviewers_record_mitigation(client, guide, consultant, mentor_a, staff_user, who):
    user = {"mentor": mentor_a.user, "staff": staff_user, "author": consultant.user}[who]
    [relationship] = consultant.relationship_list
    client.force_login(user)
    data = decision_data(guide, relationship, relevant=False, reason="Not relevant, says me")
    response = client.post(review_url(guide), data)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = client.post(
        review_url(guide), exception_data(guide, consultant, exception="unrelated")
    )
    assert response["Location"] == "/admin/"
    assert client.get(review_url(guide))["Location"] == "/admin/"
    assert not RelevanceDecision.objects.exists()
    assert not OwnerEmployeeException.objects.exists()
    assert not PageLogEntry.objects.filter(action__startswith="curbside.").exists()


def test_recorded_exception_clears_the_owner_problem_and_withdrawal_brings_it_back(
    client, reviewer
):
    employee = MentorFactory(name="Eli Employee", relationships=[("Acme Pharma", "employee")])
    guide = GuidePageFactory(authors=[employee])
    [problem] = problems(guide)
    assert "owner or employee of an ineligible company (Acme Pharma)" in problem

    client.force_login(reviewer)
    screen = client.get(review_url(guide)).content.decode()
    assert "Standard 3 exception" in screen and "owner or employee" in screen
    # No exception chosen: refused, with the message.
    response = client.post(review_url(guide), exception_data(guide, employee))
    assert "Choose which of the three Standard 3 exceptions applies." in response.content.decode()
    assert not OwnerEmployeeException.objects.exists()

    response = client.post(
        review_url(guide),
        exception_data(guide, employee, exception="unrelated", reason="Guide is on handoffs"),
    )
    assert response.status_code == 302
    assert problems(guide) == []
    entry = PageLogEntry.objects.get(page=guide, action="curbside.owner_exception")
    assert entry.user == reviewer
    assert "recorded a Standard 3 exception for Eli Employee" in entry.message
    assert "Reason: Guide is on handoffs" in entry.message

    client.post(
        review_url(guide),
        exception_data(guide, employee, withdraw=True, reason="Guide now covers Acme's drug"),
    )
    [problem] = problems(guide)
    assert "owner or employee" in problem
    assert OwnerEmployeeException.objects.count() == 2


def test_path_screen_records_faculty_decisions_on_their_guide(client, reviewer, consultant):
    planner = MentorFactory(name="Pat Planner", relationships=[("Birch Devices", "speaker")])
    guide = GuidePageFactory(title="Step one guide", authors=[consultant])
    path = LearningPathPageFactory(title="Path Gamma", steps=[guide], planners=[planner])
    client.force_login(reviewer)
    screen = client.get(review_url(path)).content.decode()
    assert "the guide “Step one guide”" in screen and "this learning path" in screen
    assert "Cara Cole" in screen and "Pat Planner" in screen
    assert screen.index("Acme Pharma") < screen.index("Birch Devices")

    [faculty_rel] = consultant.relationship_list
    response = client.post(
        review_url(path), decision_data(guide, faculty_rel, relevant=False, reason="Off topic")
    )
    assert response.status_code == 302
    assert RelevanceDecision.objects.get().page_id == guide.pk
    [planner_rel] = planner.relationship_list
    client.post(review_url(path), decision_data(path, planner_rel, relevant=False))
    assert RelevanceDecision.objects.filter(page=path).count() == 1
    today = timezone.localdate()
    assert [p for s in statuses(path_entries(path)) for p in s.problems(today)] == []
    # A relationship recorded on the wrong page (the planner's on the guide) is refused.
    before = RelevanceDecision.objects.count()
    response = client.post(review_url(path), decision_data(guide, planner_rel, relevant=False))
    assert response.status_code == 200
    assert "Nothing was recorded" in response.content.decode()
    assert RelevanceDecision.objects.count() == before


def test_a_superseded_relationship_is_not_recorded(client, reviewer, guide, consultant):
    [old_rel] = consultant.relationship_list
    from cms.disclosures import Relationship, record_disclosure

    record_disclosure(
        consultant,
        relationships=[Relationship("Acme Pharma", "advisor", ended_on=None)],
        signed_name="Cara Cole",
    )
    client.force_login(reviewer)
    response = client.post(review_url(guide), decision_data(guide, old_rel, relevant=False))
    assert response.status_code == 200
    assert "a new disclosure may have been signed" in response.content.decode()
    assert not RelevanceDecision.objects.exists()


def test_editor_links_to_the_screen_for_reviewers_only(client, reviewer, guide, consultant):
    client.force_login(reviewer)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(guide.pk,))).content.decode()
    assert review_url(guide) in edit
    client.force_login(consultant.user)
    guide.owner = consultant.user
    guide.save()
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(guide.pk,)))
    assert review_url(guide) not in edit.content.decode()


def test_unknown_or_unsuitable_pages_are_not_found(client, reviewer, guide):
    client.force_login(reviewer)
    assert client.get(review_url(guide.get_parent())).status_code == 404
    assert client.get("/admin/cme/content/999999/").status_code == 404
