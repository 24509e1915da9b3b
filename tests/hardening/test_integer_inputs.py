"""Every integer taken from a request, with numbers no one should send.

Two kinds of number used to be server errors: more than 4,300 digits (Python's
int() refuses to convert them and raises ValueError) and numbers beyond a
64-bit integer (SQLite's driver raises OverflowError). cms.integers parses
with a length limit and checks the range before any query; these tests send
both kinds, and ordinary garbage, to every integer input of the site: ids in
addresses, list filters, page numbers, checkboxes and answer indexes. Wagtail's
own list filters are found by walking the URL patterns, so a new listing is
covered without editing this file.
"""

import sys

from django.contrib.auth.models import Group
from django.http import QueryDict
from django.urls import URLResolver, get_resolver

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cms.integers import BIGINT_MAX, BIGINT_MIN, parse_id, parse_int
from learning.journey import progress, services
from learning.journey.forms import parse_test_answers
from learning.models import Certificate, CreditClaim, LearningPathPage, PathStep
from search.forms import MAX_PAGE, SearchForm

pytestmark = pytest.mark.django_db

OVER_LIMIT = "9" * (sys.get_int_max_str_digits() + 700)  # 5,000 digits
BAD_NUMBERS = {
    "over-4300-digits": OVER_LIMIT,
    "bigint-max+1": str(BIGINT_MAX + 1),
    "2**64": str(2**64),
    "bigint-min-1": str(BIGINT_MIN - 1),
    "30-nines": "9" * 30,
}
BAD_TEXT = {"letters": "abc", "exponent": "1e3", "arabic-digit": "٣", "underscore": "1_0"}


# --- the parser -----------------------------------------------------------------


@pytest.mark.parametrize("text", [*BAD_NUMBERS.values(), *BAD_TEXT.values(), "", " ", "-", "+"])
def test_parse_int_refuses_what_is_not_a_bigint(text):
    assert parse_int(text) is None


@pytest.mark.parametrize(
    "text, number",
    [("0", 0), (" 42 ", 42), ("-7", -7), ("+7", 7), (str(BIGINT_MAX), BIGINT_MAX)],
)
def test_parse_int_reads_ordinary_numbers(text, number):
    assert parse_int(text) == number


def test_parse_id_is_positive():
    assert parse_id("1") == 1 and parse_id(str(BIGINT_MAX)) == BIGINT_MAX
    assert parse_id("0") is None and parse_id("-1") is None


@given(number=st.integers())
@example(number=BIGINT_MAX)
@example(number=BIGINT_MAX + 1)
@example(number=BIGINT_MIN)
@example(number=BIGINT_MIN - 1)
def test_parse_int_round_trips_exactly_the_bigints(number):
    expected = number if BIGINT_MIN <= number <= BIGINT_MAX else None
    assert parse_int(str(number)) == expected


@given(text=st.text())
@example(text=OVER_LIMIT)
@example(text="-" + OVER_LIMIT)
def test_parse_int_never_raises(text):
    result = parse_int(text)
    assert result is None or BIGINT_MIN <= result <= BIGINT_MAX


# --- the database layer: Wagtail's and Django's own lookups -----------------------


@pytest.mark.parametrize("number", [BIGINT_MAX + 1, 2**64, BIGINT_MIN - 1])
def test_out_of_range_ids_match_nothing_instead_of_crashing(admin_world, number):
    """``in`` lookups and lookups through a relation (what Wagtail's filters and
    choosers use) with a number no column can hold: no rows, no error."""
    path = admin_world["path"]
    claim = CreditClaim.objects.get()
    assert not Group.objects.filter(pk__in=[number]).exists()
    assert list(Group.objects.filter(pk__in=[number, Group.objects.first().pk])) == [
        Group.objects.first()
    ]
    assert not LearningPathPage.objects.filter(pk=number).exists()
    assert not PathStep.objects.filter(guide=number).exists()
    assert not Certificate.objects.filter(path__in=[number]).exists()
    assert list(CreditClaim.objects.filter(pk__in=[number, claim.pk])) == [claim]
    assert LearningPathPage.objects.filter(pk__in=[number, path.pk]).get() == path


# --- every integer input of our own views -----------------------------------------

# (role, method, url, data): {n} is replaced by the bad number.
OWN_INPUTS = {
    "certificate-pdf": ("learner", "get", "/me/certificates/{n}/pdf/", None),
    "revoke": ("staff", "get", "/admin/certificates/{n}/revoke/", None),
    "revoke-post": ("staff", "post", "/admin/certificates/{n}/revoke/", {"reason": "x"}),
    "reissue": ("staff", "get", "/admin/certificates/{n}/reissue/", None),
    "path-report": ("staff", "get", "/admin/cme-reports/{n}/", None),
    "path-pars": ("staff", "get", "/admin/cme-reports/{n}/pars.csv", None),
    "record-inspect": ("staff", "get", "/admin/enrolment/inspect/{n}/", None),
    "certificate-inspect": ("superuser", "get", "/admin/certificate/inspect/{n}/", None),
    "step-complete": ("learner", "post", "{path}steps/{n}/complete/", None),
    "enrolment-filter": ("staff", "get", "/admin/enrolment/", {"path": "{n}"}),
    "certificate-filter": ("superuser", "get", "/admin/certificate/", {"path": "{n}"}),
    "claim-filter": ("staff", "get", "/admin/creditclaim/", {"enrolment__path": "{n}"}),
    "attempt-filter": ("staff", "get", "/admin/testattempt/", {"enrolment__path": "{n}"}),
    "step-filter": ("staff", "get", "/admin/stepcompletion/", {"enrolment__path": "{n}"}),
    "record-page": ("staff", "get", "/admin/enrolment/", {"p": "{n}"}),
    "issue-list": ("staff", "get", "/admin/certificates/issue/", {"claims": "{n}"}),
    "issue-post": ("staff", "post", "/admin/certificates/issue/", {"claims": ["{n}"]}),
    "issue-post-mixed": ("staff", "post", "/admin/certificates/issue/", {"claims": ["1", "{n}"]}),
    "guides-page": ("learner", "get", "/guides/", {"page": "{n}"}),
    "search-page": ("learner", "get", "/search/", {"q": "sepsis", "page": "{n}"}),
    "search-mentor": ("learner", "get", "/search/", {"q": "x", "mentor": "{n}"}),
    "post-test": ("learner", "post", "{path}test/", {"q-{question}": ["{n}"]}),
    "profile-birth-month": (
        "learner",
        "post",
        "/me/profile/",
        {"full_name": "A B", "credentials": "MD", "time_zone": "UTC", "birth_month": "{n}"},
    ),
    "user-group-filter": ("superuser", "get", "/admin/users/", {"group": "{n}"}),
    "page-explorer": ("superuser", "get", "/admin/pages/{n}/", None),
    "page-edit": ("superuser", "get", "/admin/pages/{n}/edit/", None),
    "mentor-edit": ("superuser", "get", "/admin/snippets/cms/mentor/edit/{n}/", None),
}
# What a user sees: the status for each input (404: no such record; 400 or
# 200: the form or filter shown again with its message; 302 to the path page
# for an unknown step, as for any step not in the path).
EXPECTED_STATUS = {
    "revoke-post": {404},
    "step-complete": {302, 404},
    "path-pars": {301, 404},  # no pattern matches: CommonMiddleware tries a slash
    "issue-post": {200},
    "issue-post-mixed": {200},
    "post-test": {400},
    "profile-birth-month": {400},
}


def _fill(value, n, context):
    if isinstance(value, list):
        return [_fill(v, n, context) for v in value]
    return value.format(n=n, **context)


@pytest.fixture
def world(client, admin_world, doctor):
    """admin_world, and a second learner who has reached the post-test."""
    from learning.journey.questions import post_test_questions

    path = admin_world["path"]
    services.enrol(doctor, path)
    for step in progress.path_steps(path):
        services.complete_step(doctor, path, step.guide_id)
    return {
        "users": {**admin_world, "learner": doctor},
        "context": {"path": path.url, "question": post_test_questions(path)[0].id},
    }


def _status_problem(name, status):
    if status >= 500:
        return f"server error {status}"
    expected = EXPECTED_STATUS.get(name, {404} if "{n}" in OWN_INPUTS[name][2] else {200})
    return None if status in expected else f"{status}, expected {sorted(expected)}"


@pytest.mark.parametrize("name", sorted(OWN_INPUTS))
def test_every_integer_input_refuses_bad_numbers_cleanly(client, world, name):
    """Each input with each bad number: the expected status and nothing written."""
    role, method, url, data = OWN_INPUTS[name]
    context = world["context"]
    client.force_login(world["users"][role])
    before = (CreditClaim.objects.count(), Certificate.objects.count())
    problems = {}
    for label, value in {**BAD_NUMBERS, **BAD_TEXT}.items():
        address = url.format(n=value, **context) if "{n}" in url else url.format(**context)
        payload = {
            _fill(k, value, context): _fill(v, value, context) for k, v in (data or {}).items()
        }
        problem = _status_problem(name, getattr(client, method)(address, payload).status_code)
        if problem:
            problems[label] = problem
    assert problems == {}
    assert (CreditClaim.objects.count(), Certificate.objects.count()) == before


@pytest.fixture
def awaiting_claim(admin_world, doctor):
    """A claim on a path whose certificates wait for staff approval."""
    from tests.factories import LearnerProfileFactory
    from tests.learning.conftest import complete

    LearnerProfileFactory(user=doctor, full_name="Dana Doe")
    path = admin_world["path"]
    LearningPathPage.objects.filter(pk=path.pk).update(certificate_policy="after_approval")
    complete(doctor, LearningPathPage.objects.get(pk=path.pk))
    claim = CreditClaim.objects.get(enrolment__user=doctor)
    assert not Certificate.objects.filter(claim=claim).exists()
    return claim


@pytest.mark.parametrize("value", BAD_NUMBERS.values(), ids=list(BAD_NUMBERS))
def test_issue_form_says_the_selection_is_invalid(client, admin_world, awaiting_claim, value):
    """Found on a fresh clone by the property tests: 5,000 digits were a 500."""
    client.force_login(admin_world["staff"])
    response = client.post(
        "/admin/certificates/issue/", {"claims": [str(awaiting_claim.pk), value]}
    )
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    assert not Certificate.objects.filter(claim=awaiting_claim).exists()


def test_record_filter_with_a_bad_id_shows_every_record(client, admin_world):
    """The refused filter is reported on the filter and the listing is not
    narrowed to nothing: the certificate is still listed."""
    client.force_login(admin_world["superuser"])
    certificate = Certificate.objects.get()
    response = client.get("/admin/certificate/", {"path": OVER_LIMIT})
    assert response.status_code == 200
    assert certificate.number in response.content.decode()


def test_answer_indexes_are_parsed_with_a_length_limit(at_test):
    from django.http import QueryDict

    from learning.journey.questions import post_test_questions

    questions = post_test_questions(at_test)
    post = QueryDict(mutable=True)
    for question in questions:
        post.setlist(f"q-{question.id}", ["0"])
    assert parse_test_answers(post, questions)[1] is None
    post.setlist(f"q-{questions[0].id}", [OVER_LIMIT])
    answers, error = parse_test_answers(post, questions)
    assert answers == {} and "do not match" in error


@pytest.mark.parametrize("value", [OVER_LIMIT, str(2**64), "12345678901"])
def test_search_page_number_is_capped(value):
    form = SearchForm(QueryDict(f"q=x&page={value}"))
    assert form.is_valid()
    assert form.cleaned_data["page"] == MAX_PAGE


# --- every list filter of the admin, Wagtail's own included -----------------------


def _listings():
    """(url, [query keys]) for every admin listing with filters and no
    arguments in its address, found by walking the URL patterns."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    found = {}
    for route, pattern in walk(get_resolver().url_patterns, ""):
        view_class = getattr(pattern.callback, "view_class", None)
        if not route.startswith("admin/") or "<" in route or "(" in route:
            continue
        if view_class is None or not hasattr(view_class, "filterset_class"):
            continue
        filterset = view_class(**getattr(pattern.callback, "view_initkwargs", {})).filterset_class
        if filterset is None:
            continue
        keys = []
        for name, filter_ in filterset.base_filters.items():
            suffixes = getattr(filter_.field_class.widget, "suffixes", None) or [None]
            keys += [f"{name}_{s}" if s else name for s in suffixes]
        found["/" + route] = keys
    return found


LISTINGS = _listings()


def test_the_listing_walk_finds_the_filters():
    """Guards the walk itself: the learner records and Wagtail's reports."""
    assert "path" in LISTINGS["/admin/certificate/"]
    assert "user" in LISTINGS["/admin/reports/site-history/"]
    assert len(LISTINGS) >= 20


@pytest.mark.parametrize("url", sorted(LISTINGS))
def test_every_admin_filter_refuses_bad_numbers(client, admin_world, url):
    client.force_login(admin_world["superuser"])
    problems = {}
    for key in [*LISTINGS[url], "p", "group", "collection_id", "owner"]:
        for label in ("over-4300-digits", "2**64", "bigint-min-1"):
            status = client.get(url, {key: BAD_NUMBERS[label]}).status_code
            if status not in (200, 302, 404):
                problems[f"{key}={label}"] = status
    assert problems == {}
