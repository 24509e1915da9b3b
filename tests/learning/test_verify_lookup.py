"""The public verification page: a verifier may type the certificate number
(with the learner's last name) as well as the code, and a malformed code gets
the site's verify page saying what is wrong, not a bare 404."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_number_with_the_last_name_finds_the_certificate(client, certificate):
    typed = certificate.number.lower().replace("-", " ")
    response = client.get("/certificates/verify/", {"code": typed, "last_name": "able"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert certificate.number in page.content.decode()


def test_the_number_alone_asks_for_the_last_name(client, certificate):
    response = client.get("/certificates/verify/", {"code": certificate.number})
    assert response.status_code == 400
    html = response.content.decode()
    assert "also enter the learner’s last name" in html
    assert f'value="{certificate.number}"' in html
    assert "Alice" not in html


def test_the_number_with_another_name_finds_nothing(client, certificate):
    response = client.get(
        "/certificates/verify/", {"code": certificate.number, "last_name": "Smith"}
    )
    assert response.status_code == 404
    html = response.content.decode()
    assert "No certificate matches" in html
    assert "Alice" not in html


def test_a_malformed_code_in_the_link_shows_the_verify_page(client):
    response = client.get("/certificates/verify/not-a-code/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Verify a certificate</h1>" in html
    assert "neither a certificate code" in html
    assert 'value="not-a-code"' in html
    assert 'class="site-footer"' in html


def test_every_page_links_to_verification(client):
    html = client.get("/guides/").content.decode()
    assert '<a href="/certificates/verify/">Verify a certificate</a>' in html
