"""Reporting your credit (/me/profile/reporting/): licences, boards with their
IDs, and separate, dated, revocable consents. A learner touches only their own
rows; bad input is refused on the same page with what they typed."""

import datetime

from django.utils import timezone

import pytest

from learning.boards import ConsentScope
from learning.models import BoardCertification, LearnerProfile, ReportingConsent, StateLicence
from learning.reporting.consent import has_consent, set_consent

pytestmark = pytest.mark.django_db
URL = "/me/profile/reporting/"


def post(client, action, **data):
    return client.post(URL, {"action": action, **data})


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return learner.learner_profile


def test_profile_suggests_first_and_last_name_but_stores_nothing(client, learner):
    profile = learner.learner_profile
    profile.first_name = profile.last_name = ""
    profile.save()
    client.force_login(learner)
    html = client.get("/me/profile/").content.decode()
    assert 'value="Alice"' in html and 'value="Able"' in html
    assert URL in html
    profile.refresh_from_db()
    assert (profile.first_name, profile.last_name) == ("", "")


def test_licence_added_changed_and_removed_with_its_consent(client, signed_in):
    response = post(client, "licence-add", **{"licence-state": "OH", "licence-number": "35.1234"})
    assert response.status_code == 302 and response["Location"] == URL
    licence = StateLicence.objects.get(profile=signed_in)
    assert (licence.state, licence.number) == ("OH", "35.1234")
    html = client.get(URL).content.decode()
    assert "Ohio medical board" in html and "Ohio licence number" in html

    post(client, "consents", **{"consent-state-OH": "on"})
    assert has_consent(signed_in, ConsentScope.STATE, "OH")

    post(client, "licence-change", id=licence.pk, **{f"licence-{licence.pk}-number": "35.9"})
    licence.refresh_from_db()
    assert licence.number == "35.9"

    post(client, "licence-remove", id=licence.pk)
    assert not StateLicence.objects.filter(profile=signed_in).exists()
    assert not has_consent(signed_in, ConsentScope.STATE, "OH")
    assert ReportingConsent.objects.get(profile=signed_in).withdrawn_at is not None


def test_bad_licence_number_refused_on_the_same_page_keeping_the_input(client, signed_in):
    response = post(client, "licence-add", **{"licence-state": "TX", "licence-number": "AB 12!"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "without spaces" in html and 'value="AB 12!"' in html
    assert not StateLicence.objects.exists()


def test_board_id_format_refused_with_the_boards_hint(client, signed_in):
    response = post(client, "board-add", **{"board-board": "ABIM", "board-board_id": "12345"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This is not a valid ABIM ID: enter your 6-digit ABIM ID." in html
    assert 'value="12345"' in html
    assert not BoardCertification.objects.exists()

    response = post(client, "board-add", **{"board-board": "ABIM", "board-board_id": "123456"})
    assert response.status_code == 302
    board = BoardCertification.objects.get(profile=signed_in)
    response = post(client, "board-change", id=board.pk, **{f"board-{board.pk}-board_id": "9"})
    assert response.status_code == 400 and "your 6-digit ABIM ID" in response.content.decode()
    board.refresh_from_db()
    assert board.board_id == "123456"


def test_removing_a_board_withdraws_its_consent(client, signed_in):
    board = BoardCertification.objects.create(profile=signed_in, board="ABP", board_id="654321")
    post(client, "consents", **{"consent-board-ABP": "on", "consent-pars": "on"})
    assert has_consent(signed_in, ConsentScope.BOARD, "ABP")
    post(client, "board-remove", id=board.pk)
    assert not has_consent(signed_in, ConsentScope.BOARD, "ABP")
    assert has_consent(signed_in, ConsentScope.PARS)  # the others stand


def test_consent_given_withdrawn_and_given_again_keeps_all_three_dates(client, signed_in):
    post(client, "consents", **{"consent-pars": "on"})
    post(client, "consents")  # unticked: withdrawn
    post(client, "consents", **{"consent-pars": "on"})
    records = list(ReportingConsent.objects.filter(profile=signed_in, scope="pars"))
    assert len(records) == 2  # two periods of consent: given, withdrawn, given again
    first, second = records
    assert first.given_at and first.withdrawn_at and first.withdrawn_at >= first.given_at
    assert second.given_at >= first.withdrawn_at and second.withdrawn_at is None
    # Three dated events, all shown on the page.
    html = client.get(URL).content.decode()
    assert html.count("Given ") >= 2 and html.count(", withdrawn ") == 1
    assert "the accredited provider of each activity" in html


def test_consent_history_with_explicit_dates(signed_in):
    day = timezone.make_aware(datetime.datetime(2026, 3, 1, 9))
    for n, given in enumerate([True, False, True]):
        set_consent(signed_in, "pars", given=given, at=day + datetime.timedelta(days=n))
    events = [
        (r.given_at.date(), r.withdrawn_at and r.withdrawn_at.date())
        for r in ReportingConsent.objects.filter(profile=signed_in)
    ]
    assert events == [
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 2)),
        (datetime.date(2026, 3, 3), None),
    ]


def test_a_forged_consent_field_is_ignored(client, signed_in):
    post(client, "consents", **{"consent-board-ABIM": "on", "consent-state-CA": "on"})
    assert not ReportingConsent.objects.exists()


def test_another_learners_licence_or_board_is_404(client, signed_in, other_learner):
    theirs = other_learner.learner_profile
    licence = StateLicence.objects.create(profile=theirs, state="NY", number="123")
    board = BoardCertification.objects.create(profile=theirs, board="ABS", board_id="12345")
    for action, pk in [
        ("licence-change", licence.pk),
        ("licence-remove", licence.pk),
        ("board-change", board.pk),
        ("board-remove", board.pk),
    ]:
        assert post(client, action, id=pk).status_code == 404, action
    assert post(client, "licence-remove", id="x1").status_code == 404
    assert StateLicence.objects.filter(pk=licence.pk, number="123").exists()
    assert BoardCertification.objects.filter(pk=board.pk).exists()


def test_legacy_board_id_is_shown_with_a_request_to_choose_the_board(client, signed_in):
    LearnerProfile.objects.filter(pk=signed_in.pk).update(legacy_board_id="ABIM-778")
    html = client.get(URL).content.decode()
    assert "ABIM-778" in html and "It is never reported" in html


def test_without_a_profile_the_page_asks_for_one(client, doctor):
    client.force_login(doctor)
    assert "your profile</a> first" in client.get(URL).content.decode()
    assert post(client, "consents").status_code == 404
