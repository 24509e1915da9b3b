"""No account enumeration by timing: a failed log-in or a sign-up costs the
same number of password hashes whether the account exists or not.

The time of a failed log-in is dominated by password hashing (PBKDF2 with
hundreds of thousands of iterations in production), so counting hashes here
is a deterministic test of what an attacker's stopwatch would see; the
measured ratio of the two cases is in docs/benchmarks.md
(benchmarks/enumeration_bench.py)."""

from django.contrib.auth.hashers import MD5PasswordHasher

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HASHES = []


class CountingHasher(MD5PasswordHasher):
    """The test suite's fast hasher, counting every hash it computes."""

    def encode(self, password, salt):
        HASHES.append(password)
        return super().encode(password, salt)

    def verify(self, password, encoded):
        return super().verify(password, encoded)


@pytest.fixture
def counting(settings):
    settings.PASSWORD_HASHERS = ["tests.cms.test_enumeration.CountingHasher"]
    HASHES.clear()
    return HASHES


def hashes_for(client, counting, url, data):
    counting.clear()
    client.cookies.clear()
    response = client.post(url, data)
    return response, len(counting)


@pytest.mark.parametrize(
    ("known", "unknown"),
    [("maya@example.org", "nobody@example.org"), ("maya", "nobody")],
    ids=["by-email", "by-username"],
)
def test_failed_log_in_costs_one_hash_known_or_unknown(client, counting, known, unknown):
    UserFactory(username="maya", email="maya@example.org")
    answers = {}
    for login in (known, unknown):
        response, hashes = hashes_for(
            client, counting, "/accounts/login/", {"login": login, "password": "wrong-guess-123"}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "not correct" in page
        answers[login] = hashes
    assert answers == {known: 1, unknown: 1}


def test_successful_log_in_still_works(client, counting):
    UserFactory(username="maya", email="maya@example.org")
    response, hashes = hashes_for(
        client,
        counting,
        "/accounts/login/",
        {"login": "maya@example.org", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302 and hashes == 1


def test_sign_up_costs_the_same_for_a_taken_address(client, counting):
    UserFactory(username="taken", email="taken@example.org")
    costs = []
    for email in ("taken@example.org", "fresh@example.org"):
        response, hashes = hashes_for(
            client,
            counting,
            "/accounts/signup/",
            {"email": email, "password1": "a-long-passphrase!", "password2": "a-long-passphrase!"},
        )
        assert response.status_code == 302
        costs.append(hashes)
    assert costs[0] == costs[1] == 1
