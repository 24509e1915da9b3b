"""Every problem that would make PARS reject a row is found before the batch,
with a plain message and a link to where it is fixed; learners without
consent are listed, never exported; "ask the learner" e-mails them."""

from decimal import Decimal

from django.core import mail
from django.urls import reverse

import pytest

from cms.site_url import absolute_url
from learning.models import Certificate
from learning.reporting.batches import preview

from .report_fixtures import add_moc, certify, learner, reporting_institution, reporting_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    institution, staff = reporting_institution()
    return institution, staff, reporting_path(institution)


def problems(institution, body="CME"):
    return [(p.field, p.message, p.fix_url) for p in preview(institution, body).problems]


def ask(certificate):
    return reverse("learning_report_ask", args=[certificate.pk])


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        ({"first": ""}, "first_name", "First name missing: PARS matches learners by name."),
        ({"last": ""}, "last_name", "Last name missing: PARS matches learners by name."),
        ({"birth": None}, "birth_date", "Birth month and day missing: PARS asks for both."),
        ({"birth": (2, 30)}, "birth_date", "Birth date 02/30 is not a real date."),
        (
            {"npi": "1234567890"},
            "npi",
            "NPI 1234567890: This is not a valid NPI: its check digit does not match. "
            "Please check the number.",
        ),
        (
            {"npi": "", "consents": ("pars",)},
            "identifier",
            "No NPI and no state licence the learner agreed to report to: a state board "
            "cannot match this completion.",
        ),
    ],
)
def test_learner_problems(office, details, field, message):
    institution, staff, path = office
    certificate = certify(learner("doctor-a", **details), path)
    assert problems(institution) == [(field, message, ask(certificate))]
    assert preview(institution, "CME").adds == []


def test_leap_day_is_a_birth_date(office):
    institution, staff, path = office
    certify(learner("doctor-a", birth=(2, 29)), path)
    assert problems(institution) == []


@pytest.mark.parametrize(
    ("board_id", "message"),
    [("", "ABIM ID missing."), ("12-34", "ABIM ID 12-34 is not your 6-digit ABIM ID.")],
)
def test_board_id_problems(office, board_id, message):
    institution, staff, path = office
    certificate = certify(learner("doctor-a", boards=()), path)
    add_moc(certificate, board_id=board_id)
    if board_id:
        # The learner's board certification (what they can correct) comes first.
        from learning.models import BoardCertification

        BoardCertification.objects.create(
            profile=certificate.user.learner_profile, board="ABIM", board_id=board_id
        )
    assert problems(institution, "ABIM") == [("board_id", message, ask(certificate))]


def test_credit_problems_link_to_what_can_fix_them(office):
    """A reissue keeps the credits: credit problems never link to it."""
    institution, staff, path = office
    certificate = certify(learner("doctor-a"), path, "1.5")
    Certificate.objects.filter(pk=certificate.pk).update(credits=Decimal("1.3"))
    path.max_credits = Decimal("1.25")
    path.save()
    revoke = reverse("learning_revoke_certificate", args=[certificate.pk])
    edit_path = reverse("wagtailadmin_pages:edit", args=[path.pk])
    found = [(field, url) for field, _, url in problems(institution)]
    assert found == [("credits", revoke), ("credits", edit_path)]
    messages = [message for _, message, _ in problems(institution)]
    assert messages[0].startswith("1.30 credits: PARS takes quarter credits (0.25, 0.5...).")
    # The claim was made under a maximum of 1.50: the path's was lowered since.
    assert messages[1].startswith("1.30 credits, above the path's maximum of 1.25: it was 1.50")
    assert all("A reissue keeps the credits" in message for message in messages)


def test_path_and_institution_problems(office):
    institution, staff, path = office
    certify(learner("doctor-a"), path)
    certify(learner("doctor-b", "Sam", "Ortiz"), path)
    path.accme_activity_id = ""
    path.save()
    institution.accme_provider_id = ""
    institution.save()
    assert problems(institution) == [
        (
            "provider_id",
            "Alderbank CME Office has no ACCME provider ID: nothing can be reported.",
            f"/admin/snippets/cms/institution/edit/{institution.pk}/",
        ),
        (
            "activity_id",
            "“Recognising sepsis” has no ACCME activity ID: its completions cannot be reported.",
            f"/admin/pages/{path.pk}/edit/",
        ),
    ]


def test_validation_page_lists_rows_problems_and_learners_without_consent(client, office):
    institution, staff, path = office
    certify(learner("doctor-a"), path)
    certify(learner("doctor-b", "Sam", "", email="sam@example.com"), path)
    certify(learner("doctor-s", "Shy", "Sato", consents=()), path)
    client.force_login(staff)
    url = f"/admin/cme-reports/batches/new/?institution={institution.pk}&body=CME"
    html = client.get(url).content.decode()
    assert "Rows to add (1) and to delete (0)" in html
    assert "Maya Chen" in html
    assert "Last name missing: PARS matches learners by name." in html
    assert "Left out: no consent (1)" in html and "Shy Sato" in html
    assert "Make batch with these 1 rows" in html


def test_ask_the_learner_emails_what_to_fix(client, office):
    institution, staff, path = office
    certificate = certify(learner("doctor-b", "Sam", "", birth=None, consents=()), path)
    client.force_login(staff)
    back = f"/admin/cme-reports/batches/new/?institution={institution.pk}&body=CME"
    response = client.post(ask(certificate), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    (message,) = mail.outbox
    assert message.to == ["doctor-b@example.com"]
    assert "You have not agreed to have your CME credit reported to ACCME's PARS." in message.body
    assert "Last name missing" in message.body and "Birth month and day missing" in message.body
    assert absolute_url("/me/profile/reporting/") + "\n" in message.body
    # Off-site "next" is ignored.
    response = client.post(ask(certificate), {"next": "https://evil.example/"})
    assert response["Location"] == "/admin/cme-reports/batches/"


def test_ask_is_for_the_certificates_institution_only(client, office):
    institution, staff, path = office
    certificate = certify(learner("doctor-b", "Sam", ""), path)
    other, other_staff = reporting_institution("Birchfield CME Office", "birchfield", "0054321")
    client.force_login(other_staff)
    assert client.post(ask(certificate)).status_code == 404
    client.force_login(staff)
    assert client.get(ask(certificate)).status_code == 405
    assert not mail.outbox
