"""The path page's steps and compliance answers (the disclosure block, whether
credit is available, the activity's statements and contact) are kept in the
cache between changes (``learning.compliance.snapshot``). A learner must never see an answer
older than the records: each change an editor, a CME office or a person
disclosing makes is on the page at the next request.

Each test loads the page first, so the answer is in the cache, then makes the
change through the product's own services and reads the page again.
"""

import re

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page

import pytest

from cms.choices import MitigationMethod, RelationshipNature
from cms.disclosures import Relationship, record_decision, record_disclosure
from learning.compliance import snapshot
from learning.journey.progress import path_steps
from learning.models import PathCommercialSupport, PathContributor
from learning.models.choices import PathContributorRole, SupportKind
from tests.factories import GuidePageFactory, LearningPathPageFactory, MentorFactory

from .test_credit_paused import author_of

pytestmark = pytest.mark.django_db

COMPANY = "Northwind Devices"
PAUSED = "Credit for this activity is paused while the provider renews a faculty or planner"


def page_text(client, path) -> str:
    response = client.get(path.url)
    assert response.status_code == 200
    html = re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def read(path, *, live=True):
    """The path page's snapshot, as the page reads it."""
    return snapshot.path_snapshot(path, lambda: path_steps(path), live=live)


def discloses(person):
    """``person`` signs a new disclosure naming a consultancy."""
    return record_disclosure(
        person,
        relationships=[Relationship(COMPANY, RelationshipNature.CONSULTANT)],
        signed_name=person.name,
    ).relationships.get()


def test_a_disclosure_and_its_review_show_at_the_next_request(client, path):
    before = page_text(client, path)
    assert COMPANY not in before and PAUSED not in before

    relationship = discloses(author_of(path))
    after = page_text(client, path)
    assert f"{COMPANY}: Consultant (not yet reviewed for relevance)" in after
    assert PAUSED in after

    for step in path_steps(path):
        record_decision(
            step.guide,
            relationship,
            relevant=True,
            mitigation=MitigationMethod.PEER_REVIEW,
            reason="Reviewed by a planner with no relationships.",
            decided_by=None,
        )
    reviewed = page_text(client, path)
    assert f"{COMPANY}: Consultant" in reviewed
    assert "not yet reviewed" not in reviewed
    assert "All relevant financial relationships have been mitigated." in reviewed
    assert PAUSED not in reviewed


def test_the_institution_s_new_contact_shows_at_the_next_request(client, path):
    institution = path.institution
    assert institution.contact_email in page_text(client, path)
    institution.contact_email = "cme-questions@example.org"
    institution.save(update_fields=["contact_email"])
    assert "cme-questions@example.org" in page_text(client, path)


def test_a_step_guide_taken_offline_pauses_credit_at_the_next_request(client, path):
    assert "Credit paused" not in page_text(client, path)
    path_steps(path)[1].guide.unpublish()
    assert "Credit paused" in page_text(client, path)


def test_commercial_support_added_to_the_path_shows_at_the_next_request(client, path):
    assert "This activity received no commercial support." in page_text(client, path)
    PathCommercialSupport.objects.create(
        page=path, company="Acme Pharma", kind=SupportKind.MONETARY
    )
    assert "Acme Pharma" in page_text(client, path)


def test_a_new_planner_shows_at_the_next_request(client, path):
    assert "Casey Planner" not in page_text(client, path)
    PathContributor.objects.create(
        page=path,
        person=MentorFactory(name="Casey Planner"),
        role=PathContributorRole.PLANNER,
        sort_order=9,
    )
    assert "Casey Planner, MD — Planner" in page_text(client, path)


def test_a_repeat_reads_the_cache_and_shows_the_same_page(client, path):
    snapshot.invalidate()
    with CaptureQueriesContext(connection) as first:
        first_text = page_text(client, path)
    with CaptureQueriesContext(connection) as repeat:
        repeat_text = page_text(client, path)
    assert repeat_text == first_text
    sql_read = [q["sql"] for q in repeat.captured_queries]
    assert not [sql for sql in sql_read if "cms_disclosure" in sql]
    assert not [sql for sql in sql_read if "learning_pathstep" in sql]
    assert len(repeat.captured_queries) < len(first.captured_queries)


def test_a_step_guide_retitled_and_moved_shows_at_the_next_request(client, path):
    """The steps come from the cache too: a guide's new title and address
    (published by its editor) are on the path page at the next request."""
    guide = path_steps(path)[0].guide.specific
    assert guide.title in page_text(client, path)
    guide.title = "Sepsis in the first hour: what to do before the labs"
    guide.slug = "sepsis-first-hour"
    guide.save_revision().publish()
    response = client.get(path.url)
    text = page_text(client, path)
    assert "Sepsis in the first hour: what to do before the labs" in text
    assert f'href="/guides/sepsis-first-hour/?path={path.slug}"' in response.content.decode()


def test_a_step_removed_from_the_path_leaves_at_the_next_request(client, path):
    """The path republished (a new live revision: a new cache key)."""
    removed = path_steps(path)[-1].guide
    assert removed.title in page_text(client, path)
    path = type(path).objects.get(pk=path.pk)
    path.steps.remove(path.steps.get(guide=removed))
    path.save_revision().publish()
    assert removed.title not in page_text(client, path)


def test_an_answer_stored_under_an_older_generation_is_never_served(path):
    """The race the generation token closes: a request read the records just
    before a change committed and stored its answer afterwards, under the
    token it read. That answer is never served once the token has moved on."""
    guides = [step.guide for step in path_steps(path)]
    snapshot.invalidate()
    stale_generation = cache.get(snapshot.GENERATION_KEY)
    stale = snapshot.PathCompliance(
        availability=snapshot.compute(path, guides).availability,
        activity={"disclosure": "an answer from before the change"},
    )
    stored = snapshot.PathSnapshot(steps=path_steps(path)[:1], compliance=stale)
    cache.set(snapshot._key(path), (stale_generation, stored))
    # Still the current generation: served (so the test below can fail).
    assert read(path).compliance.activity == stale.activity
    assert len(read(path).steps) == 1

    snapshot.invalidate()  # the change commits
    fresh = read(path).compliance
    assert len(read(path).steps) == len(guides)
    assert fresh.activity != stale.activity
    assert fresh.activity["disclosure"].rows


def test_a_change_sets_a_new_generation_again_when_it_commits(
    path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        inside = None
        relationship = discloses(author_of(path))
        inside = cache.get(snapshot.GENERATION_KEY)
    assert relationship.pk and callbacks
    assert cache.get(snapshot.GENERATION_KEY) != inside


def test_a_preview_is_worked_out_every_time(path):
    read(path)  # cached for the live page
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            read(path, live=False)
        assert any("cms_disclosure" in q["sql"] for q in ctx.captured_queries)
        assert any("learning_pathstep" in q["sql"] for q in ctx.captured_queries)


def test_every_model_the_answers_read_invalidates_them():
    """The computation on a path with every kind of record (contributors,
    commercial support, authors with disclosures, relationships and decisions,
    the institution) reads only tables whose changes set a new generation."""
    authors = [MentorFactory() for _ in range(2)]
    guides = [GuidePageFactory(slug=f"covered-{i}", authors=[a]) for i, a in enumerate(authors)]
    path = LearningPathPageFactory(slug="covered", steps=guides)
    PathCommercialSupport.objects.create(page=path, company="Acme", kind=SupportKind.IN_KIND)
    relationship = discloses(authors[0])
    record_decision(
        guides[0], relationship, relevant=False, mitigation="", reason="Unrelated.", decided_by=None
    )
    path = type(path).objects.get(pk=path.pk)

    with CaptureQueriesContext(connection) as ctx:
        answer = read(path, live=False)  # the steps as the page reads them, and the answers
    assert answer.compliance.activity["disclosure"].rows
    assert [step.guide for step in answer.steps] == guides

    tables = set()
    for query in ctx.captured_queries:
        tables |= set(re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"]))
    covered = {model._meta.db_table for model in snapshot.invalidating_models()}
    # Pages: covered by publish, unpublish and move, and by their own saves.
    covered.add(Page._meta.db_table)
    assert "learning_pathstep" in tables, "the steps were not read?"
    assert tables <= covered, f"not invalidating: {sorted(tables - covered)}"
    for model in snapshot.invalidating_models():
        assert post_save.has_listeners(model), model


def test_an_answer_cached_by_another_shape_version_is_not_read(path, monkeypatch):
    """After a deploy that changed what is cached (a raised SHAPE_VERSION), an
    answer the old code stored for the same path, revision and day is not read."""
    guides = [step.guide for step in path_steps(path)]
    read(path)
    old = snapshot.PathCompliance(
        availability=snapshot.compute(path, guides).availability,
        activity={"disclosure": "pickled by the previous release"},
    )
    token = cache.get(snapshot.GENERATION_KEY)
    stored = snapshot.PathSnapshot(steps=path_steps(path), compliance=old)
    cache.set(snapshot._key(path), (token, stored))
    assert read(path).compliance.activity == old.activity
    monkeypatch.setattr(snapshot, "SHAPE_VERSION", snapshot.SHAPE_VERSION + 1)
    assert read(path).compliance.activity != old.activity
