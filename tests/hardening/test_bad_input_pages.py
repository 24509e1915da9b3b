"""Bad input, property-based (bad_input.py): the site's pages outside the
admin. Certificate verification (the form, the link, its rate limit), the
transcript, the profile's ``next`` parameter and the public listings answer
any query normally and never send anyone off the site."""

import re
import string
from urllib.parse import quote, urlencode

from django.utils.encoding import iri_to_uri

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learning.certificates.codes import grouped
from learning.journey import progress
from learning.models import Certificate

from .bad_input import (
    FEW,
    PROPERTY,
    any_text,
    assert_not_server_error,
    assert_refused_with_message,
    form_value,
    long_text,
    nasty,
    number_text,
)

pytestmark = pytest.mark.django_db


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
