"""The matching engine's score, its plain-word reasons, the hard limits and a
mentee's suggestions, on hand-built profiles (no database)."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cms.choices import AudienceLevel
from cms.choices import Topic as SiteTopic
from mentoring.matching import (
    CareerStage,
    Experience,
    HardLimit,
    Topic,
    Weights,
    assign_cohort,
    evaluate,
    hard_limit,
    suggestions,
    suggestions_for_all,
)
from mentoring.matching.profiles import Availability
from tests.mentoring.builders import WEEK, mentee, mentor, window
from tests.properties import examples

IMG = frozenset({Experience.TRAINED_ABROAD})


def test_enums_match_the_sites_topics_and_audience_levels():
    assert {t.value for t in Topic} == set(SiteTopic.values)
    assert {s.value for s in CareerStage} == set(AudienceLevel.values)


def test_img_asking_for_trained_abroad_gets_that_reason_first():
    asking = mentee(
        wants_shared=IMG,
        own_experiences=IMG,
        languages=("Spanish", "English"),
        availability=(window(1, "18:00", "21:00"),),
    )
    shares = mentor(shares=IMG, languages=("English", "Spanish"), capacity=3, current_mentees=1)
    match = evaluate(asking, shares, Weights(), WEEK)

    assert match.summary == (
        "both trained abroad; mentors on career navigation; internal medicine; "
        "3 hours a week overlap; speaks Spanish and English; has room for 2 more mentees"
    )
    # 30 + 20 + 15 + 15 + 10 + 10 * 2/3 out of 100.
    assert match.score == pytest.approx(96.6667, abs=1e-3)
    assert [r.points for r in match.reasons] == sorted(
        (r.points for r in match.reasons), reverse=True
    )


def test_the_asked_for_experience_weighs_most():
    asking = mentee(wants_shared=IMG, own_experiences=IMG)
    shares = mentor(user_id=100, shares=IMG, specialties=frozenset({"pediatrics"}))
    same_specialty = mentor(user_id=101, specialties=frozenset({"internal medicine"}))
    assert (
        evaluate(asking, shares, Weights(), WEEK).score
        > evaluate(asking, same_specialty, Weights(), WEEK).score
    )
    top = suggestions(asking, [same_specialty, shares], week=WEEK)
    assert [m.mentor_id for m in top] == [100, 101]
    assert top[0].reasons[0].text == "both trained abroad"
    assert "trained abroad" not in top[1].summary


def test_experience_wording_when_only_the_mentor_has_it():
    asking = mentee(wants_shared=frozenset({Experience.CAREER_BREAK, Experience.RURAL_PRACTICE}))
    shares = mentor(shares=frozenset({Experience.CAREER_BREAK}))
    match = evaluate(asking, shares, Weights(), WEEK)
    [shared] = [r for r in match.reasons if r.criterion == "shared_experience"]
    assert shared.text == "took a career break"
    # Half of what was asked for: half of the experience weight, below full goals (20).
    assert shared.points == pytest.approx(15.0)
    assert match.reasons[0].text == "mentors on career navigation"


def test_experiences_a_mentor_shares_but_nobody_asked_for_are_not_mentioned():
    match = evaluate(mentee(), mentor(shares=IMG), Weights(), WEEK)
    assert "abroad" not in match.summary


def test_a_mentee_who_left_optional_fields_blank_can_still_score_100():
    blank = mentee(goals=frozenset(), specialty="")
    room = mentor(capacity=2, current_mentees=0)
    match = evaluate(blank, room, Weights(), WEEK)
    assert match.score == pytest.approx(100.0)
    assert match.summary == "3 hours a week overlap; speaks English; has room for 2 more mentees"


def test_a_later_language_counts_half():
    spanish_first = mentee(languages=("Spanish", "English"))
    english_only = mentor(languages=("English",))
    both = mentor(languages=("Spanish", "English"))
    gap = (
        evaluate(spanish_first, both, Weights(), WEEK).score
        - evaluate(spanish_first, english_only, Weights(), WEEK).score
    )
    # Half of the language weight (10), out of 70 (no experiences asked for).
    assert gap == pytest.approx(10 * 0.5 * 100 / 70, abs=1e-3)


def test_overlap_wording():
    one = evaluate(mentee(), mentor(availability=(window(1, "18:00", "19:00"),)), Weights(), WEEK)
    half = evaluate(mentee(), mentor(availability=(window(1, "18:00", "18:30"),)), Weights(), WEEK)
    none = evaluate(mentee(), mentor(availability=(window(3, "18:00", "19:00"),)), Weights(), WEEK)
    assert "1 hour a week overlap" in one.summary
    assert "30 minutes a week overlap" in half.summary
    assert "overlap" not in none.summary
    assert one.score > half.score > none.score


def test_weights_are_named_and_checked():
    goals_only = Weights(shared_experience=0, specialty=0, overlap=0, language=0, capacity=0)
    covers = mentor(topics=frozenset({Topic.CAREER}))
    asking = mentee(goals=frozenset({Topic.CAREER, Topic.CLINICAL}))
    match = evaluate(asking, covers, goals_only, WEEK)
    assert match.score == pytest.approx(50.0)
    assert match.summary == "mentors on career navigation"
    with pytest.raises(ValueError, match="must not be negative"):
        Weights(language=-1)


# Hard limits -------------------------------------------------------------


@pytest.mark.parametrize(
    ("mentee_fields", "mentor_fields", "limit"),
    [
        ({}, {"user_id": 1}, HardLimit.SELF),
        ({}, {"capacity": 2, "current_mentees": 2}, HardLimit.FULL),
        ({}, {"capacity": 0, "current_mentees": 0}, HardLimit.FULL),
        ({"languages": ("French",)}, {"languages": ("English", "Hindi")}, HardLimit.NO_LANGUAGE),
        (
            {"department": "Medicine", "institution": "St Mary's"},
            {
                "department": " medicine",
                "institution": "st  mary's",
                "excludes_own_department": True,
            },
            HardLimit.OWN_DEPARTMENT,
        ),
    ],
)
def test_hard_limits_rule_a_pair_out_everywhere(mentee_fields, mentor_fields, limit):
    person = mentee(user_id=1, **mentee_fields)
    other = mentor(**mentor_fields)
    assert hard_limit(person, other) is limit
    assert suggestions(person, [other], week=WEEK) == []
    cohort = assign_cohort([person], [other], week=WEEK)
    assert cohort.pairs == ()
    assert cohort.unmatched[0].mentee_id == 1
    assert cohort.unmatched[0].why.startswith("no mentor fits (")


def test_own_department_only_when_the_mentor_asks_and_only_at_their_institution():
    person = mentee(department="Medicine", institution="St Mary's")
    assert hard_limit(person, mentor(department="Medicine", institution="St Mary's")) is None
    assert (
        hard_limit(
            person,
            mentor(department="Medicine", institution="Royal Free", excludes_own_department=True),
        )
        is None
    )
    assert (
        hard_limit(
            mentee(department="Medicine"),  # institution unknown: cannot be the same department
            mentor(department="Medicine", institution="St Mary's", excludes_own_department=True),
        )
        is None
    )


def test_language_names_compare_without_case_or_spacing():
    assert hard_limit(mentee(languages=(" spanish",)), mentor(languages=("Spanish",))) is None


# Suggestions -----------------------------------------------------------------


def _many_mentors(count):
    rng = random.Random(7)
    return [
        mentor(
            user_id=200 + i,
            capacity=rng.randint(1, 4),
            current_mentees=0,
            topics=frozenset(rng.sample(list(Topic), rng.randint(1, 3))),
            specialties=frozenset({rng.choice(["internal medicine", "surgery"])}),
            availability=(window(1, f"{rng.randint(15, 20)}:00", "22:00"),),
        )
        for i in range(count)
    ]


def test_suggestions_are_at_most_five_best_first_and_deterministic():
    mentors = _many_mentors(12)
    person = mentee(goals=frozenset({Topic.CAREER, Topic.PRACTICE}))
    first = suggestions(person, mentors, week=WEEK)
    assert len(first) == 5
    scores = [m.score for m in first]
    assert scores == sorted(scores, reverse=True)
    everyone = sorted((evaluate(person, m, Weights(), WEEK).score for m in mentors), reverse=True)
    assert scores == everyone[:5]
    for seed in range(5):
        shuffled = list(mentors)
        random.Random(seed).shuffle(shuffled)
        assert suggestions(person, iter(shuffled), week=WEEK) == first
    assert len(suggestions(person, mentors, limit=2, week=WEEK)) == 2


def test_ties_go_to_more_room_then_the_lower_user_id():
    person = mentee(goals=frozenset(), specialty="")
    # All score 100 (room counts as a share of capacity), so the tie-breaks decide.
    a = mentor(user_id=303, capacity=1, current_mentees=0)
    b = mentor(user_id=301, capacity=1, current_mentees=0)
    c = mentor(user_id=302, capacity=4, current_mentees=0)
    assert [m.mentor_id for m in suggestions(person, [a, b, c], week=WEEK)] == [302, 301, 303]


def test_suggestions_skip_excluded_and_impossible_mentors():
    mentors = _many_mentors(8)
    person = mentee()
    best = suggestions(person, mentors, week=WEEK)
    declined = {best[0].mentor_id, best[1].mentor_id}
    again = suggestions(person, mentors, exclude=declined, week=WEEK)
    assert declined.isdisjoint(m.mentor_id for m in again)
    assert [m.mentor_id for m in again[:3]] == [m.mentor_id for m in best[2:]]
    assert hard_limit(person, mentors[0], excluded=True) is HardLimit.EXCLUDED


def test_suggestions_for_all_are_each_mentees_suggestions():
    mentors = _many_mentors(9)
    people = [mentee(user_id=1), mentee(user_id=2, goals=frozenset({Topic.CLINICAL}))]
    declined = {2: {suggestions(people[1], mentors, week=WEEK)[0].mentor_id}}
    every = suggestions_for_all(people, mentors, exclude=declined, week=WEEK)
    assert every[1] == suggestions(people[0], mentors, week=WEEK)
    assert every[2] == suggestions(people[1], mentors, exclude=declined[2], week=WEEK)
    assert declined[2].isdisjoint(m.mentor_id for m in every[2])


def test_a_mentor_listed_twice_is_a_clear_error():
    with pytest.raises(ValueError, match="mentor 100 is listed twice"):
        suggestions(mentee(), [mentor(), mentor()], week=WEEK)


def test_profiles_refuse_bad_input_with_a_message():
    with pytest.raises(ValueError, match="not a time zone name"):
        mentee(timezone="Chicago")
    with pytest.raises(ValueError, match="weekday"):
        Availability(7, window(0, "09:00", "10:00").start, window(0, "09:00", "10:00").end)
    with pytest.raises(ValueError, match="same time"):
        window(0, "09:00", "09:00")
    with pytest.raises(ValueError, match="negative"):
        mentor(capacity=-1)


# Properties ----------------------------------------------------------------

ZONES = ["America/Chicago", "Africa/Lagos", "Asia/Kolkata", "Europe/London", "Pacific/Auckland"]
windows = st.builds(
    lambda day, start, length: window(
        day, f"{start // 60:02d}:{start % 60:02d}", f"{(start + length) // 60 % 24:02d}:00"
    ),
    st.integers(0, 6),
    st.sampled_from([0, 360, 480, 1080, 1320]),
    st.sampled_from([60, 120, 180]),
)
experiences = st.frozensets(st.sampled_from(list(Experience)))
topics = st.frozensets(st.sampled_from(list(Topic)))


@settings(max_examples=examples(60), deadline=None)
@given(
    wants=experiences,
    shares=experiences,
    goals=topics,
    offered=topics,
    mentee_zone=st.sampled_from(ZONES),
    mentor_zone=st.sampled_from(ZONES),
    mentee_windows=st.lists(windows, max_size=3),
    mentor_windows=st.lists(windows, max_size=3),
    current=st.integers(0, 4),
)
def test_score_is_0_to_100_and_reasons_are_largest_first(
    wants, shares, goals, offered, mentee_zone, mentor_zone, mentee_windows, mentor_windows, current
):
    person = mentee(
        wants_shared=wants,
        goals=goals,
        timezone=mentee_zone,
        availability=tuple(mentee_windows),
    )
    other = mentor(
        shares=shares,
        topics=offered,
        timezone=mentor_zone,
        availability=tuple(mentor_windows),
        capacity=5,
        current_mentees=current,
    )
    match = evaluate(person, other, Weights(), WEEK)
    assert 0 <= match.score <= 100 + 1e-9
    points = [r.points for r in match.reasons]
    assert points == sorted(points, reverse=True)
    assert sum(points) <= match.score + 0.05
    if len(wants) == 1 and wants <= shares:  # one experience asked for and shared: 30 points
        assert match.reasons[0].criterion == "shared_experience"
