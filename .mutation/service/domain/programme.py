"""Dosage ladders: every dose from an item's start to its target, and the week's place on them.

Raises ``LadderError`` (a ``ValueError``) for a dosage whose target cannot be reached in
bounded rises.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from .model import Difficulty, Dosage, Item, ProgrammeRules, Variation

MAX_RISE = 0.25  # a step raises sets x reps x seconds by at most this share...
SMALL_STEP = {"reps": 1, "seconds": 5}  # ...or by one repetition or 5 seconds of one number
LEVELS = tuple(Difficulty)


class LadderError(ValueError):
    """A dosage whose target cannot be reached from its start in bounded, never-falling steps."""


@dataclass(frozen=True, slots=True)
class Dose:
    """A concrete dosage: the numbers for one item this week."""

    sets: int
    reps: int | None
    hold_seconds: int | None
    duration_seconds: int | None
    seconds_per_rep: int | None
    rest_seconds: int
    per_side: bool

    # Time to do it: every set, both sides when per side, and the rests between sets. Computed
    # once: ladders are built once per dosage, and routines add these up again and again.
    seconds: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        if self.reps is not None:
            per_set = self.reps * ((self.seconds_per_rep or 0) + (self.hold_seconds or 0))
        else:
            per_set = self.duration_seconds or 0
        sides = 2 if self.per_side else 1
        seconds = self.sets * sides * per_set + (self.sets - 1) * self.rest_seconds
        object.__setattr__(self, "seconds", seconds)

    @property
    def volume(self) -> int:
        """Sets x reps x seconds of work (one side), the measure of a rise."""
        if self.reps is not None:
            return self.sets * self.reps * ((self.seconds_per_rep or 0) + (self.hold_seconds or 0))
        return self.sets * (self.duration_seconds or 0)


@dataclass(frozen=True, slots=True)
class Rung:
    """One dose on an item's ladder, and the harder variation it belongs to (None: the item)."""

    dose: Dose
    variation: Variation | None = None


def _dose(dosage: Dosage, sets: int, work: int, hold: int | None) -> Dose:
    return Dose(
        sets=sets,
        reps=work if dosage.reps else None,
        hold_seconds=hold,
        duration_seconds=None if dosage.reps else work,
        seconds_per_rep=dosage.seconds_per_rep.value if dosage.seconds_per_rep else None,
        rest_seconds=dosage.rest_seconds.value,
        per_side=dosage.per_side.value,
    )


@functools.cache
def ladder(dosage: Dosage) -> tuple[Dose, ...]:
    """Every dose from the start (each range's min) to the target (each range's max).

    Reps (or duration) and hold rise in turn; sets rise once both are at their target. Each
    step raises one number by the most whole notches (one rep, 5 seconds, one set) that keep
    the volume rise within MAX_RISE, and by one rep or 5 seconds when even that is more. No
    number ever falls. Raises LadderError when a set cannot be added within MAX_RISE.
    """
    work = dosage.reps or dosage.duration_seconds
    if work is None:  # the loader guarantees one of them
        raise LadderError("a dosage needs reps or duration_seconds")
    hold = dosage.hold_seconds
    work_notch = SMALL_STEP["reps"] if dosage.reps else SMALL_STEP["seconds"]
    sets, amount, held = dosage.sets.min, work.min, hold.min if hold else None
    doses = [_dose(dosage, sets, amount, held)]
    target = (dosage.sets.max, work.max, hold.max if hold else None)
    turn = 0
    while (sets, amount, held) != target:
        current = doses[-1]
        can_work = amount < work.max
        can_hold = hold is not None and held is not None and held < hold.max
        if can_work and (turn % 2 == 0 or not can_hold):
            amount = _rise(
                amount, work.max, work_notch, functools.partial(_dose, dosage, sets, hold=held)
            )
        elif can_hold and hold is not None and held is not None:
            held = _rise(
                held,
                hold.max,
                SMALL_STEP["seconds"],
                functools.partial(_dose, dosage, sets, amount),
            )
        else:
            if _dose(dosage, sets + 1, amount, held).volume > current.volume * (1 + MAX_RISE):
                raise LadderError(
                    f"sets cannot rise from {sets} to {sets + 1} within {MAX_RISE:.0%} of the "
                    "volume; start at the target's sets"
                )
            sets += 1
        turn += 1
        doses.append(_dose(dosage, sets, amount, held))
    return tuple(doses)


def _rise(value: int, top: int, notch: int, dose_at: Callable[[int], Dose]) -> int:
    """The highest value up to `top`, in whole notches, within MAX_RISE; at least one notch."""
    limit = dose_at(value).volume * (1 + MAX_RISE)
    best = min(top, value + notch)
    candidate = best + notch
    while candidate <= top and dose_at(candidate).volume <= limit:
        best = candidate
        candidate += notch
    if best < top and top - best < notch and dose_at(top).volume <= limit:
        best = top
    return best


def rungs(item: Item, level: Difficulty) -> tuple[Rung, ...]:
    """The item's ladder, then its harder variation's when the level allows that variation."""
    base = tuple(Rung(dose) for dose in ladder(item.dosage))
    harder = item.harder
    if harder is None or harder.dosage is None or not allows(level, harder.difficulty):
        return base
    return base + tuple(Rung(dose, harder) for dose in ladder(harder.dosage))


def allows(level: Difficulty, difficulty: Difficulty | None) -> bool:
    """Whether a person at `level` may do something of `difficulty`: at most one level above."""
    return difficulty is None or LEVELS.index(difficulty) <= LEVELS.index(level) + 1


def start(level: Difficulty, length: int) -> int:
    """Where a level starts on a ladder of `length` rungs: beginners at the start."""
    return round((length - 1) * LEVELS.index(level) / len(LEVELS))


def scheduled_steps(rules: ProgrammeRules, week: int, days_per_week: int) -> int:
    """Steps the weekly schedule has climbed by this week, held after the progress weeks.

    One step a week from `full_rate_days_per_week` days a week, one every two weeks below;
    either way the doses hold from the last progress week on.
    """
    weeks = min(week, rules.progress_weeks.value) - 1  # the climb ends with the progress weeks
    return weeks if days_per_week >= rules.full_rate_days_per_week.value else weeks // 2
