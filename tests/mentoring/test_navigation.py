"""Mentoring is reachable from every page's header, and the page it leads to answers."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_header_links_to_mentoring_programmes(client):
    page = client.get("/guides/").content.decode()
    assert '<a href="/mentoring/"' in page
    response = client.get("/mentoring/")
    assert response.status_code == 200


def test_each_member_reaches_the_pairs_space_and_questions_from_their_requests_page(client):
    from tests.factories import UserFactory
    from tests.factories.mentoring import ProgrammeFactory, RelationshipFactory

    mentee = UserFactory(first_name="Ifeoma", last_name="Adeyemi")
    mentor = UserFactory(first_name="Grace", last_name="Mensah")
    outsider = UserFactory()
    pair = RelationshipFactory(programme=ProgrammeFactory(), mentee=mentee, mentor=mentor)

    client.force_login(mentee)
    page = client.get("/mentoring/requests/").content.decode()
    assert "Mentored by Grace Mensah" in page
    assert f'href="/mentoring/space/{pair.pk}/"' in page
    assert f'href="/consults/relationships/{pair.pk}/"' in page
    space = client.get(f"/mentoring/space/{pair.pk}/").content.decode()
    assert f'href="/consults/relationships/{pair.pk}/">Questions for your mentor' in space

    client.force_login(mentor)
    assert "Mentoring Ifeoma Adeyemi" in client.get("/mentoring/requests/").content.decode()

    client.force_login(outsider)
    page = client.get("/mentoring/requests/").content.decode()
    assert f"/mentoring/space/{pair.pk}/" not in page
