"""Twenty-seventh review of the journey: four suspected defects, each shown
here by what a learner or a CME office would meet.

1. "Mark complete" is recorded only from the step page, where the activity's
   disclosure (commercial support, planners and reviewers: ACCME Standards 3.5
   and 5) is shown; a guide read on its own links to that page instead.
2. ``claim_credit`` itself refuses a claim while a step of the path is not
   complete (a step added after the learner's post-test), not only the view.
3. A claim extension has an upper bound: at most a year after the day it is
   granted, refused with a clear error by the service and the staff form.

(The fourth, what a reissued certificate names, is in
test_review_certificates_27.py.)"""

import datetime
import re

from django.utils import timezone

import pytest

from learning.exceptions import NotAvailableYet
from learning.journey import progress, services
from learning.journey.extensions import ExtensionError, grant_extension
from learning.models import (
    ClaimExtension,
    CreditClaim,
    Enrolment,
    PathCommercialSupport,
    PathStep,
    StepCompletion,
    SupportKind,
)
from tests.factories import (
    GuidePageFactory,
    InstitutionStaffFactory,
    LearningPathPageFactory,
    MentorFactory,
)

from .test_credit_paused import up_to_the_claim

pytestmark = pytest.mark.django_db

EXTENSIONS_URL = "/admin/cme-reports/extensions/"
MAX_EXTENSION_DAYS = 365  # an extension ends at most a year after the day it is granted


# --- 1. Mark complete only where the activity's disclosure is shown ----------------------


@pytest.fixture
def supported_path():
    planner = MentorFactory(name="Pat Okonkwo", credentials="MD", in_directory=False)
    path = LearningPathPageFactory(slug="sepsis-hour", steps=2, planners=[planner])
    PathCommercialSupport.objects.create(
        page=path, company="Acme Diagnostics", kind=SupportKind.MONETARY, sort_order=0
    )
    return path


def _first_guide(path):
    return progress.path_steps(path)[0].guide


def _complete_url(path, guide):
    return f"{path.url}steps/{guide.pk}/complete/"


def _token_on(html):
    """The hidden field the step page's "Mark complete" form posts."""
    match = re.search(r'name="disclosure" value="([^"]+)"', html)
    assert match, "no disclosure field in the mark-complete form"
    return match.group(1)


def test_a_guide_read_on_its_own_does_not_offer_mark_complete(client, learner, supported_path):
    services.enrol(learner, supported_path)
    client.force_login(learner)
    guide = _first_guide(supported_path)

    html = client.get(guide.url).content.decode()

    # This page shows the guide's own disclosure, not the activity's ...
    assert "Acme Diagnostics" not in html and "Pat Okonkwo" not in html
    # ... so it does not record the step: it sends the learner to the step page.
    assert _complete_url(supported_path, guide) not in html
    assert "Mark complete" not in html
    assert f'href="{guide.url}?path={supported_path.slug}">Read it as step 1 of 2' in html


def test_mark_complete_posted_from_anywhere_but_the_step_page_is_refused(
    client, learner, supported_path
):
    services.enrol(learner, supported_path)
    client.force_login(learner)
    guide = _first_guide(supported_path)

    response = client.post(_complete_url(supported_path, guide), follow=True)

    assert not StepCompletion.objects.exists()
    step_page = f"{guide.url}?path={supported_path.slug}"
    assert response.redirect_chain[-1][0] == step_page
    html = response.content.decode()
    assert "read with the activity&#x27;s disclosure" in html
    # The step page it lands on shows the disclosure and the form that records the step.
    assert "Acme Diagnostics" in html
    assert f'action="{_complete_url(supported_path, guide)}"' in html


def test_mark_complete_from_the_step_page_records_the_step(client, learner, supported_path):
    services.enrol(learner, supported_path)
    client.force_login(learner)
    guide = _first_guide(supported_path)
    html = client.get(f"{guide.url}?path={supported_path.slug}").content.decode()
    assert "Acme Diagnostics" in html

    response = client.post(_complete_url(supported_path, guide), {"disclosure": _token_on(html)})

    assert response.status_code == 302
    assert StepCompletion.objects.filter(guide=guide, enrolment__user=learner).exists()


def test_the_step_pages_proof_is_for_that_learner_and_that_step_only(
    client, learner, other_learner, supported_path
):
    first, second = (step.guide for step in progress.path_steps(supported_path))
    for user in (learner, other_learner):
        services.enrol(user, supported_path)
    client.force_login(other_learner)
    others = _token_on(client.get(f"{first.url}?path={supported_path.slug}").content.decode())
    client.force_login(learner)
    mine = _token_on(client.get(f"{first.url}?path={supported_path.slug}").content.decode())

    client.post(_complete_url(supported_path, first), {"disclosure": others})
    client.post(_complete_url(supported_path, second), {"disclosure": mine})

    assert not StepCompletion.objects.exists()


# --- 2. The claim service requires every step -------------------------------------------


def test_claim_credit_refuses_a_path_with_a_step_not_complete(learner, path):
    up_to_the_claim(learner, path)
    # The provider adds a step after the learner's post-test and evaluation.
    PathStep.objects.create(
        page=path,
        guide=GuidePageFactory(title="New step", authors=[MentorFactory()]),
        sort_order=99,
    )

    # Called directly (an admin action, a task, an API), not through the claim page.
    with pytest.raises(NotAvailableYet, match="every step"):
        services.claim_credit(learner, path, "1", True)

    assert not CreditClaim.objects.exists()
    assert Enrolment.objects.get(user=learner, path=path).completed_at is None


def test_claim_credit_accepts_once_the_new_step_is_complete(learner, path):
    up_to_the_claim(learner, path)
    guide = GuidePageFactory(title="New step", authors=[MentorFactory()])
    PathStep.objects.create(page=path, guide=guide, sort_order=99)
    services.complete_step(learner, path, guide.pk)

    claim, created = services.claim_credit(learner, path, "1", True)

    assert created and claim.certificates.exists()


# --- 3. An extension has an upper bound -------------------------------------------------


@pytest.fixture
def staff(path):
    user = InstitutionStaffFactory(username="staff-a")
    path.institution.staff.add(user)
    return user


def test_an_extension_years_ahead_is_refused(learner, path, staff):
    up_to_the_claim(learner, path)
    enrolment = Enrolment.objects.get(user=learner, path=path)
    too_late = timezone.localdate() + datetime.timedelta(days=MAX_EXTENSION_DAYS + 1)

    with pytest.raises(ExtensionError, match="at most a year"):
        grant_extension(enrolment, too_late, "Typed 2099 for 2029.", staff)
    with pytest.raises(ExtensionError, match="at most a year"):
        grant_extension(enrolment, datetime.date(2099, 12, 31), "Indefinitely.", staff)

    assert not ClaimExtension.objects.exists()
    last = timezone.localdate() + datetime.timedelta(days=MAX_EXTENSION_DAYS)
    assert grant_extension(enrolment, last, "A year, the most.", staff).until == last


def test_the_staff_form_says_why_an_extension_too_far_ahead_is_refused(
    client, learner, path, staff
):
    up_to_the_claim(learner, path)
    client.force_login(staff)
    too_late = timezone.localdate() + datetime.timedelta(days=3 * 365)

    response = client.post(
        EXTENSIONS_URL,
        {
            "path": path.pk,
            "learner": "doctor-a",
            "until": too_late.isoformat(),
            "reason": "Asked for more time.",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    latest = timezone.localdate() + datetime.timedelta(days=MAX_EXTENSION_DAYS)
    assert f"at most a year after today: {latest:%-d %B %Y} at the latest" in html
    assert not ClaimExtension.objects.exists()
