"""Bad input everywhere, property-based: every form and query parameter a
person (or a script) can send gets a normal answer (never a server error), a
visible message when it is refused, and no partial write; accepted input
round-trips.

tests/learning/test_bad_input.py holds the hand-picked examples; these tests
let hypothesis generate the input. Each example runs in a rolled-back
savepoint with an empty cache (the ``rollback`` fixture), so examples do not
see each other's writes or rate-limit counters.
"""

import decimal
import re
import string
from urllib.parse import quote, urlencode

from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import iri_to_uri

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cms.names import normalise
from learning.certificates.codes import grouped
from learning.journey import progress, services
from learning.journey.questions import MAX_TEXT_ANSWER, evaluation_questions, post_test_questions
from learning.models import (
    Certificate,
    CertificateEvent,
    CreditClaim,
    Enrolment,
    EvaluationResponse,
    LearnerProfile,
    StepCompletion,
    TestAttempt,
)
from learning.models.profiles import TIME_ZONE_CHOICES
from learning.validators import NPI_PREFIX, luhn_valid
from tests.properties import examples

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = settings(PROPERTY, max_examples=examples(15))

# --- strategies -------------------------------------------------------------------

# Anything HTTP can carry: every code point but lone surrogates, NUL included.
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
control_text = st.text(alphabet=st.sampled_from("\x00\x01\t\n\r\x1b\x7f\u200b\u202e "), max_size=8)
long_text = st.integers(min_value=300, max_value=12_000).flatmap(
    lambda n: st.sampled_from(["x", "9", "é", "\x00", " ", "<"]).map(lambda ch: ch * n)
)
number_text = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["NaN", "-inf", "1e400", "-0", "0x10", "1_000", "١٢", "½", "1,5", " 1 "]),
)
with_nul = any_text.map(lambda s: s[: len(s) // 2] + "\x00" + s[len(s) // 2 :])
nasty = st.one_of(any_text, control_text, long_text, number_text, with_nul)
# A form value: one string, or (for a key sent several times) a list of them.
form_value = st.one_of(nasty, st.lists(nasty, max_size=5))


def assert_not_server_error(response):
    assert response.status_code < 500, response.status_code


def assert_refused_with_message(response):
    """The repo's convention for a rejected form: 400 and an error summary."""
    assert response.status_code == 400, response.status_code
    assert 'role="alert"' in response.content.decode()


def counts(*models):
    return {model.__name__: model.objects.count() for model in models}


JOURNEY_RECORDS = (Enrolment, StepCompletion, TestAttempt, EvaluationResponse, CreditClaim)
JOURNEY_RECORDS += (Certificate, CertificateEvent, LearnerProfile)


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


# --- step completion --------------------------------------------------------------


@FEW
@given(guide_id=st.one_of(st.integers(min_value=0, max_value=10**12 - 1), st.just(None)))
def test_completing_any_guide_id_never_fails(client, rollback, learner, path, guide_id):
    steps = [step.guide_id for step in progress.path_steps(path)]
    if guide_id is None:
        guide_id = steps[0]
    services.enrol(learner, path)
    client.force_login(learner)
    with rollback():
        response = client.post(f"{path.url}steps/{guide_id}/complete/")
        assert response.status_code == 302
        completed = set(StepCompletion.objects.values_list("guide_id", flat=True))
        assert completed == ({guide_id} if guide_id in steps else set())


@FEW
@given(segment=any_text.filter(lambda s: s and not s.isdigit()))
def test_non_numeric_guide_ids_are_not_found(client, learner, path, segment):
    services.enrol(learner, path)
    client.force_login(learner)
    response = client.post(f"{path.url}steps/{quote(segment, safe='')}/complete/")
    assert response.status_code == 404
    assert not StepCompletion.objects.exists()


# --- post-test answers ------------------------------------------------------------


def post_test_payload(question_ids):
    """POST data for the post-test: real keys with arbitrary values, unknown
    keys, and now and then a huge list."""
    real = st.fixed_dictionaries(
        {},
        optional={
            f"q-{qid}": st.one_of(
                st.lists(st.integers(-2, 5).map(str), max_size=4),
                st.lists(nasty, max_size=5),
                st.integers(1, 3000).map(lambda n: [str(i % 4) for i in range(n)]),
            )
            for qid in question_ids
        },
    )
    unknown = st.dictionaries(
        st.one_of(st.text(max_size=3).map("q-{}".format), any_text),
        form_value,
        max_size=3,
    )
    return st.tuples(real, unknown).map(lambda parts: {**parts[1], **parts[0]})


@pytest.fixture
def post_test_ids(at_test):
    return [q.id for q in post_test_questions(at_test)]


@PROPERTY
@given(data=st.data())
def test_any_post_test_submission_never_fails(
    client, rollback, learner, at_test, post_test_ids, data
):
    payload = data.draw(post_test_payload(post_test_ids))
    client.force_login(learner)
    with rollback():
        before = counts(*JOURNEY_RECORDS)
        response = client.post(at_test.url + "test/", payload)
        assert_not_server_error(response)
        if response.status_code == 302:  # an attempt was recorded, scored, and is shown
            assert response["Location"] == at_test.url + "test/result/"
            attempt = TestAttempt.objects.get()
            expected = {qid: sorted({int(v) for v in payload[f"q-{qid}"]}) for qid in post_test_ids}
            assert attempt.answers == expected
        else:
            assert_refused_with_message(response)
            assert counts(*JOURNEY_RECORDS) == before


def test_a_list_longer_than_the_field_limit_is_refused(client, learner, at_test, post_test_ids):
    client.force_login(learner)
    payload = {f"q-{post_test_ids[0]}": ["0"] * 10_001}
    response = client.post(at_test.url + "test/", payload)
    assert response.status_code == 400
    assert not TestAttempt.objects.exists()


# --- evaluation answers -----------------------------------------------------------


@pytest.fixture
def evaluation_ids(at_evaluation):
    return {q.kind: q.id for q in evaluation_questions(at_evaluation)}


@PROPERTY
@given(data=st.data())
def test_any_evaluation_submission_never_fails(
    client, rollback, learner, at_evaluation, evaluation_ids, data
):
    rating, text, change = (evaluation_ids[k] for k in ("rating", "text", "practice_change"))
    payload = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                f"q-{rating}": st.one_of(st.integers(-1, 7).map(str), nasty, st.lists(nasty)),
                f"q-{text}": st.one_of(st.just("The checklist."), nasty, long_text),
                f"q-{change}": st.one_of(st.sampled_from(["yes", "no", "unsure"]), nasty),
                f"q-{change}-how": st.one_of(st.just("Screen earlier."), nasty, long_text),
                f"q-{text}-how": nasty,
                "q-forged": nasty,
                "unrelated": form_value,
            },
        )
    )
    client.force_login(learner)
    with rollback():
        before = counts(*JOURNEY_RECORDS)
        response = client.post(at_evaluation.url + "evaluation/", payload)
        assert_not_server_error(response)
        if response.status_code == 302:
            answers = EvaluationResponse.objects.get().answers
            sent = payload[f"q-{rating}"]
            assert answers[rating] == int(sent[-1] if isinstance(sent, list) else sent)
            stored_text = answers[text]
            assert "\x00" not in stored_text and len(stored_text) <= MAX_TEXT_ANSWER
            assert stored_text == payload.get(f"q-{text}", "").replace("\x00", "").strip()
            assert answers[change]["choice"] == payload[f"q-{change}"]
            assert "\x00" not in answers[change]["how"]
        else:
            assert_refused_with_message(response)
            assert counts(*JOURNEY_RECORDS) == before


# --- credit claim -----------------------------------------------------------------


@PROPERTY
@given(
    credits=st.one_of(
        st.sampled_from(["0.25", "0.5", "1", "1.25", "1.50", "1.5e0", "0.750"]),
        st.decimals(min_value=-3, max_value=3, places=3).map(str),
        number_text,
        nasty,
    ),
    attested=st.one_of(st.sampled_from(["on", "true", "", "false"]), nasty, st.none()),
    extra=st.dictionaries(any_text, form_value, max_size=3),
)
def test_any_credit_claim_never_fails(
    client, rollback, learner, at_claim, credits, attested, extra
):
    data = {**extra, "credits": credits}
    if attested is not None:
        data["attested"] = attested
    client.force_login(learner)
    with rollback():
        before = counts(*JOURNEY_RECORDS)
        response = client.post(at_claim.url + "claim/", data)
        assert_not_server_error(response)
        if response.status_code == 302:
            claim = CreditClaim.objects.get()
            assert claim.credits == decimal.Decimal(credits.strip())
            assert Enrolment.objects.get(user=learner).completed_at is not None
        else:
            assert_refused_with_message(response)
            assert counts(*JOURNEY_RECORDS) == before
            assert Enrolment.objects.get(user=learner).completed_at is None


# --- certificate verification -----------------------------------------------------


@pytest.fixture
def certificate(learner, path):
    from tests.learning.conftest import complete

    complete(learner, path)
    return Certificate.objects.get(user=learner)


def _spellings(code):
    """Ways a person may type a real code: lowercase, dashes, spaces, O for 0."""
    return st.sampled_from(
        [
            code.lower(),
            grouped(code),
            grouped(code).lower().replace("-", " "),
            f"  {code}\t",
            code.replace("0", "O").replace("1", "l"),
        ]
    )


@PROPERTY
@given(data=st.data())
def test_verification_form_never_fails(client, rollback, certificate, data):
    code = data.draw(st.one_of(_spellings(certificate.verification_code), nasty, long_text))
    with rollback():
        response = client.get("/certificates/verify/", {"code": code})
        assert_not_server_error(response)
        if response.status_code == 302:
            follow = client.get(response["Location"])
            assert follow.status_code in (200, 404)  # found, or an honest "no such certificate"
            if code.upper().strip() == certificate.verification_code or follow.status_code == 200:
                assert certificate.number in follow.content.decode()
        else:
            assert_refused_with_message(response)


@PROPERTY
@given(data=st.data())
def test_verification_link_never_fails(client, rollback, certificate, data):
    code = data.draw(
        st.one_of(
            _spellings(certificate.verification_code).filter(lambda c: c.strip() == c),
            st.text(alphabet=string.ascii_letters + string.digits + "-_.~", min_size=1),
            any_text.filter(lambda s: s.strip("./") and "/" not in s),
            long_text.filter(lambda s: s.strip()),
        )
    )
    with rollback():
        response = client.get(f"/certificates/verify/{quote(code, safe='')}/", follow=True)
        assert_not_server_error(response)
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            assert certificate.number in response.content.decode()


def test_verification_is_rate_limited_not_broken(client, certificate):
    url = f"/certificates/verify/{certificate.verification_code}/"
    statuses = {client.get(url).status_code for _ in range(35)}
    assert statuses == {200, 429}


# --- transcript and other learner pages ---------------------------------------------

query_params = st.dictionaries(
    st.one_of(st.sampled_from(["year", "format", "page", "path", "next", "q"]), any_text),
    form_value,
    max_size=4,
)


@FEW
@given(params=query_params)
def test_transcript_ignores_any_query(client, rollback, certificate, learner, params):
    client.force_login(learner)
    with rollback():
        for url in ("/me/transcript/", "/me/transcript/transcript.csv", "/me/"):
            response = client.get(url, params)
            assert response.status_code == 200, url


@FEW
@given(
    params=query_params,
    next_url=st.one_of(
        nasty, st.sampled_from(["//evil.example", "/me/transcript/", "0", "/\\evil", "/a\nb"])
    ),
)
def test_profile_next_parameter_never_fails(client, rollback, learner, params, next_url):
    client.force_login(learner)
    with rollback():
        response = client.post(
            "/me/profile/?" + urlencode({**params, "next": next_url}, doseq=True),
            {"full_name": "Alice Able", "credentials": "MD", "time_zone": "UTC"},
        )
        assert response.status_code == 302
        location = response["Location"]
        assert location == "/me/" or location == iri_to_uri(next_url)
        assert not re.match(r"^(https?:)?//", location)


@FEW
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "topic": form_value,
            "specialty": form_value,
            "audience": form_value,
            "page": st.one_of(number_text, nasty),
            "setting": form_value,
            "img": form_value,
            "path": st.one_of(st.just("sepsis"), nasty),
        },
    )
)
def test_public_listings_ignore_any_query(client, rollback, learner, path, params):
    guide = progress.path_steps(path)[0].guide
    client.force_login(learner)
    with rollback():
        for url in ("/guides/", "/mentors/", "/paths/", guide.url, path.url):
            response = client.get(url, params)
            assert response.status_code in (200, 404), url  # 404: a page past the end


# --- admin: learner-record listings, reports, issuing and revoking ------------------

RECORD_LISTINGS = {
    "enrolment": ["path", "enrolled_at", "completed_at"],
    "stepcompletion": ["enrolment__path", "completed_at"],
    "testattempt": ["enrolment__path", "passed", "submitted_at"],
    "creditclaim": ["enrolment__path", "status", "claimed_at"],
    "certificate": ["path", "status", "pdf_status", "issued_at"],
    "certificateevent": ["action", "at"],
}
date_text = st.one_of(
    st.dates().map(str),
    st.datetimes().map(str),
    st.sampled_from(["2025-02-30", "0000-01-01", "9999-12-31", "10000-01-01", "2025-13-01"]),
    nasty,
)


def admin_params(filters):
    keys = []
    for name in filters:
        keys += [name, f"{name}_from", f"{name}_to", f"{name}_after", f"{name}_before"]
    keys += ["ordering", "p", "q", "export", "per_page", "paginate_by"]
    return st.dictionaries(
        st.one_of(st.sampled_from(keys), any_text),
        st.one_of(date_text, number_text, nasty, st.lists(st.one_of(date_text, nasty), max_size=3)),
        max_size=5,
    )


@pytest.mark.parametrize("role", ["superuser", "staff"])
@FEW
@given(data=st.data())
def test_admin_record_listings_accept_any_filter(client, rollback, admin_world, role, data):
    client.force_login(admin_world[role])
    listing = data.draw(st.sampled_from(sorted(RECORD_LISTINGS)))
    params = data.draw(admin_params(RECORD_LISTINGS[listing]))
    with rollback():
        before = counts(*JOURNEY_RECORDS)
        response = client.get(reverse(f"{listing}:index"), params)
        assert_not_server_error(response)
        assert response.status_code in (200, 302, 404), response.status_code
        assert counts(*JOURNEY_RECORDS) == before


@pytest.mark.parametrize("role", ["superuser", "staff"])
@FEW
@given(params=admin_params(["path", "status", "from", "to", "year"]))
def test_admin_reports_accept_any_query(client, rollback, admin_world, role, params):
    client.force_login(admin_world[role])
    path_pk = admin_world["path"].pk
    with rollback():
        for name, args in (
            ("learning_reports", ()),
            ("learning_path_report", (path_pk,)),
            ("learning_report_batches", ()),
            ("learning_claim_extensions", ()),
            ("learning_issue_certificates", ()),
        ):
            response = client.get(reverse(name, args=args), params)
            assert response.status_code == 200, (name, response.status_code)


@FEW
@given(
    claims=st.lists(st.one_of(number_text, nasty), max_size=6),
    extra=st.dictionaries(any_text, form_value, max_size=2),
)
# Found in CI: an id too large for SQLite's INTEGER crashed the form.
@example(claims=["9" * 30], extra={})
@example(claims=["-1", "0", "1e3", "٣"], extra={})
# Found on a fresh clone (randomised): 5,000 digits made int() raise ValueError.
@example(claims=["9" * 5000], extra={})
@example(claims=[str(2**63), "-" + "9" * 5000], extra={})
def test_issuing_certificates_refuses_any_bad_selection(
    client, rollback, admin_world, claims, extra
):
    client.force_login(admin_world["staff"])
    with rollback():
        before = counts(*JOURNEY_RECORDS)
        response = client.post(reverse("learning_issue_certificates"), {**extra, "claims": claims})
        assert_not_server_error(response)
        # No claim awaits a certificate, so no selection can be valid.
        assert response.status_code == 200
        html = response.content.decode()
        assert "errorlist" in html or "Every approved completion has its certificate." in html
        assert counts(*JOURNEY_RECORDS) == before


@FEW
@given(reason=st.one_of(nasty, st.just("Issued to the wrong learner.")))
def test_revoking_with_any_reason(client, rollback, admin_world, reason):
    certificate = Certificate.objects.get()
    client.force_login(admin_world["staff"])
    with rollback():
        before = counts(*JOURNEY_RECORDS)
        response = client.post(
            reverse("learning_revoke_certificate", args=(certificate.pk,)), {"reason": reason}
        )
        assert_not_server_error(response)
        certificate.refresh_from_db()
        if response.status_code == 302:
            assert certificate.revoked_at is not None
            event = CertificateEvent.objects.filter(action="revoked").get()
            assert event.reason == reason.strip()
        else:
            assert response.status_code == 200
            assert "errorlist" in response.content.decode()
            assert counts(*JOURNEY_RECORDS) == before
            assert certificate.revoked_at is None


# Found by the admin properties and fixed in cms/: on SQLite the viewsets'
# search_fields made Wagtail's FTS5 backend filter on a column its index
# table lacks ("no such column: name"), and the staff-scoped Institution
# queryset filtered on a field the search index cannot filter on.
@pytest.mark.parametrize("q", ["2000-01-01", "name"])
@pytest.mark.parametrize("role", ["superuser", "staff"])
@pytest.mark.parametrize("snippet", ["mentor", "institution"])
def test_snippet_search_never_fails(client, admin_world, snippet, role, q):
    client.force_login(admin_world[role])
    response = client.get(reverse(f"wagtailsnippets_cms_{snippet}:list"), {"q": q})
    assert response.status_code in (200, 302), response.status_code


def test_snippet_search_finds_only_what_the_role_may_see(client, admin_world):
    """Staff search their own institutions only; a superuser searches all."""
    from cms.models import Institution

    own = admin_world["path"].institution
    other = Institution.objects.get(name="Elsewhere")
    url = reverse("wagtailsnippets_cms_institution:list")

    def edit_link(institution):
        return reverse("wagtailsnippets_cms_institution:edit", args=[institution.pk])

    client.force_login(admin_world["staff"])
    page = client.get(url, {"q": own.name.split()[0]}).content.decode()
    assert edit_link(own) in page
    assert edit_link(other) not in client.get(url, {"q": "Elsewhere"}).content.decode()
    client.force_login(admin_world["superuser"])
    assert edit_link(other) in client.get(url, {"q": "Elsewhere"}).content.decode()
