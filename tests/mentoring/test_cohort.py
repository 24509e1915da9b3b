"""The cohort assignment against a brute force over every assignment, capacity,
the reasons a mentee is left unmatched, and the check of an adjusted table."""

import itertools
import random
from collections import Counter

import pytest

from mentoring.matching import (
    Experience,
    Topic,
    Weights,
    assign_cohort,
    check_pairs,
    evaluate,
    hard_limit,
)
from tests.mentoring.builders import WEEK, mentee, mentor, window


def brute_force(mentees, mentors, exclude_pairs=()):
    """The best (mentees matched, total score) over every way to give each
    mentee one allowed mentor or none, within each mentor's remaining room."""
    options = []
    for person in mentees:
        allowed = [None]
        for other in mentors:
            excluded = (person.user_id, other.user_id) in exclude_pairs
            if hard_limit(person, other, excluded) is None:
                allowed.append(other)
        options.append(allowed)
    best = (0, 0.0)
    for choice in itertools.product(*options):
        taken = Counter(other.user_id for other in choice if other is not None)
        if any(taken[other.user_id] > other.remaining for other in mentors):
            continue
        total = sum(
            evaluate(person, other, Weights(), WEEK).score
            for person, other in zip(mentees, choice, strict=True)
            if other is not None
        )
        matched = sum(other is not None for other in choice)
        if (matched, round(total, 6)) > (best[0], round(best[1], 6)):
            best = (matched, total)
    return best


def assert_optimal(mentees, mentors, exclude_pairs=()):
    result = assign_cohort(mentees, mentors, week=WEEK, exclude_pairs=exclude_pairs)
    matched, total = brute_force(mentees, mentors, frozenset(exclude_pairs))
    assert len(result.pairs) == matched
    assert result.total_score == pytest.approx(total, abs=1e-6)
    assert (
        check_pairs(
            mentees, mentors, [(p.mentee_id, p.mentor_id) for p in result.pairs], exclude_pairs
        )
        == []
    )
    assert len(result.pairs) + len(result.unmatched) == len(mentees)
    return result


def test_not_greedy_the_best_mentor_goes_where_it_adds_most():
    # Mentee 1 fits both mentors, A best; mentee 2 speaks only Spanish, so only A.
    a = mentor(user_id=100, capacity=1, current_mentees=0, languages=("English", "Spanish"))
    b = mentor(user_id=101, capacity=1, current_mentees=0, specialties=frozenset({"surgery"}))
    one = mentee(user_id=1)
    two = mentee(user_id=2, languages=("Spanish",), goals=frozenset({Topic.CLINICAL}))
    assert evaluate(one, a, Weights(), WEEK).score > evaluate(one, b, Weights(), WEEK).score
    result = assert_optimal([one, two], [a, b])
    assert (result.mentor_of(1), result.mentor_of(2)) == (101, 100)
    assert result.unmatched == ()


def test_matching_everyone_beats_a_higher_total():
    # Mentee 1 scores far higher with A, but taking A would leave mentee 2 with nobody.
    a = mentor(user_id=100, capacity=1, current_mentees=0, languages=("English", "Tagalog"))
    b = mentor(
        user_id=101,
        capacity=1,
        current_mentees=0,
        topics=frozenset(),
        specialties=frozenset(),
        availability=(),
    )
    one = mentee(user_id=1)
    two = mentee(
        user_id=2,
        languages=("Tagalog",),
        goals=frozenset({Topic.PRACTICE}),
        specialty="surgery",
        availability=(),
    )
    alone = evaluate(one, a, Weights(), WEEK).score
    together = evaluate(one, b, Weights(), WEEK).score + evaluate(two, a, Weights(), WEEK).score
    assert alone > together
    result = assert_optimal([one, two], [a, b])
    assert (result.mentor_of(1), result.mentor_of(2)) == (101, 100)


def test_capacity_two_for_three_mentees_leaves_one_with_the_reason():
    only = mentor(user_id=100, capacity=3, current_mentees=1)
    mentees = [
        mentee(user_id=1, wants_shared=frozenset({Experience.RURAL_PRACTICE})),
        mentee(user_id=2),
        mentee(user_id=3, goals=frozenset({Topic.CLINICAL})),
    ]
    result = assert_optimal(mentees, [only])
    assert sorted(p.mentee_id for p in result.pairs) == [1, 2]
    [left] = result.unmatched
    assert left.mentee_id == 3
    assert left.why == "the one mentor who fits is taken by other mentees in this assignment"


def test_why_nobody_fits_counts_each_limit():
    person = mentee(user_id=1, languages=("French",))
    mentors = [
        mentor(user_id=100, languages=("Hindi",)),
        mentor(user_id=101, languages=("Yoruba",)),
        mentor(user_id=102, languages=("French",), capacity=1, current_mentees=1),
    ]
    result = assign_cohort([person], mentors, week=WEEK)
    assert result.unmatched[0].why == "no mentor fits (no shared language: 2, full: 1)"
    assert assign_cohort([person], [], week=WEEK).unmatched[0].why == (
        "there are no mentors in this cohort"
    )


def test_excluded_pairs_are_not_suggested_again():
    a, b = mentor(user_id=100), mentor(user_id=101, specialties=frozenset())
    person = mentee(user_id=1)
    assert assign_cohort([person], [a, b], week=WEEK).mentor_of(1) == 100
    result = assert_optimal([person], [a, b], exclude_pairs={(1, 100)})
    assert result.mentor_of(1) == 101


def test_a_person_in_both_lists_is_not_given_themselves():
    both_roles = 7
    result = assert_optimal(
        [mentee(user_id=both_roles), mentee(user_id=8)],
        [mentor(user_id=both_roles, capacity=2, current_mentees=0)],
    )
    assert result.mentor_of(8) == both_roles
    assert result.mentor_of(both_roles) is None


ZONES = ["America/Chicago", "Africa/Lagos", "Asia/Kolkata", "Europe/London"]
LANGUAGES = ["English", "Spanish", "Hindi", "Yoruba"]


def random_people(seed, mentees, mentors):
    rng = random.Random(seed)

    def windows():
        return tuple(
            window(
                rng.randint(0, 6), f"{rng.randint(0, 23):02d}:00", f"{rng.randint(0, 23):02d}:30"
            )
            for _ in range(rng.randint(0, 3))
        )

    def some(values, low=0):
        return rng.sample(values, rng.randint(low, min(2, len(values))))

    people = [
        mentee(
            user_id=i,
            specialty=rng.choice(["internal medicine", "surgery", "family medicine"]),
            goals=frozenset(some(list(Topic))),
            languages=tuple(some(LANGUAGES, low=1)) + ("English",) * (rng.random() < 0.5),
            timezone=rng.choice(ZONES),
            availability=windows(),
            wants_shared=frozenset(some(list(Experience))),
            department=rng.choice(["", "Medicine"]),
            institution="Mercy",
        )
        for i in range(1, mentees + 1)
    ]
    others = [
        mentor(
            user_id=100 + j,
            topics=frozenset(some(list(Topic), low=1)),
            specialties=frozenset(some(["internal medicine", "surgery", "family medicine"], 1)),
            languages=("English", *some(LANGUAGES)),
            timezone=rng.choice(ZONES),
            availability=windows(),
            capacity=rng.randint(1, 3),
            current_mentees=rng.randint(0, 1),
            shares=frozenset(some(list(Experience))),
            department="Medicine",
            institution="Mercy",
            excludes_own_department=rng.random() < 0.3,
        )
        for j in range(mentors)
    ]
    return people, others


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_optimal_on_seeded_random_cohorts(seed):
    rng = random.Random(seed * 1000)
    people, others = random_people(seed, rng.randint(3, 6), rng.randint(2, 4))
    assert_optimal(people, others)


def test_capacity_and_hard_limits_hold_on_a_larger_cohort():
    people, others = random_people(99, 60, 15)
    result = assign_cohort(people, others, week=WEEK)
    by_id = {m.user_id: m for m in others}
    taken = Counter(p.mentor_id for p in result.pairs)
    assert all(taken[mentor_id] <= by_id[mentor_id].remaining for mentor_id in taken)
    pairs = [(p.mentee_id, p.mentor_id) for p in result.pairs]
    assert check_pairs(people, others, pairs) == []
    # Nobody is left out while a mentor who fits them still has room.
    for left in result.unmatched:
        person = next(p for p in people if p.user_id == left.mentee_id)
        for other in others:
            if hard_limit(person, other) is None:
                assert taken[other.user_id] == other.remaining, left
    assert all(p.summary for p in result.pairs if p.score > 0)
    assert assign_cohort(people, others, week=WEEK) == result  # deterministic


def test_check_pairs_names_what_staff_got_wrong():
    full = mentor(user_id=100, capacity=1, current_mentees=0)
    hindi = mentor(user_id=101, languages=("Hindi",))
    people = [mentee(user_id=1), mentee(user_id=2)]
    problems = check_pairs(people, [full, hindi], [(1, 100), (2, 100), (2, 101), (3, 100)])
    assert problems == [
        "mentee 2 is paired more than once",
        "mentee 3 is not in this cohort",
        "mentor 100 has room for 1 but is given 2",
    ]
    assert check_pairs(people, [full, hindi], [(1, 101)]) == [
        "mentor 101 shares no language with the mentee (mentee 1)"
    ]
