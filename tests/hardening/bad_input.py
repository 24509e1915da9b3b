"""What the bad-input property tests share (tests/hardening/test_bad_input_*.py).

Bad input everywhere, property-based: every form and query parameter a
person (or a script) can send gets a normal answer (never a server error), a
visible message when it is refused, and no partial write; accepted input
round-trips.

tests/learning/test_bad_input.py holds the hand-picked examples; these tests
let hypothesis generate the input. Each example runs in a rolled-back
savepoint with an empty cache (the ``rollback`` fixture, conftest.py), so
examples do not see each other's writes or rate-limit counters.

Here: the hypothesis settings, the strategies for nasty input, and the checks
of an answer and of the rows written.
"""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

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
from tests.properties import examples

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
