"""Licence cycles and totals per credit type: Curbside's AMA PRA certificates
count as AMA PRA Category 1 Credit; credit from elsewhere counts by its type;
a cycle counts only what falls within its dates."""

import datetime
from decimal import Decimal

from django.utils import timezone

import pytest

from learning.certificates.cycles import cycle_bounds, cycle_status, entries, totals_by_type
from learning.certificates.transcript import transcript
from learning.models import Certificate, ExternalCredit, LicenceCycle

from .conftest import complete

pytestmark = pytest.mark.django_db


def external(user, day, kind, amount):
    return ExternalCredit.objects.create(
        user=user,
        provider="Elsewhere CME",
        activity=f"Activity {day}",
        completed_on=day,
        credit_type=kind,
        amount=Decimal(amount),
    )


def test_cycle_bounds_step_in_whole_years_from_the_first_start():
    cycle = LicenceCycle(starts_on=datetime.date(2021, 7, 1), years=2, credits_required=50)
    assert cycle_bounds(cycle, datetime.date(2026, 3, 1)) == (
        datetime.date(2025, 7, 1),
        datetime.date(2027, 7, 1),
    )
    assert cycle_bounds(cycle, datetime.date(2025, 7, 1))[0] == datetime.date(2025, 7, 1)
    assert cycle_bounds(cycle, datetime.date(2025, 6, 30))[0] == datetime.date(2023, 7, 1)
    # Before the first cycle: the first cycle.
    assert cycle_bounds(cycle, datetime.date(2020, 1, 1))[0] == datetime.date(2021, 7, 1)
    leap = LicenceCycle(starts_on=datetime.date(2024, 2, 29), years=1, credits_required=1)
    assert cycle_bounds(leap, datetime.date(2025, 3, 1))[0] == datetime.date(2025, 2, 28)


def test_totals_per_type_and_per_cycle_across_a_cycle_boundary(
    learner, path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete(learner, path, credits="1.5")
    certificate = Certificate.objects.get(user=learner)
    today = certificate.completion_date
    start = today.replace(month=1, day=1)
    first = start.replace(year=start.year - 3)  # cycles of a year, since three years ago
    cycle = LicenceCycle.objects.create(
        user=learner, name="Ohio licence", credits_required=10, years=1, starts_on=first
    )
    everything = LicenceCycle.objects.create(
        user=learner,
        name="Board cycle",
        credits_required=5,
        years=1,
        starts_on=first,
        counts="all",
    )
    external(learner, start, "ama_1", "2")  # first day of this cycle: counts
    external(learner, start - datetime.timedelta(days=1), "ama_1", "4")  # last cycle: not
    external(learner, start, "ama_2", "3")  # counts for "all" only

    items = entries([certificate], ExternalCredit.objects.filter(user=learner))
    totals = {t.credit_type: t.amount for t in totals_by_type(items)}
    assert totals == {"ama_1": Decimal("7.5"), "ama_2": Decimal("3")}

    ama = cycle_status(cycle, items, today)
    assert (ama.starts_on, ama.ends_on) == (start, start.replace(month=12, day=31))
    assert ama.counted == Decimal("3.5") and ama.left == Decimal("6.5") and not ama.met
    assert cycle_status(everything, items, today).counted == Decimal("6.5")
    # The day before: the previous cycle, with only the 4 credits from then.
    before = cycle_status(cycle, items, start - datetime.timedelta(days=1))
    assert before.counted == Decimal("4")


def test_participation_hours_never_count_as_credit(nurse, path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complete(nurse, path, credits="1.5")
    LicenceCycle.objects.create(
        user=nurse,
        name="Nursing licence",
        credits_required=20,
        years=2,
        starts_on=datetime.date(2020, 1, 1),
        counts="all",
    )
    data = transcript(nurse)
    assert data["type_totals"] == [] and data["totals"].hours == Decimal("1.5")
    assert data["cycles"][0].counted == 0


def test_transcript_page_shows_totals_and_the_current_cycle(client, learner):
    today = timezone.localdate()
    external(learner, today, "ama_1", "1.25")
    client.force_login(learner)
    response = client.post(
        "/me/transcript/cycles/add/",
        {
            "name": "Texas licence",
            "credits_required": "48",
            "years": "2",
            "starts_on": today.replace(month=1, day=1).isoformat(),
            "counts": "ama_1",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/me/transcript/"
    html = client.get("/me/transcript/").content.decode()
    assert "Totals per credit type" in html and "Texas licence" in html
    assert "<td>1.25</td>" in html and "<td>46.75</td>" in html


def test_cycle_form_refuses_nonsense_and_keeps_the_input(client, learner):
    client.force_login(learner)
    response = client.post(
        "/me/transcript/cycles/add/",
        {
            "name": "My licence",
            "credits_required": "0",
            "years": "40",
            "starts_on": "2025-01-01",
            "counts": "ama_1",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="My licence"' in html and "Ensure this value" in html
    assert not LicenceCycle.objects.exists()


def test_edit_and_delete_a_cycle_and_another_learners_is_404(client, learner, other_learner):
    mine = LicenceCycle.objects.create(
        user=learner, name="Mine", credits_required=10, years=1, starts_on=datetime.date(2025, 1, 1)
    )
    theirs = LicenceCycle.objects.create(
        user=other_learner,
        name="Theirs",
        credits_required=10,
        years=1,
        starts_on=datetime.date(2025, 1, 1),
    )
    client.force_login(learner)
    for url in (
        f"/me/transcript/cycles/{theirs.pk}/edit/",
        f"/me/transcript/cycles/{theirs.pk}/delete/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert LicenceCycle.objects.filter(pk=theirs.pk).exists()
    response = client.post(
        f"/me/transcript/cycles/{mine.pk}/edit/",
        {
            "name": "Mine, renamed",
            "credits_required": "12",
            "years": "3",
            "starts_on": "2025-01-01",
            "counts": "all",
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.name, mine.years, mine.counts) == ("Mine, renamed", 3, "all")
    assert client.post(f"/me/transcript/cycles/{mine.pk}/delete/").status_code == 302
    assert not LicenceCycle.objects.filter(user=learner).exists()
