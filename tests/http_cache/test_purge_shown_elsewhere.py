"""What changes a public page without publishing it, and what a publication
changes on pages that no longer show it, purge too (found in review,
2026-12-06): a question a moderator hides, a page's privacy restriction, a
replaced author, another step of a path, an institution's name, a planner's
disclosure, a reviewer's relevance decision. Each test checks the page
really changed for a visitor, then that its address was purged."""

import re
from urllib.parse import urlsplit

from wagtail.models import PageViewRestriction

import pytest

from cms.choices import MitigationMethod
from cms.disclosures import Relationship, record_decision, record_disclosure
from cms.models import GuideAuthor
from mentoring.consults.services import set_answer_hidden, uphold_report
from tests.factories import GuidePageFactory, MentorFactory, UserFactory
from tests.factories.consults import AnswerFactory, QuestionFactory, ReportFactory
from tests.factories.paths import LearningPathPageFactory

GUIDE = "/guides/anas-guide/"
PATIENT = "Mrs Jane Roe, 82, bed 14 on Ward 7: when to repeat the troponin"


def paths_of(urls):
    return {urlsplit(url).path for url in urls}


def text(client, url):
    answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    return re.sub(r"\s+", " ", answer.content.decode())


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator", superuser=True)


def test_a_question_hidden_on_a_report_purges_the_guide_that_showed_it(
    guide_by_a, purged, moderator, client, django_capture_on_commit_callbacks
):
    question = QuestionFactory(guide=guide_by_a, title=PATIENT)
    shown = client.get(GUIDE)
    assert "Jane Roe" in shown.content.decode() and "public" in shown["Cache-Control"]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        uphold_report(moderator, ReportFactory(question=question))
    assert "Jane Roe" not in text(client, GUIDE)
    assert paths_of(purged) == {GUIDE}


def test_a_hidden_answer_and_a_new_question_purge_the_guide(
    guide_by_a, purged, moderator, client, django_capture_on_commit_callbacks
):
    question = QuestionFactory(guide=guide_by_a)
    answer = AnswerFactory(question=question, body="Repeat it at three hours, Mr Roe in bed 14.")
    assert "Mr Roe in bed 14" in text(client, GUIDE)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        set_answer_hidden(moderator, answer, True)
    assert "Mr Roe in bed 14" not in text(client, GUIDE)
    assert paths_of(purged) == {GUIDE}
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        QuestionFactory(guide=guide_by_a, title="Which scoring system for chest pain?")
    assert "Which scoring system for chest pain?" in text(client, GUIDE)
    assert paths_of(purged) == {GUIDE}


def test_a_question_deleted_purges_the_guide(
    guide_by_a, purged, client, django_capture_on_commit_callbacks
):
    question = QuestionFactory(guide=guide_by_a, title=PATIENT)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        question.delete()
    assert "Jane Roe" not in text(client, GUIDE)
    assert GUIDE in paths_of(purged)


def test_restricting_a_live_page_purges_it_and_the_pages_listing_it(
    guide_by_a, purged, client, django_capture_on_commit_callbacks
):
    assert "public" in client.get(GUIDE)["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=guide_by_a, restriction_type=PageViewRestriction.LOGIN
        )
    assert client.get(GUIDE).status_code == 302
    assert {GUIDE, "/guides/", "/"} <= paths_of(purged)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert client.get(GUIDE).status_code == 200
    assert GUIDE in paths_of(purged)


def test_restricting_an_index_purges_every_page_below_it(
    guide_by_a, guide_by_b, purged, django_capture_on_commit_callbacks
):
    index = guide_by_a.get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    assert {"/guides/", GUIDE, "/guides/bens-guide/"} <= paths_of(purged)


def test_replacing_an_author_purges_the_old_authors_profile(
    guide_by_a, mentor_b, purged, client, django_capture_on_commit_callbacks
):
    assert "Ana&#x27;s guide" in text(client, "/mentors/ana-alvarez/")
    guide_by_a.authors.clear()
    guide_by_a.authors.add(GuideAuthor(mentor=mentor_b))
    with django_capture_on_commit_callbacks(execute=True):
        guide_by_a.save_revision().publish()
    assert "Ana&#x27;s guide" not in text(client, "/mentors/ana-alvarez/")
    assert {"/mentors/ana-alvarez/", "/mentors/ben-brooks/", GUIDE} <= paths_of(purged)


def test_a_draft_saved_purges_nothing(guide_by_a, purged, django_capture_on_commit_callbacks):
    guide_by_a.title = "A draft nobody reads yet"
    with django_capture_on_commit_callbacks(execute=True):
        guide_by_a.save_revision()
    assert purged == []


def test_retitling_a_step_purges_the_other_steps_read_from_the_path(
    mentor_a, purged, client, django_capture_on_commit_callbacks
):
    first = GuidePageFactory(title="First step", slug="first", authors=[mentor_a])
    second = GuidePageFactory(title="Second step", slug="second", authors=[mentor_a])
    LearningPathPageFactory(title="Sepsis", slug="sepsis", steps=[first, second])
    assert "Next: Second step" in text(client, "/guides/first/?path=sepsis")
    second.title = "Second step, revised"
    with django_capture_on_commit_callbacks(execute=True):
        second.save_revision().publish()
    assert "Next: Second step, revised" in text(client, "/guides/first/?path=sepsis")
    assert "/guides/first/" in paths_of(purged)


def test_renaming_an_institution_purges_the_paths_it_accredits(
    guide_by_a, purged, client, django_capture_on_commit_callbacks
):
    path = LearningPathPageFactory(title="Sepsis", slug="sepsis", steps=[guide_by_a])
    institution = path.institution
    institution.name = "Renamed CME Office"
    with django_capture_on_commit_callbacks(execute=True):
        institution.save()
    assert "Renamed CME Office" in text(client, "/paths/sepsis/")
    assert "Renamed CME Office" in text(client, "/paths/")
    assert {"/paths/sepsis/", "/paths/", "/privacy/"} <= paths_of(purged)


def test_a_planners_new_disclosure_purges_the_path(
    guide_by_a, purged, client, django_capture_on_commit_callbacks
):
    planner = MentorFactory(name="Pat Planner", in_directory=False)
    LearningPathPageFactory(title="Sepsis", slug="sepsis", steps=[guide_by_a], planners=[planner])
    assert "Pat Planner" in text(client, "/paths/sepsis/")
    with django_capture_on_commit_callbacks(execute=True):
        record_disclosure(
            planner,
            relationships=[Relationship("Zeta Pharma", "advisor", ended_on=None)],
            signed_name="Pat Planner",
        )
    assert "Zeta Pharma" in text(client, "/paths/sepsis/")
    assert "/paths/sepsis/" in paths_of(purged)


def test_a_relevance_decision_purges_the_page_it_is_about(
    db, purged, client, django_capture_on_commit_callbacks
):
    mentor = MentorFactory(
        name="Priya Test", slug="priya", relationships=[("Meridian Devices", "advisor")]
    )
    guide = GuidePageFactory(title="Priya's guide", slug="priyas-guide", authors=[mentor])
    guide_url = "/guides/priyas-guide/"
    assert "(not yet reviewed for relevance)" in text(client, guide_url)
    [relationship] = list(mentor.current_disclosure.relationship_list)
    with django_capture_on_commit_callbacks(execute=True):
        record_decision(
            guide,
            relationship,
            relevant=True,
            mitigation=MitigationMethod.PEER_REVIEW,
            reason="Reviewed by a peer with no relationship.",
            decided_by=UserFactory(username="reviewer", reviewer=True),
        )
    assert "(not yet reviewed for relevance)" not in text(client, guide_url)
    assert guide_url in paths_of(purged)
