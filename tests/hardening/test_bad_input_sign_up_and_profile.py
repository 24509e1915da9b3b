"""Bad input, property-based (bad_input.py): sign-up and the learner's profile
form never fail, refuse cleanly with nothing written, and valid profiles
round-trip."""

import string

from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.test import Client, override_settings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cms.names import normalise
from learning.models import LearnerProfile
from learning.models.profiles import TIME_ZONE_CHOICES
from learning.validators import NPI_PREFIX, luhn_valid

from .bad_input import (
    FEW,
    PROPERTY,
    assert_not_server_error,
    assert_refused_with_message,
    counts,
    form_value,
    nasty,
    number_text,
)

pytestmark = pytest.mark.django_db


# --- sign-up ----------------------------------------------------------------------

good_email = st.builds(
    "{}@{}.org".format, st.from_regex(r"[a-z]{1,12}", fullmatch=True), st.sampled_from("abcxyz")
)
good_password = st.just("a-long-clinical-passphrase")


@override_settings(ACCOUNT_RATE_LIMITS=False)  # many sign-ups from one address in a minute
@PROPERTY
@given(
    email=st.one_of(good_email, nasty),
    password1=st.one_of(good_password, nasty),
    password2=st.one_of(good_password, nasty),
)
def test_sign_up_never_fails_and_refuses_cleanly(rollback, email, password1, password2):
    users = get_user_model().objects
    with rollback():
        before = users.count()
        response = Client().post(
            "/accounts/signup/", {"email": email, "password1": password1, "password2": password2}
        )
        assert_not_server_error(response)
        if response.status_code == 302:
            # Sign-up is by email only; the address must be confirmed next.
            assert response["Location"] == "/accounts/confirm-email/"
            assert users.count() == before + 1
            user = users.get(email__iexact=email)
            assert user.username
        else:
            # allauth re-renders the refused form with 200 and the errors, listed
            # above the form (templates/includes/form_errors.html).
            assert response.status_code == 200
            assert "Please check this" in response.content.decode()
            assert users.count() == before


# --- learner profile --------------------------------------------------------------


def npi_with_check_digit(first_nine):
    return next(first_nine + d for d in string.digits if luhn_valid(NPI_PREFIX + first_nine + d))


valid_npi = st.from_regex(r"[12][0-9]{8}", fullmatch=True).map(npi_with_check_digit)
TIME_ZONES = [tz for tz, _ in TIME_ZONE_CHOICES]
profile_fields = st.fixed_dictionaries(
    {
        "full_name": st.one_of(st.sampled_from(["Alice Able", "  Maya  R.   Chen "]), nasty),
        "credentials": st.one_of(st.just("MD, FRCP"), nasty),
        "specialty": st.one_of(st.just(""), st.just("Family medicine"), nasty),
        "npi": st.one_of(
            st.just(""), valid_npi, st.text(alphabet="0123456789 ", max_size=14), nasty
        ),
        "time_zone": st.one_of(st.sampled_from(TIME_ZONES), nasty),
        "first_name": st.one_of(st.just(""), st.just("Maya"), nasty),
        "last_name": st.one_of(st.just(""), st.just("Chen"), nasty),
        "birth_month": st.one_of(st.just(""), st.integers(-3, 40).map(str), nasty),
        "birth_day": st.one_of(st.just(""), st.integers(-3, 40).map(str), nasty),
    },
    optional={"unknown-key": form_value, "user": st.just("1"), "id": number_text},
)


def check_profile_post(client, user, data):
    before_rows = counts(LearnerProfile, get_user_model())
    before = LearnerProfile.objects.filter(user=user).first()
    before = model_to_dict(before) if before else None
    response = client.post("/me/profile/", data)
    assert_not_server_error(response)
    after = LearnerProfile.objects.filter(user=user).first()
    if response.status_code == 302:
        assert response["Location"] == "/me/"
        assert after.full_name == normalise(data["full_name"])
        assert after.npi == data["npi"].strip().replace(" ", "")
        assert after.time_zone == data["time_zone"]
        assert after.credentials == normalise(data["credentials"])
        assert after.first_name == normalise(data["first_name"])
        assert after.last_name == normalise(data["last_name"])
        assert after.user_id == user.pk
        if data["birth_month"].strip():
            assert after.birth_month == int(data["birth_month"])
        else:
            assert after.birth_month is None and after.birth_day is None
        return
    assert_refused_with_message(response)
    assert counts(LearnerProfile, get_user_model()) == before_rows
    assert (model_to_dict(after) if after else None) == before


@FEW
@given(data=profile_fields)
def test_profile_edit_never_fails_and_writes_all_or_nothing(client, rollback, learner, data):
    client.force_login(learner)
    with rollback():
        check_profile_post(client, learner, data)


@FEW
@given(data=profile_fields)
def test_first_profile_never_fails_and_writes_all_or_nothing(client, rollback, doctor, data):
    client.force_login(doctor)
    with rollback():
        check_profile_post(client, doctor, data)


@FEW
@given(
    npi=st.one_of(st.just(""), valid_npi),
    time_zone=st.sampled_from(TIME_ZONES),
    birthday=st.one_of(st.none(), st.dates()),
    first_name=st.sampled_from(["", "Maya", "José"]),
    last_name=st.sampled_from(["", "Chen", "O'Neil-Smith"]),
)
def test_valid_profiles_round_trip(
    client, rollback, learner, npi, time_zone, birthday, first_name, last_name
):
    client.force_login(learner)
    data = {
        "full_name": "Maya R. Chen",
        "credentials": "MD",
        "npi": npi,
        "time_zone": time_zone,
        "first_name": first_name,
        "last_name": last_name,
        "birth_month": str(birthday.month) if birthday else "",
        "birth_day": str(birthday.day) if birthday else "",
    }
    with rollback():
        response = client.post("/me/profile/", data)
        assert response.status_code == 302
        profile = LearnerProfile.objects.get(user=learner)
        assert (profile.npi, profile.time_zone) == (npi, time_zone)
        assert (profile.first_name, profile.last_name) == (first_name, last_name)
        assert (profile.birth_month, profile.birth_day) == (
            (birthday.month, birthday.day) if birthday else (None, None)
        )
