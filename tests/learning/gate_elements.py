"""The elements of issue #12's publish gate matrix
(``test_publish_gate_matrix``): each function breaks exactly one requirement of
``learning.compliance.gate.path_problems`` on an otherwise compliant path (its
fields in memory; its steps' guides, its people or its institution in the
database) and returns the words the refusal must contain. ``keep`` then saves
the path as stored data.

The first 22 are the ones issue #12 lists; the last three (pass mark, a step
without authors, a person without credentials) are the rule's other checks.
Two requirements cannot be broken alone:

* a review more than 3 years ago is written straight into the row (the editor
  refuses such dates, ``review_long_ago``); the termination date, still ahead,
  is then more than 3 years after release and review, which the rule reports
  too (``TWO_PROBLEMS``);
* "a relevant relationship not mitigated" cannot be stored at all (the service
  and a database constraint refuse a relevant decision without its
  mitigation). The element is the state that can exist: a relationship judged
  relevant and mitigated on the other steps but never judged on this one
  (decisions are per content).
"""

import datetime
import decimal
from collections.abc import Callable

from cms.choices import MitigationMethod, RelationshipNature
from cms.disclosures import Relationship, record_decision, record_disclosure
from cms.models import GuideAuthor
from learning.compliance.statements import CLAIM_SENTENCE, DESIGNATION_NAME
from learning.journey.progress import path_steps
from learning.models import LearningPathPage
from tests.cms.test_workflow import sign_disclosure

from .gate_helpers import unpublished_step
from .test_credit_paused import author_of, review_long_ago

CREDIT = "A path with credit"
COMPANY = "Acme Pharma"

ELEMENTS: dict[str, Callable[[LearningPathPage], list[str]]] = {}
TWO_PROBLEMS = {"review_more_than_3_years_ago"}  # see the module docstring


def element(breaks):
    """Register ``breaks(path) -> words`` under its name, in this order."""
    ELEMENTS[breaks.__name__] = breaks
    return breaks


@element
def no_objectives(path):
    path.objectives = []
    return [f"{CREDIT} needs at least one learning objective."]


@element
def no_target_audience(path):
    path.target_audience = ""
    return [f"{CREDIT} needs a target audience."]


@element
def no_estimated_time(path):
    path.estimated_minutes = None
    return [f"{CREDIT} needs the estimated time to complete it."]


@element
def credits_more_than_hours(path):
    path.estimated_minutes = 60  # 1.5 credits in an hour
    return ["offers 1.5 credits", "credits may not exceed the estimated time in hours."]


@element
def credits_not_in_quarters(path):
    path.max_credits = decimal.Decimal("1.30")
    return ["Credits are given in quarter credits (0.25, 0.5, 0.75...)."]


@element
def no_post_test(path):
    path.post_test = []
    return [f"{CREDIT} needs a post-test with at least one question."]


@element
def no_evaluation(path):
    path.evaluation = []
    return [f"{CREDIT} needs an evaluation with at least one question."]


@element
def no_hardware_software(path):
    path.hardware_software = ""
    return [f"{CREDIT} needs its hardware and software requirements."]


@element
def no_review_date(path):
    path.last_reviewed = None
    path.termination_date = path.latest_termination()  # 3 years from release
    return [f"{CREDIT} needs the date of its most recent review."]


@element
def review_more_than_3_years_ago(path):
    review_long_ago(path)
    return [f"{path.last_reviewed:%-d %B %Y}, more than 3 years ago: review it"]


@element
def termination_more_than_3_years_on(path):
    latest = path.latest_termination()
    path.termination_date = latest + datetime.timedelta(days=1)
    return [
        "may run at most 3 years from its release or last review: the latest termination "
        f"date is {latest:%-d %B %Y}."
    ]


@element
def no_steps(path):
    path.steps = []
    return [f"{CREDIT} needs at least one step."]


@element
def step_guide_not_live(path):
    return [unpublished_step(path)]


@element
def no_planner(path):
    path.contributors = []
    return [f"{CREDIT} names at least one planner"]


@element
def author_disclosure_expired(path):
    author = author_of(path)
    sign_disclosure(author, days_ago=400)
    return [
        f"{author.display_name}'s disclosure of financial relationships was signed on",
        "A new disclosure is needed (disclosures last 12 months).",
    ]


def planner_discloses(path, nature):
    planner = path.contributors.get().person
    record_disclosure(
        planner, relationships=[Relationship(COMPANY, nature)], signed_name=planner.name
    )
    return planner


@element
def planner_relationship_not_reviewed(path):
    planner = planner_discloses(path, RelationshipNature.CONSULTANT)
    return [
        f"{planner.display_name}'s relationship with {COMPANY} (consultant) has not been "
        "reviewed for relevance"
    ]


@element
def relevant_relationship_mitigated_on_other_steps_only(path):
    author = author_of(path)
    disclosure = record_disclosure(
        author,
        relationships=[Relationship(COMPANY, RelationshipNature.SPEAKER)],
        signed_name=author.name,
    )
    relationship = disclosure.relationships.get()
    first, second, third = (step.guide for step in path_steps(path))
    for guide in (first, third):
        record_decision(
            guide,
            relationship,
            relevant=True,
            mitigation=MitigationMethod.PEER_REVIEW,
            reason="Peer reviewed by a colleague with no relationships.",
            decided_by=None,
        )
    return [
        f"relationship with {COMPANY} (speaker) has not been reviewed for relevance to "
        f"'{second.title}'"
    ]


@element
def owner_or_employee_without_exception(path):
    planner = planner_discloses(path, RelationshipNature.EMPLOYEE)
    return [
        f"{planner.display_name} is an owner or employee of an ineligible company ({COMPANY})",
        "three Standard 3 exceptions",
    ]


def change_institution(path, **fields):
    institution = path.institution
    for name, value in fields.items():
        setattr(institution, name, value)
    institution.save(update_fields=list(fields))
    return institution


@element
def institution_without_contact(path):
    institution = change_institution(path, contact_email="", contact_phone="")
    return [f"{institution.name} has no contact e-mail or phone for learners' questions."]


@element
def accreditation_statement_not_naming_provider(path):
    institution = change_institution(
        path,
        accreditation_statement="This office is accredited by the Accreditation Council for "
        "Continuing Medical Education (ACCME) to provide continuing medical education.",
    )
    return [f"The accreditation statement must name the provider, '{institution.name}'."]


@element
def designation_without_exact_credit_name(path):
    statement = path.institution.credit_designation_statement
    change_institution(
        path,
        credit_designation_statement=statement.replace(
            DESIGNATION_NAME, "AMA PRA Category 1 Credit(s)"
        ),
    )
    return [f"must use exactly '{DESIGNATION_NAME}' (with the ™)."]


@element
def designation_without_claim_sentence(path):
    statement = path.institution.credit_designation_statement
    change_institution(path, credit_designation_statement=statement.replace(CLAIM_SENTENCE, ""))
    return [f"The credit designation statement must end: '{CLAIM_SENTENCE}'"]


@element
def no_pass_mark(path):
    path.pass_mark = 0
    return [f"{CREDIT} needs a pass mark for its post-test."]


@element
def step_without_author(path):
    guide = path_steps(path)[0].guide
    GuideAuthor.objects.filter(page=guide).delete()
    return [f"Step 1, '{guide.title}', names no author"]


@element
def author_without_credentials(path):
    author = author_of(path)
    author.credentials = ""
    author.save(update_fields=["credentials"])
    return [f"{author.name} has no credentials recorded"]


def compliant(path):
    return []


def keep(path):
    """The path as stored data: its row and a new latest (draft) revision."""
    path.save(clean=False)
    return path.save_revision(clean=False)
