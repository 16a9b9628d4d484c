"""Doses and ladders worked out by hand: a dose's time, each rise within 25%, where levels start.

A dose takes sets x sides x reps x (seconds per rep + hold), or sets x sides x duration, plus
a rest between sets; its volume, the measure of a rise, is the same work for one side and no
rests. A ladder step raises one number by the most notches (1 rep, 5 seconds) that keep the
volume within 1.25 times the last step's, at least one notch, and lands on the target when it
is less than a notch away and within that limit.
"""

from __future__ import annotations

import pytest

from service.domain import Basis, Difficulty, Dosage, Dose, Range, Value
from service.domain.programme import allows, ladder, rungs, scheduled_steps, start

from .conftest import latest_with_rules

B = Basis.DEFAULT


Numbers = tuple[int, int | None, int | None, int | None, dict[str, int]]


def dose(
    sets: int, reps: int | None, hold: int | None, duration: int | None, **more: int
) -> Numbers:
    """A dose's numbers; the Dose itself is made in the test, where a mutation run sees it."""
    return sets, reps, hold, duration, more


def made(numbers: Numbers) -> Dose:
    sets, reps, hold, duration, more = numbers
    return Dose(
        sets=sets,
        reps=reps,
        hold_seconds=hold,
        duration_seconds=duration,
        seconds_per_rep=more.get("per_rep"),
        rest_seconds=more.get("rest", 0),
        per_side=bool(more.get("per_side", 0)),
    )


@pytest.mark.parametrize(
    ("given", "seconds", "volume"),
    [
        # 3 sets x 2 sides x 10 reps x (4 + 2) s = 360 s, and 2 rests of 30 s: 420 s.
        (dose(3, 10, 2, None, per_rep=4, rest=30, per_side=1), 420, 3 * 10 * 6),
        # 2 x 1 x 5 x 3 = 30 s and one rest of 10 s: 40 s.
        (dose(2, 5, None, None, per_rep=3, rest=10), 40, 30),
        # No seconds per rep: only the holds count, 4 x 5 = 20 s.
        (dose(1, 4, 5, None), 20, 20),
        # 2 sets x 2 sides x 30 s = 120 s and a rest of 15 s: 135 s; volume 2 x 30.
        (dose(2, None, None, 30, rest=15, per_side=1), 135, 60),
        # One set of 45 s on one side: no rest at all.
        (dose(1, None, None, 45, rest=60), 45, 45),
        # Neither reps nor a duration: only the rest between the sets is left.
        (dose(3, None, None, None, rest=10), 20, 0),
    ],
)
def test_a_dose_takes_its_work_and_the_rests_between_sets(
    given: Numbers, seconds: int, volume: int
) -> None:
    """seconds counts every set, both sides when per side, and sets - 1 rests."""
    found = made(given)
    assert (found.seconds, found.volume) == (seconds, volume)


def dosage(
    *,
    sets: tuple[int, int] = (1, 1),
    reps: tuple[int, int] | None = None,
    hold: tuple[int, int] | None = None,
    duration: tuple[int, int] | None = None,
    per_rep: int | None = None,
    rest: int = 0,
    per_side: bool = False,
) -> Dosage:
    def span(pair: tuple[int, int] | None) -> Range | None:
        return None if pair is None else Range(pair[0], pair[1], B)

    return Dosage(
        sets=Range(sets[0], sets[1], B),
        reps=span(reps),
        hold_seconds=span(hold),
        duration_seconds=span(duration),
        seconds_per_rep=None if per_rep is None else Value(per_rep, B),
        rest_seconds=Value(rest, B),
        per_side=Value(per_side, B),
    )


def steps(made: tuple[Dose, ...]) -> list[tuple[int, int | None, int | None, int | None]]:
    return [(d.sets, d.reps, d.hold_seconds, d.duration_seconds) for d in made]


def test_reps_rise_by_the_most_that_stays_within_a_quarter() -> None:
    """4 to 10 reps at 2 s: from 4, 1.25 x 8 s = 10 s allows 5 reps; from 5, 12.5 s allows 6;
    then 7 (15 s), 8 (17.5 s), and from 8, 20 s allows 10 at once."""
    made = ladder(dosage(reps=(4, 10), per_rep=2, rest=20, per_side=True))
    assert steps(made) == [(1, r, None, None) for r in (4, 5, 6, 7, 8, 10)]
    # Every dose keeps the dosage's seconds per rep, rest and sides.
    assert {(d.seconds_per_rep, d.rest_seconds, d.per_side) for d in made} == {(2, 20, True)}


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        # From 40 s the limit is 50 s: the next notches are 45 and 50, and 50 is within.
        ((40, 50), [40, 50]),
        # 47 is 2 s past 45, under a notch, and within 50 s: the step lands on it.
        ((40, 47), [40, 47]),
        # From 24 s the limit is exactly 30 s: 29 is a notch, then 30 is within, exactly.
        ((24, 30), [24, 30]),
        # 20 to 33: 25 (limit 25), 30 (limit 31.25; 33 is over it), then 33.
        ((20, 33), [20, 25, 30, 33]),
        # A step is at least a notch even past the limit: 5 to 10 s is a rise of 100%.
        ((5, 12), [5, 10, 12]),
    ],
)
def test_seconds_rise_in_notches_of_five_and_land_on_the_target(
    span: tuple[int, int], expected: list[int]
) -> None:
    """A duration climbs 5 s at a time within 25%, taking the target when it is close."""
    made = ladder(dosage(duration=span, rest=10))
    assert steps(made) == [(1, None, None, seconds) for seconds in expected]
    assert {(d.seconds_per_rep, d.rest_seconds, d.per_side) for d in made} == {(None, 10, False)}


def test_reps_and_holds_rise_in_turn() -> None:
    """4-10 reps at 2 s with a 5-15 s hold, one set. Reps and hold take turns:
    reps 5 (5 x 7 = 35 s, the limit from 28 s), hold 10 (one notch, 60 s), reps 6 (72 s of
    75), hold 15 (a notch, 102 s); then only reps are left: 7 (119 s of 127.5), 8 (136 s of
    148.75), and 10 (170 s, exactly 1.25 x 136)."""
    made = ladder(dosage(reps=(4, 10), hold=(5, 15), per_rep=2))
    assert [(d.reps, d.hold_seconds) for d in made] == [
        (4, 5),
        (5, 5),
        (5, 10),
        (6, 10),
        (6, 15),
        (7, 15),
        (8, 15),
        (10, 15),
    ]


def test_sets_rise_last_when_the_volume_allows() -> None:
    """4 to 5 sets of 10 s: 5 x 10 = 50 s is exactly 1.25 x 40 s, allowed."""
    assert steps(ladder(dosage(sets=(4, 5), duration=(10, 10)))) == [
        (4, None, None, 10),
        (5, None, None, 10),
    ]


@pytest.mark.parametrize(
    ("level", "difficulty", "allowed"),
    [
        (Difficulty.BEGINNER, Difficulty.BEGINNER, True),
        (Difficulty.BEGINNER, Difficulty.INTERMEDIATE, True),
        (Difficulty.BEGINNER, Difficulty.ADVANCED, False),
        (Difficulty.INTERMEDIATE, Difficulty.ADVANCED, True),
        (Difficulty.INTERMEDIATE, Difficulty.BEGINNER, True),
        (Difficulty.ADVANCED, Difficulty.BEGINNER, True),
        (Difficulty.ADVANCED, Difficulty.ADVANCED, True),
        (Difficulty.BEGINNER, None, True),
    ],
)
def test_a_level_allows_up_to_one_level_above_it(
    level: Difficulty, difficulty: Difficulty | None, allowed: bool
) -> None:
    """Beginners may do intermediate things, not advanced ones; no difficulty is no limit."""
    assert allows(level, difficulty) is allowed


@pytest.mark.parametrize(
    ("length", "starts"),
    [(7, (0, 2, 4)), (10, (0, 3, 6)), (1, (0, 0, 0)), (5, (0, 1, 3))],
)
def test_levels_start_a_third_and_two_thirds_up_a_ladder(
    length: int, starts: tuple[int, int, int]
) -> None:
    """On a ladder of n rungs a level starts at round((n - 1) x its rank / 3): 7 rungs give
    0, 2, 4; 10 give 0, 3, 6; 5 give 0, round(4/3) = 1, round(8/3) = 3."""
    assert tuple(start(level, length) for level in Difficulty) == starts


RELEASE, RULES = latest_with_rules()


@pytest.mark.parametrize(
    ("week", "days", "climbed"),
    [(1, 3, 0), (3, 3, 2), (3, 2, 1), (6, 7, 5), (9, 3, 5), (9, 2, 2), (12, 1, 2), (2, 2, 0)],
)
def test_the_schedule_climbs_a_step_a_week_at_full_rate_and_holds(
    week: int, days: int, climbed: int
) -> None:
    """With 6 progress weeks and a full rate of 3 days: week w climbs w - 1 steps (at most 5),
    and half as many, rounded down, on fewer days."""
    assert RULES.programme.progress_weeks.value == 6
    assert RULES.programme.full_rate_days_per_week.value == 3
    assert scheduled_steps(RULES.programme, week, days) == climbed


def test_a_harder_variation_extends_the_ladder_for_levels_it_allows() -> None:
    """An item with a harder variation climbs its own ladder, then the variation's, for
    levels at most one below the variation; other levels stop at the item's target."""
    items = [i for i in (*RELEASE.exercises, *RELEASE.stretches) if i.harder and i.harder.dosage]
    assert items
    for item in items:
        harder = item.harder
        assert harder is not None
        assert harder.dosage is not None
        own, extra = ladder(item.dosage), ladder(harder.dosage)
        for level in Difficulty:
            made = rungs(item, level)
            assert [rung.dose for rung in made[: len(own)]] == list(own)
            assert {rung.variation for rung in made[: len(own)]} == {None}
            if allows(level, harder.difficulty):
                assert [rung.dose for rung in made[len(own) :]] == list(extra)
                assert {rung.variation for rung in made[len(own) :]} == {harder}
            else:
                assert len(made) == len(own)
    levels = {(item.harder.difficulty if item.harder else None) for item in items}
    assert levels & {Difficulty.ADVANCED, Difficulty.INTERMEDIATE}
