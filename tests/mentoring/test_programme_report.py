"""The programme report (issue: mentorship, item 7): what staff see about
their programme, and the group breakdown that never singles anyone out."""

import csv
import io
from datetime import timedelta

from django.utils import timezone

import pytest

from mentoring.models import EndReason, RelationshipStatus, RequestStatus
from mentoring.reports.figures import MIN_GROUP, percentile_90
from mentoring.reports.programme import build_report
from tests.factories import InstitutionStaffFactory, UserFactory
from tests.factories.mentoring import MatchRequestFactory, ProgrammeFactory, RelationshipFactory

from .conftest import mentee_in, mentor_in

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def answered(programme, mentee, mentor, hours, status=RequestStatus.ACCEPTED):
    created = NOW - timedelta(days=10)
    return MatchRequestFactory(
        programme=programme,
        mentee=mentee,
        mentor=mentor,
        status=status,
        created_at=created,
        responded_at=created + timedelta(hours=hours),
    )


def ended(programme, mentee, mentor, reason):
    return RelationshipFactory(
        programme=programme,
        mentee=mentee,
        mentor=mentor,
        status=RelationshipStatus.ENDED,
        ended_at=NOW,
        end_reason=reason,
    )


@pytest.fixture
def world():
    programme = ProgrammeFactory(slug="first-years", title="First years in practice")
    mentor = mentor_in(programme, capacity=10)
    abroad = [mentee_in(programme, own_experiences=["trained_abroad"]) for _ in range(6)]
    rural = [mentee_in(programme, own_experiences=["rural_practice"]) for _ in range(2)]
    quiet = mentee_in(programme)
    # Answer times 2, 4, ..., 12 hours for the six who trained abroad.
    for i, mentee in enumerate(abroad):
        answered(programme, mentee, mentor, hours=2 * (i + 1))
    answered(programme, rural[0], mentor, hours=100, status=RequestStatus.DECLINED)
    MatchRequestFactory(programme=programme, mentee=quiet, mentor=mentor)  # pending
    for mentee in abroad[:4]:
        RelationshipFactory(programme=programme, mentee=mentee, mentor=mentor)
    ended(programme, abroad[4], mentor, EndReason.NOT_A_FIT)
    ended(programme, abroad[5], mentor, EndReason.COMPLETED)
    return programme


def test_overall_figures(world):
    report = build_report(world, NOW)
    assert report.participants.mentees == 9 and report.participants.mentors == 1
    f = report.overall
    assert f.requests == 8 and f.mentees_requesting == 8
    assert f.requests_by_status[RequestStatus.ACCEPTED] == 6
    assert f.requests_by_status[RequestStatus.PENDING] == 1
    assert f.answered == 7
    assert f.answer_hours_median == 8  # 2 4 6 8 10 12 100
    assert f.answered_within_3_days == 6
    assert f.relationships == 6 and f.mentees_matched == 6
    assert f.ended == 2 and f.ended_early == 1
    assert dict(f.end_reasons) == {EndReason.NOT_A_FIT: 1}
    assert report.matched_by_staff == 6  # the factory's relationships have no request


def test_small_groups_are_hidden_count_included(world):
    report = build_report(world, NOW)
    rows = {row.key: row for row in report.groups}
    assert not rows["trained_abroad"].hidden
    assert rows["trained_abroad"].figures.mentees == 6
    assert rows["trained_abroad"].figures.answer_hours_median == 7
    for key in ("rural_practice", "woman_in_specialty", "not_shared"):
        assert rows[key].hidden and rows[key].size is None and rows[key].figures is None


def test_the_page_and_csv_never_show_a_small_group(client, world):
    staff = InstitutionStaffFactory()
    world.institution.staff.add(staff)
    client.force_login(staff)
    page = client.get(f"/admin/mentoring/programmes/{world.pk}/report/").content.decode()
    assert "Programme report: First years in practice" in page
    assert "Trained abroad" in page
    assert page.count("Fewer than 5 mentees: hidden") == 5  # four groups and "shared nothing"
    response = client.get(f"/admin/mentoring/programmes/{world.pk}/report.csv")
    rows = {row[0]: row for row in csv.reader(io.StringIO(response.content.decode()))}
    assert rows["All mentees"][1] == "9"
    assert rows["Trained abroad (international medical graduate)"][1] == "6"
    assert rows["Rural or low-resource practice"][1] == f"fewer than {MIN_GROUP}: hidden"
    assert set(rows["Rural or low-resource practice"][2:]) == {""}


def test_other_institutions_staff_get_404(client, world):
    other = InstitutionStaffFactory()
    ProgrammeFactory().institution.staff.add(other)
    client.force_login(other)
    assert client.get(f"/admin/mentoring/programmes/{world.pk}/report/").status_code == 404
    assert client.get(f"/admin/mentoring/programmes/{world.pk}/report.csv").status_code == 404


def test_query_count_does_not_grow_with_the_programme(django_assert_max_num_queries, world):
    with django_assert_max_num_queries(8):
        build_report(world, NOW)
    for _ in range(10):
        mentee_in(world, own_experiences=["career_break"])
    with django_assert_max_num_queries(8):
        build_report(world, NOW)


def test_percentile_90():
    assert percentile_90([]) is None
    assert percentile_90([5]) == 5
    assert percentile_90(list(range(1, 11))) == pytest.approx(9.1)


def test_an_empty_programme_reports_zeros(client):
    programme = ProgrammeFactory()
    report = build_report(programme, NOW)
    assert report.overall.mentees == 0 and report.overall.answer_hours_median is None
    su = UserFactory(superuser=True)
    client.force_login(su)
    page = client.get(f"/admin/mentoring/programmes/{programme.pk}/report/").content.decode()
    assert "No request has been answered yet." in page


def test_sessions_held_and_exit_ratings_come_from_the_space(world):
    from mentoring.models import ExitSurvey, Relationship, Role, Session, SessionStatus

    pairs = list(Relationship.objects.filter(programme=world).order_by("pk"))
    start = NOW - timedelta(days=20)
    for i, status in enumerate([SessionStatus.HELD, SessionStatus.HELD, SessionStatus.CANCELLED]):
        Session.objects.create(
            relationship=pairs[0],
            starts_at=start + timedelta(days=i),
            ends_at=start + timedelta(days=i, hours=1),
            status=status,
            cancelled_at=NOW if status == SessionStatus.CANCELLED else None,
        )
    Session.objects.create(
        relationship=pairs[1], starts_at=start, ends_at=start + timedelta(hours=1)
    )  # scheduled, not held
    ended_pair = Relationship.objects.get(programme=world, end_reason=EndReason.NOT_A_FIT)
    for role, author, rating in (
        (Role.MENTEE, ended_pair.mentee, 2),
        (Role.MENTOR, ended_pair.mentor, 4),
    ):
        ExitSurvey.objects.create(
            relationship=ended_pair,
            author=author,
            role=role,
            reason="not_a_fit",
            rating=rating,
            would_recommend=False,
        )
    f = build_report(world, NOW).overall
    # Six pairs: one held 2 sessions, the others none (cancelled and scheduled ones do not count).
    assert f.sessions_per_pair_median == 0 and f.pairs_without_session == 5
    assert f.sessions_per_pair_mean == pytest.approx(2 / 6)
    assert (f.mentee_rating_mean, f.mentee_ratings) == (2, 1)
    assert (f.mentor_rating_mean, f.mentor_ratings) == (4, 1)


def test_the_programme_list_links_to_each_report(client, world):
    staff = InstitutionStaffFactory()
    world.institution.staff.add(staff)
    client.force_login(staff)
    page = client.get("/admin/mentoring/programmes/").content.decode()
    assert f'href="/admin/mentoring/programmes/{world.pk}/report/"' in page
