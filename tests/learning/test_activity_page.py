"""The activity (path) page tells a learner everything before enrolment
(AMA enduring-material and ACCME Standards 3 and 5 items): each element is
checked with its real value, in the part of the page where it belongs."""

import datetime
import re
from decimal import Decimal

from django.utils import timezone

import pytest

from cms.choices import MitigationMethod
from cms.disclosures import record_decision
from learning.models import (
    PathCommercialSupport,
    PathContributor,
    PathContributorRole,
    PathStep,
    SupportKind,
)
from learning.models.pages import DEFAULT_REQUIREMENTS
from tests.factories import (
    GuidePageFactory,
    InstitutionFactory,
    LearningPathPageFactory,
    MentorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MITIGATED = "All relevant financial relationships have been mitigated."
TODAY = timezone.localdate()
RELEASED = TODAY - datetime.timedelta(days=90)
REVIEWED = TODAY - datetime.timedelta(days=20)


def section(html, heading_id):
    """The text of the <section> whose heading has ``heading_id``."""
    start = html.index(f'id="{heading_id}"')
    start = html.rindex("<section", 0, start)
    return html[start : html.index("</section>", start)]


def squash(html):
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def faculty():
    return MentorFactory(name="Fay Faculty", credentials="MD, FACP")


@pytest.fixture
def activity(faculty):
    institution = InstitutionFactory(
        name="Riverside CME Office",
        slug="riverside",
        contact_email="cme@riverside.example.org",
        contact_phone="+1 555 0100",
    )
    guides = [
        GuidePageFactory(title=f"Sepsis step {i}", slug=f"sepsis-step-{i}", authors=[faculty])
        for i in range(1, 4)
    ]
    path = LearningPathPageFactory(
        title="Recognising sepsis",
        slug="sepsis",
        target_audience="Hospitalists and emergency physicians",
        estimated_minutes=150,
        release_date=RELEASED,
        last_reviewed=REVIEWED,
        max_credits=Decimal("1.50"),
        pass_mark=80,
        institution=institution,
        steps=guides,
        planners=[MentorFactory(name="Pat Planner", credentials="RN", in_directory=False)],
    )
    PathContributor.objects.create(
        page=path,
        person=MentorFactory(name="Rita Reviewer", credentials="PharmD", in_directory=False),
        role=PathContributorRole.REVIEWER,
        sort_order=1,
    )
    path.refresh_from_db()
    return path


def page_html(client, path):
    response = client.get(path.url)
    assert response.status_code == 200
    return squash(response.content.decode())


def test_objectives(client, activity):
    assert "Apply the approach" in section(page_html(client, activity), "objectives-heading")


def test_target_audience(client, activity):
    html = page_html(client, activity)
    assert "Target audience:</strong> Hospitalists and emergency physicians" in html


def test_faculty_with_credentials_role_and_disclosure(client, activity):
    block = section(page_html(client, activity), "disclosure-heading")
    assert "<strong>Fay Faculty, MD, FACP</strong>" in block
    assert "— Faculty (author)" in block
    assert "Fay Faculty has no relevant financial relationships with ineligible companies." in (
        block
    )
    assert block.count("Fay Faculty, MD, FACP") == 1  # one row for three guides


def test_planner_with_credentials_and_disclosure(client, activity):
    block = section(page_html(client, activity), "disclosure-heading")
    assert '<strong>Pat Planner, RN</strong> <span class="disclosure__roles">— Planner' in block
    assert "Pat Planner has no relevant financial relationships" in block


def test_reviewer_with_credentials_and_disclosure(client, activity):
    block = section(page_html(client, activity), "disclosure-heading")
    assert "<strong>Rita Reviewer, PharmD</strong>" in block
    assert "— CME reviewer" in block
    assert "Rita Reviewer has no relevant financial relationships" in block


def test_estimated_time(client, activity):
    dates = section(page_html(client, activity), "dates-heading")
    assert "<dt>Estimated time to complete</dt><dd>2 hours 30 minutes</dd>" in dates


def test_release_date(client, activity):
    dates = section(page_html(client, activity), "dates-heading")
    assert f'Release date</dt><dd><time datetime="{RELEASED:%Y-%m-%d}">{RELEASED:%-d %B %Y}' in (
        dates
    )


def test_most_recent_review_date(client, activity):
    dates = section(page_html(client, activity), "dates-heading")
    assert f'Most recent review</dt><dd><time datetime="{REVIEWED:%Y-%m-%d}">' in dates
    assert f"{REVIEWED:%-d %B %Y}" in dates


def test_termination_date(client, activity):
    dates = section(page_html(client, activity), "dates-heading")
    end = activity.termination_date
    assert end == activity.latest_termination()
    assert f'Termination date</dt><dd><time datetime="{end:%Y-%m-%d}">{end:%-d %B %Y}' in dates


def test_method_of_participation(client, activity):
    method = section(page_html(client, activity), "participation-heading")
    assert "<li>Read the 3 steps in order.</li>" in method
    assert "Take the post-test and score at least 80%." in method
    assert "<li>Complete the evaluation of the activity.</li>" in method
    assert "<li>Claim your credit and receive your certificate.</li>" in method
    assert "Other health professionals" in method and "certificate of participation" in method


def test_credit_designation_statement_in_italics(client, activity):
    credit = section(page_html(client, activity), "accreditation-heading")
    assert (
        "Riverside CME Office designates this enduring material for a maximum of 1.5 "
        "<em>AMA PRA Category 1 Credit(s)</em>™. Physicians should claim only the credit "
        "commensurate with the extent of their participation in the activity." in credit
    )


def test_accreditation_statement(client, activity):
    credit = section(page_html(client, activity), "accreditation-heading")
    assert (
        "Riverside CME Office is accredited by the Accreditation Council for Continuing "
        "Medical Education (ACCME) to provide continuing medical education for physicians."
        in credit
    )
    assert "joint providership" not in credit


def test_joint_providership_wording(client, activity):
    activity.joint_provider = "Northside Nurses Association"
    activity.save()
    credit = section(page_html(client, activity), "accreditation-heading")
    assert (
        "in accordance with the accreditation requirements and policies of the Accreditation "
        "Council for Continuing Medical Education (ACCME) through the joint providership of "
        "Riverside CME Office and Northside Nurses Association." in credit
    )


def test_hardware_and_software_requirements(client, activity):
    requirements = section(page_html(client, activity), "requirements-heading")
    assert DEFAULT_REQUIREMENTS in requirements


def test_no_commercial_support_is_said(client, activity):
    block = section(page_html(client, activity), "disclosure-heading")
    assert "This activity received no commercial support." in block


def test_commercial_support_named(client, activity):
    PathCommercialSupport.objects.create(
        page=activity, company="Acme Pharma", kind=SupportKind.MONETARY, sort_order=0
    )
    PathCommercialSupport.objects.create(
        page=activity, company="Beta Devices", kind=SupportKind.IN_KIND, sort_order=1
    )
    block = section(page_html(client, activity), "disclosure-heading")
    assert (
        "This activity received commercial support from: Acme Pharma, educational grant "
        "(monetary); Beta Devices, in-kind support." in block
    )


def test_privacy_policy_link(client, activity):
    questions = section(page_html(client, activity), "questions-heading")
    assert '<a href="/privacy/">privacy policy</a>' in questions
    assert client.get("/privacy/").status_code == 200


def test_contact_for_questions(client, activity):
    questions = section(page_html(client, activity), "questions-heading")
    assert "Questions about this activity: Riverside CME Office," in questions
    assert '<a href="mailto:cme@riverside.example.org">cme@riverside.example.org</a>' in questions
    assert '<a href="tel:+15550100">+1 555 0100</a>' in questions


def test_disclosure_comes_before_objectives_and_steps(client, activity):
    html = page_html(client, activity)
    disclosure = html.index('id="disclosure-heading"')
    assert disclosure < html.index('id="objectives-heading"')
    assert disclosure < html.index('id="steps-heading"')


def test_path_without_credit_shows_no_statements(client):
    path = LearningPathPageFactory(max_credits=Decimal("0"), institution=None, steps=2)
    html = page_html(client, path)
    assert 'id="accreditation-heading"' not in html
    assert "AMA PRA" not in html
    method = section(html, "participation-heading")
    assert "This path does not carry credit." in method
    assert "Claim" not in method
    # Still told: disclosures, requirements, privacy, and whom to ask.
    assert 'id="disclosure-heading"' in html
    assert DEFAULT_REQUIREMENTS in html
    assert 'Questions about this activity: <a href="mailto:' in section(html, "questions-heading")


class TestRelationshipsOnThePath:
    """Faculty relationships are decided per guide, planners' on the path."""

    @pytest.fixture
    def cme_reviewer(self):
        return UserFactory(username="cme-reviewer", reviewer=True)

    @pytest.fixture
    def conflicted(self, activity):
        planner = MentorFactory(
            name="Cora Conflict",
            credentials="MD",
            in_directory=False,
            relationships=[("Acme Pharma", "consultant"), ("Gamma Labs", "stock")],
        )
        PathContributor.objects.create(
            page=activity, person=planner, role=PathContributorRole.PLANNER, sort_order=2
        )
        return planner

    def decide(self, path, person, company, reviewer, relevant):
        [rel] = [r for r in person.current_disclosure.relationship_list if r.company == company]
        record_decision(
            path,
            rel,
            relevant=relevant,
            mitigation=MitigationMethod.EVIDENCE_CHECK if relevant else "",
            reason="Checked by the CME office.",
            decided_by=reviewer,
        )

    def test_undecided_relationships_are_shown(self, client, activity, conflicted):
        block = section(page_html(client, activity), "disclosure-heading")
        assert "Cora Conflict has the following financial relationships" in block
        assert "Acme Pharma: Consultant (not yet reviewed for relevance)" in squash(
            re.sub(r"<[^>]+>", "", block)
        )
        assert "Gamma Labs" in block
        assert MITIGATED not in block

    def test_not_relevant_is_hidden_and_statement_needs_every_one_mitigated(
        self, client, activity, conflicted, cme_reviewer
    ):
        self.decide(activity, conflicted, "Gamma Labs", cme_reviewer, relevant=False)
        block = section(page_html(client, activity), "disclosure-heading")
        assert "Gamma Labs" not in block
        assert "Acme Pharma" in block
        assert MITIGATED not in block  # Acme is still undecided

        self.decide(activity, conflicted, "Acme Pharma", cme_reviewer, relevant=True)
        block = section(page_html(client, activity), "disclosure-heading")
        assert "Acme Pharma: Consultant</li>" in block
        assert MITIGATED in block

    def test_faculty_decision_on_the_guide_counts_on_the_path(self, client, activity, cme_reviewer):
        author = MentorFactory(
            name="Gil Guide", credentials="MD", relationships=[("Delta Medical", "speaker")]
        )
        guide = GuidePageFactory(title="Sepsis step 4", slug="sepsis-step-4", authors=[author])
        PathStep.objects.create(page=activity, guide=guide, sort_order=4)
        block = section(page_html(client, activity), "disclosure-heading")
        assert "Delta Medical: Speaker" in block and MITIGATED not in block

        self.decide(guide, author, "Delta Medical", cme_reviewer, relevant=True)
        block = section(page_html(client, activity), "disclosure-heading")
        assert MITIGATED in block
