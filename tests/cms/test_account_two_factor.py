"""Two-factor authentication per role: who must set up an authenticator
before using the admin, setting one up, logging in with a code, and the
authenticators the factories and the demo users come with
(docs/accounts-security.md)."""

from django.contrib.auth import get_user_model

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from allauth.mfa.utils import decrypt

from curbside.demo import DEMO_TOTP_SECRET, seed_users
from curbside.security import MFAAdapter, has_second_factor, mfa_required, totp_code
from tests.cms.accounts import AUTHENTICATE, PASSWORD, fresh_code, html, log_in, make_user
from tests.factories import (
    InstitutionFactory,
    InstitutionStaffFactory,
    MentorUserFactory,
    ReviewerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"


def secret_of(user):
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


# Who must set up two-factor authentication before using the admin --------


@pytest.mark.parametrize(
    ("role", "required"),
    [
        ("doctor", False),
        ("mentor", False),
        ("reviewer", True),
        ("staff", True),
        ("mentor+reviewer", True),
        ("superuser", True),
    ],
)
def test_who_must_set_up_two_factor_before_using_the_admin(client, role, required):
    user = make_user(role, totp=False)
    assert mfa_required(user) is required
    assert not has_second_factor(user)
    client.force_login(user)
    for url in ("/admin/", "/admin/account/"):
        response = client.get(url)
        if role == "doctor":
            # No admin rights: back to the dashboard, not a log-in loop.
            assert response.status_code == 302
            assert response["Location"] == "/me/"
        elif required:
            assert response.status_code == 302, url
            assert response["Location"] == ACTIVATE
        else:
            assert response.status_code == 200, url
    page = client.get("/me/")
    if required:
        assert "must use two-factor authentication" in html(page)
    elif role == "doctor":
        assert "no access to the admin" in html(page)


@pytest.mark.parametrize("role", ["reviewer", "staff", "mentor+reviewer", "superuser"])
def test_with_an_authenticator_the_admin_opens(client, role):
    user = make_user(role, totp=None)  # the factories' default: an authenticator
    assert has_second_factor(user)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200


def test_staff_member_of_an_institution_is_required_even_without_the_group():
    user = UserFactory(username="signer")
    assert not mfa_required(user)
    InstitutionFactory().staff.add(user)
    assert mfa_required(user)


def test_anonymous_admin_visitors_log_in_through_allauth(client):
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"


def test_a_reviewer_without_an_authenticator_can_still_log_out_of_the_admin(client):
    client.force_login(make_user("reviewer", totp=False))
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert response["Location"] != ACTIVATE
    assert "_auth_user_id" not in client.session


def test_required_user_sets_up_an_authenticator_then_reaches_the_admin(client):
    reviewer = make_user("reviewer", totp=False)
    response = log_in(client, "reviewer-user", next_url="/admin/")
    assert response["Location"] == "/admin/"  # no authenticator yet: no code step
    response = client.get("/admin/", follow=True)
    # allauth asks for the password again before changing two-factor settings.
    assert response.redirect_chain[0] == (ACTIVATE, 302)
    assert response.redirect_chain[1][0].startswith("/accounts/reauthenticate/")
    assert "must use two-factor authentication" in html(response)
    response = client.post(response.redirect_chain[1][0], {"password": PASSWORD})
    assert response["Location"] == ACTIVATE
    page = html(client.get(ACTIVATE))
    assert "Set up an authenticator app" in page
    assert 'alt="QR code for your authenticator app"' in page
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "1"})
    assert response.status_code == 200
    assert "Incorrect code." in html(response)
    assert not has_second_factor(reviewer)

    response = client.post(ACTIVATE, {"code": fresh_code(secret)})
    assert response.status_code == 302
    assert has_second_factor(reviewer)
    assert client.get("/admin/").status_code == 200


def test_full_log_in_with_a_code_from_the_authenticator(client):
    reviewer = make_user("reviewer", totp=None)
    secret = secret_of(reviewer)
    assert secret == reviewer.totp_secret

    response = log_in(client, "reviewer-user", next_url="/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == AUTHENTICATE
    # Password alone does not log in.
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/pages/")["Location"].startswith("/accounts/login/")

    page = client.get(AUTHENTICATE)
    assert page.status_code == 200
    assert "Two-factor authentication" in html(page)

    wrong = "123456" if fresh_code(secret) != "123456" else "654321"
    response = client.post(AUTHENTICATE, {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code." in html(response)
    assert "_auth_user_id" not in client.session

    response = client.post(AUTHENTICATE, {"code": fresh_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/", follow=True).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_learner_who_turned_on_two_factor_is_asked_for_the_code(client):
    doctor = UserFactory(username="maya", totp=False)
    assert not mfa_required(doctor)
    from curbside.security import activate_totp

    secret = activate_totp(doctor)
    response = log_in(client, "maya")
    assert response["Location"] == AUTHENTICATE
    response = client.post(AUTHENTICATE, {"code": fresh_code(secret)})
    assert response["Location"] == "/me/"


def test_offered_to_everyone_from_the_dashboard(client):
    client.force_login(UserFactory(username="maya"))
    assert 'href="/accounts/2fa/"' in html(client.get("/me/"))
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    assert 'href="/accounts/2fa/totp/activate/"' in html(page)


def test_required_roles_cannot_switch_their_only_authenticator_off():
    adapter = MFAAdapter()
    reviewer = make_user("reviewer", totp=None)
    assert not adapter.can_delete_authenticator(reviewer.authenticator_set.get())
    mentor = make_user("mentor", totp=False)
    from curbside.security import activate_totp

    activate_totp(mentor)
    assert adapter.can_delete_authenticator(mentor.authenticator_set.get())


# Factories and demo users ----------------------------------------------------


def test_factories_give_privileged_users_an_authenticator_by_default():
    assert has_second_factor(ReviewerFactory(username="r"))
    assert has_second_factor(InstitutionStaffFactory(username="s"))
    assert has_second_factor(UserFactory(username="g", groups=["Institution staff"]))
    assert has_second_factor(UserFactory(username="root", is_superuser=True))
    assert not has_second_factor(MentorUserFactory(username="m"))
    assert not has_second_factor(UserFactory(username="d"))
    assert not has_second_factor(ReviewerFactory(username="r2", totp=False))
    chosen = ReviewerFactory(username="r3", totp=DEMO_TOTP_SECRET)
    assert secret_of(chosen) == DEMO_TOTP_SECRET


def test_demo_admin_reviewer_and_staff_use_the_documented_secret(client):
    seed_users(lambda message: None)
    seed_users(lambda message: None)  # idempotent
    for username in ("admin", "reviewer", "staff"):
        user = get_user_model().objects.get(username=username)
        assert Authenticator.objects.filter(user=user).count() == 1
        assert secret_of(user) == DEMO_TOTP_SECRET
    for username in ("mentor", "doctor"):
        assert not has_second_factor(get_user_model().objects.get(username=username))
    response = log_in(client, "admin", "curbside-demo", next_url="/admin/")
    assert response["Location"] == AUTHENTICATE
    response = client.post(AUTHENTICATE, {"code": fresh_code(DEMO_TOTP_SECRET)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
