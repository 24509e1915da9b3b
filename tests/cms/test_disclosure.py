"""The disclosure block a reader sees before a guide's content (ACCME
Standard 3): every author with their role and credentials, the relationships
that are relevant or not yet judged, and the mitigation statement only when
a mitigation is recorded for every one of them."""

import datetime
import re

from django.utils import timezone

import pytest

from cms.choices import MitigationMethod
from cms.disclosures import Relationship, record_decision, record_disclosure
from cms.models import Topic
from cms.rules import disclosure_problems
from tests.factories import GuidePageFactory, MentorFactory, UserFactory, body_json

pytestmark = pytest.mark.django_db

MITIGATED = "All relevant financial relationships have been mitigated."
PENDING = "(not yet reviewed for relevance)"


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def cme_reviewer(db):
    return UserFactory(username="cme-reviewer", reviewer=True)


def decide(page, mentor, company, reviewer, relevant=True):
    [rel] = [r for r in mentor.current_disclosure.relationship_list if r.company == company]
    return record_decision(
        page,
        rel,
        relevant=relevant,
        mitigation=MitigationMethod.PEER_REVIEW if relevant else "",
        reason="Reviewed against the guide's recommendations.",
        decided_by=reviewer,
    )


def html_of(client, guide):
    response = client.get(guide.url)
    assert response.status_code == 200
    return response.content.decode()


def text_of(client, guide):
    """The page as a reader reads it: no markup, single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of(client, guide))).replace(" .", ".")


def test_mitigation_statement_appears_only_once_mitigation_is_recorded(client, cme_reviewer):
    mentor = MentorFactory(
        name="Priya Test", credentials="MD", relationships=[("Meridian Devices", "advisor")]
    )
    guide = GuidePageFactory(authors=[mentor])

    html = text_of(client, guide)
    assert "Meridian Devices: Advisor" in html
    assert PENDING in html
    assert MITIGATED not in html

    decide(guide, mentor, "Meridian Devices", cme_reviewer)
    html = text_of(client, guide)
    assert "Meridian Devices: Advisor" in html
    assert PENDING not in html
    assert MITIGATED in html


def test_statement_needs_every_shown_relationship_mitigated(client, cme_reviewer):
    first = MentorFactory(name="Ada First", relationships=[("Acme Pharma", "consultant")])
    second = MentorFactory(name="Bo Second", relationships=[("Beta Devices", "speaker")])
    guide = GuidePageFactory(authors=[first, second])

    decide(guide, first, "Acme Pharma", cme_reviewer)
    html = text_of(client, guide)
    assert "Acme Pharma: Consultant" in html
    assert "Beta Devices: Speaker " + PENDING in html  # undecided: shown all the same
    assert MITIGATED not in html

    decide(guide, second, "Beta Devices", cme_reviewer)
    assert MITIGATED in text_of(client, guide)


def test_relationship_judged_not_relevant_is_not_shown(client, cme_reviewer):
    mentor = MentorFactory(name="Noor Judged", relationships=[("Gamma Labs", "stock")])
    guide = GuidePageFactory(authors=[mentor])
    decide(guide, mentor, "Gamma Labs", cme_reviewer, relevant=False)
    html = text_of(client, guide)
    assert "Gamma Labs" not in html
    assert "Noor Judged has no relevant financial relationships with ineligible companies." in (
        html
    )
    assert MITIGATED not in html  # nothing was mitigated: nothing to claim


def test_decision_on_another_guide_does_not_count_here(client, cme_reviewer):
    mentor = MentorFactory(name="Ira Two", relationships=[("Acme Pharma", "consultant")])
    here, elsewhere = GuidePageFactory(authors=[mentor]), GuidePageFactory(authors=[mentor])
    decide(elsewhere, mentor, "Acme Pharma", cme_reviewer, relevant=False)
    html = text_of(client, here)
    assert "Acme Pharma: Consultant " + PENDING in html


def test_author_with_none_to_disclose_role_and_credentials(client):
    mentor = MentorFactory(name="Noah None", credentials="DO")
    guide = GuidePageFactory(authors=[mentor])
    assert "<strong>Noah None, DO</strong>" in html_of(client, guide)
    html = text_of(client, guide)
    assert "— Faculty (author)" in html
    assert "Noah None has no relevant financial relationships with ineligible companies." in html
    assert "mitigated" not in html
    assert "This guide received no commercial support." in html


def test_expired_or_missing_disclosure_is_shown_honestly(client):
    stale = MentorFactory(
        name="Sam Stale", disclosure_date=days_ago(400), relationships=[("Acme", "consultant")]
    )
    never = MentorFactory(name="Nia Never", disclosure_date=None)
    guide = GuidePageFactory(authors=[stale, never])
    html = text_of(client, guide)
    signed = days_ago(400)
    expired = signed + datetime.timedelta(days=365)
    assert (
        f"Sam Stale has not provided a current disclosure: the last one, signed "
        f"{signed:%-d %B %Y}, expired on {expired:%-d %B %Y}. It listed:" in html
    )
    assert "Acme: Consultant" in html  # what is known is still told
    assert "Nia Never has not provided a disclosure of financial relationships." in html


def test_expired_disclosure_withholds_the_mitigation_statement(client, cme_reviewer):
    mentor = MentorFactory(
        name="Old Mitigated", disclosure_date=days_ago(400), relationships=[("Acme", "advisor")]
    )
    guide = GuidePageFactory(authors=[mentor])
    decide(guide, mentor, "Acme", cme_reviewer)
    assert MITIGATED not in text_of(client, guide)


def test_block_comes_before_the_guide_body(client):
    guide = GuidePageFactory(
        authors=[MentorFactory()], body=body_json(["The first line of the body."])
    )
    html = html_of(client, guide)
    assert html.index('id="disclosure-heading"') < html.index('id="objectives-heading"')
    assert html.index('id="disclosure-heading"') < html.index("The first line of the body.")


def test_a_new_disclosure_shows_without_a_new_revision(client, cme_reviewer):
    """The body is cached per live revision; the disclosure block is not."""
    mentor = MentorFactory(name="Rene Renewed")
    guide = GuidePageFactory(authors=[mentor], body=body_json(["Cached body text."]))
    assert "Rene Renewed has no relevant" in text_of(client, guide)

    record_disclosure(
        mentor,
        relationships=[Relationship("Delta Medical", "researcher")],
        signed_name=mentor.name,
    )
    html = text_of(client, guide)
    assert "Cached body text." in html
    assert "Delta Medical: Researcher " + PENDING in html
    decide(guide, mentor, "Delta Medical", cme_reviewer)
    assert MITIGATED in text_of(client, guide)


def test_profile_lists_every_relationship_and_claims_no_mitigation(client, cme_reviewer):
    """Relevance is decided per guide and path, so a profile shows the whole
    disclosure and leaves relevance and mitigation to those pages."""
    mentor = MentorFactory(
        name="Lee Profile", relationships=[("Acme Pharma", "consultant"), ("Gamma Labs", "stock")]
    )
    guide = GuidePageFactory(authors=[mentor])
    decide(guide, mentor, "Acme Pharma", cme_reviewer)
    decide(guide, mentor, "Gamma Labs", cme_reviewer, relevant=False)
    response = client.get(mentor.get_absolute_url())
    html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    assert "Acme Pharma: Consultant" in html
    assert "Gamma Labs: Individual stocks or stock options" in html
    assert "have been mitigated" not in html


def test_twelve_month_rule_boundary():
    today = timezone.localdate()
    current = MentorFactory(disclosure_date=today - datetime.timedelta(days=365))
    stale = MentorFactory(disclosure_date=today - datetime.timedelta(days=366))
    never = MentorFactory(disclosure_date=None)
    assert disclosure_problems(Topic.CLINICAL, [current], on=today) == []
    [problem] = disclosure_problems(Topic.CLINICAL, [stale], on=today)
    assert "expired" in problem and stale.name in problem
    [problem] = disclosure_problems(Topic.CLINICAL, [never], on=today)
    assert "has not given a disclosure" in problem


@pytest.mark.parametrize("topic", [Topic.CAREER, Topic.PRACTICE])
def test_career_and_practice_guides_are_exempt(topic):
    stale = MentorFactory(disclosure_date=days_ago(800))
    assert disclosure_problems(topic, [stale]) == []
