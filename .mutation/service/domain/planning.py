"""Plan a programme: choose the items that fit every week of a request, once per request.

The choice depends on everything in a request but the week and the feedback state (a
``PlanKey``), so one plan serves every week of a programme and is cached per key.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .model import Activity, Difficulty, Focus, Item, Load, PainBand, Position, Progression, Release
from .programme import LEVELS, Dose, Rung, allows, rungs, start
from .requests import PositionChoice, RoutineError, RoutineRequest, rules_of

STRETCH_SHARE = 0.6  # warm-up and cool-down together take at most this share of the budget
MAX_WARM_UP_STRETCHES = 2
BALANCED = (Focus.STRENGTH, Focus.BALANCE, Focus.FLEXIBILITY)
LOADS = tuple(Load)


@dataclass(frozen=True, slots=True)
class Planned:
    """An item in this week's routine: its dose, and the harder variation when it took over."""

    item: Item
    rung: Rung

    @property
    def dose(self) -> Dose:
        return self.rung.dose


@dataclass(frozen=True, slots=True)
class PlannedActivity:
    """Low-impact activity filling the time the exercises leave, the same every week."""

    activity: Activity
    minutes: int


@dataclass(frozen=True, slots=True, eq=False)
class Choice:
    """An item chosen for a programme, its ladder and the level's start on it."""

    item: Item
    ladder: tuple[Rung, ...]
    start: int
    peak: int  # the most seconds it takes in any week


def at(choice: Choice, stage: int) -> Planned:
    """The chosen item at `stage` of its ladder from the level's start, held at the top."""
    return Planned(choice.item, choice.ladder[min(len(choice.ladder) - 1, choice.start + stage)])


@dataclass(frozen=True, slots=True)
class Plan:
    """The items chosen for a programme, its activity, and how far its doses may climb."""

    stretches: tuple[Choice, ...]
    exercises: tuple[Choice, ...]
    activity: PlannedActivity | None
    max_stage: int  # the highest stage at which the whole routine still fits the time


@dataclass(frozen=True, slots=True)
class PlanKey:
    """What the choice of items depends on: everything but the week and the feedback state."""

    minutes: int
    equipment: frozenset[str]
    position: PositionChoice
    level: Difficulty
    focus: tuple[Focus, ...]
    exclude: frozenset[str]
    max_load: Load
    progression: Progression
    seed: int

    @classmethod
    def of(cls, request: RoutineRequest, band: PainBand) -> PlanKey:
        return cls(
            request.minutes,
            frozenset(request.equipment),
            request.position,
            request.level,
            request.focus,
            frozenset(request.exclude),
            band.max_forefoot_load,
            band.progression,
            request.seed,
        )


def failed_constraint(item: Item, key: PlanKey) -> tuple[str, str] | None:
    """The first constraint the item fails, as (request field, reason), or None."""
    if not item.fits(key.equipment):
        needs = " and ".join(" or ".join(group) for group in item.equipment)
        return "equipment", f"{item.id} needs {needs}"
    if key.position is not PositionChoice.ANY and item.position.value != key.position.value:
        return "position", f"{item.id} is done {item.position.value}"
    if item.id in key.exclude:
        return "exclude", f"{item.id} is excluded"
    if LOADS.index(item.forefoot_load) > LOADS.index(key.max_load):
        return "pain", f"{item.id} loads the ball of the foot too much at this pain"
    if not allows(key.level, item.difficulty):
        return "level", f"{item.id} is {item.difficulty.value}"
    return None


@functools.lru_cache(maxsize=256)  # small: memory per worker counts more than repeats here
def plan_for(release: Release, key: PlanKey) -> Plan:
    """The items of a programme, chosen so that every week fits the time.

    On the weekly schedule the items are chosen for their heaviest week. Where only feedback
    raises doses, they are chosen for a third of the climb, and feedback raises the doses
    only while the whole routine still fits (`max_stage`).
    """
    rules = rules_of(release)
    climb = rules.programme.progress_weeks.value - 1
    budget = key.minutes * 60
    # Where only feedback raises doses, leave room for a third of the climb it may earn.
    sized = climb if key.progression is Progression.SCHEDULE else climb // 3
    eligible = _eligible(release, replace(key, minutes=0, focus=(), seed=0))
    stretches = [_chosen(item, key.level, sized) for item in eligible.stretches]
    if not stretches:
        _no_stretch(release.stretches, key)
    exercises = [_chosen(item, key.level, sized) for item in eligible.exercises]
    warm = _pick_stretches(stretches, key, budget, {c.item.similar for c in exercises})
    groups = {choice.item.similar for choice in warm if choice.item.similar}
    left = budget - 2 * sum(choice.peak for choice in warm)
    picked = _pick_exercises(exercises, key, left, groups)
    gap = left - sum(choice.peak for choice in picked)
    activity = rules.activity
    minutes = min(activity.max_minutes.value, gap // 60)
    if minutes < activity.min_minutes.value:
        minutes = 0
    max_stage = sized
    while max_stage < climb and _seconds(warm, picked, max_stage + 1) + minutes * 60 <= budget:
        max_stage += 1
    order = {choice.item.id: index for index, choice in enumerate(exercises)}
    return Plan(
        stretches=warm,
        exercises=tuple(
            sorted(
                picked,
                key=lambda c: (
                    not any(focus in key.focus for focus in c.item.focus),  # asked-for first
                    c.item.position is not Position.SEATED,  # sit, then stand
                    order[c.item.id],
                ),
            )
        ),
        activity=PlannedActivity(activity, minutes) if minutes else None,
        max_stage=max_stage,
    )


@dataclass(frozen=True, slots=True)
class _Eligible:
    stretches: tuple[Item, ...]
    exercises: tuple[Item, ...]


@functools.lru_cache(maxsize=256)
def _eligible(release: Release, key: PlanKey) -> _Eligible:
    """The items that meet every constraint, in content order; the same for any minutes,
    focus or seed, which the key given here leaves at one value."""
    return _Eligible(
        tuple(item for item in release.stretches if failed_constraint(item, key) is None),
        tuple(item for item in release.exercises if failed_constraint(item, key) is None),
    )


@functools.lru_cache(maxsize=4096)
def _chosen(item: Item, level: Difficulty, sized: int) -> Choice:
    """The item's ladder at this level, where the level starts, and its heaviest sized week."""
    ladder = rungs(item, level)
    first = start(level, len(ladder))
    peak = max(rung.dose.seconds for rung in ladder[first : first + sized + 1])
    return Choice(item, ladder, first, peak)


def _seconds(warm: Sequence[Choice], exercises: Sequence[Choice], stage: int) -> int:
    """The routine's seconds at a stage: the stretches count twice, before and after."""
    return 2 * sum(at(c, stage).dose.seconds for c in warm) + sum(
        at(c, stage).dose.seconds for c in exercises
    )


def _no_stretch(stretches: Sequence[Item], key: PlanKey) -> None:
    reasons = [failed_constraint(item, key) for item in stretches]
    failed = [reason for reason in reasons if reason is not None]
    fields = sorted({name for name, _ in failed})
    raise RoutineError(
        fields[0],
        "no stretch is possible for the warm-up and cool-down, which every routine needs: "
        + "; ".join(f"{why} ({name})" for name, why in failed),
        *fields[1:],
    )


def _tiebreak(seed: int, item: Item) -> int:
    """Variety among equally good items: stable across processes, changed by the seed."""
    return zlib.crc32(f"{seed}:{item.id}".encode())


def _pick_stretches(
    stretches: list[Choice], key: PlanKey, budget: int, exercise_groups: set[str | None]
) -> tuple[Choice, ...]:
    """Up to two stretches of different similar groups within their share of the time.

    Stretches that share no similar group with a possible exercise come first, so that a
    stretch does not take the place of an exercise (a towel-grip stretch would rule out the
    towel-grip exercises). At least one: when even that does not fit the share, the lightest
    may take the whole budget. Raises RoutineError when not even one stretch fits twice.
    """
    ordered = sorted(
        stretches,
        key=lambda c: (
            c.peak * 2 > budget,
            c.item.similar is not None and c.item.similar in exercise_groups,
            _tiebreak(key.seed, c.item),
        ),
    )
    share = int(budget * STRETCH_SHARE) // 2
    picked: list[Choice] = []
    groups: set[str] = set()
    for choice in ordered:
        if len(picked) == MAX_WARM_UP_STRETCHES:
            break
        if choice.item.similar in groups:
            continue
        if sum(c.peak for c in picked) + choice.peak <= share:
            picked.append(choice)
            groups.add(choice.item.similar or "")
    if not picked:
        lightest = min(stretches, key=lambda c: (c.peak, _tiebreak(key.seed, c.item)))
        if lightest.peak * 2 > budget:
            raise RoutineError(
                "minutes",
                f"{key.minutes} minutes is too short for a warm-up and cool-down stretch",
            )
        picked.append(lightest)
    content = {choice.item.id: index for index, choice in enumerate(stretches)}
    return tuple(sorted(picked, key=lambda c: content[c.item.id]))


def _pick_exercises(
    exercises: list[Choice], key: PlanKey, seconds: int, groups: set[str]
) -> list[Choice]:
    """Cover the wanted focus areas first, then fill the time; one item per similar group.

    A second item of a similar group is taken only when no exercise fits otherwise.
    """
    chosen: list[Choice] = []
    taken: set[int] = set()
    used = set(groups)
    left = seconds
    wanted = [*key.focus, *(focus for focus in BALANCED if focus not in key.focus)]
    covered = {Focus.FLEXIBILITY} - set(key.focus)  # the stretches cover flexibility
    # Best first: the asked-for focus, then items at or below the level, then the seed's pick.
    ordered = sorted(
        exercises,
        key=lambda choice: (
            not any(focus in key.focus for focus in choice.item.focus),
            LEVELS.index(choice.item.difficulty) > LEVELS.index(key.level),
            _tiebreak(key.seed, choice.item),
        ),
    )

    def take(focus: Focus | None = None, *, repeat_groups: bool = False) -> bool:
        """Take the best item that fits (with that focus, when given)."""
        nonlocal left
        for choice in ordered:
            similar = choice.item.similar
            if (
                id(choice) in taken
                or choice.peak > left
                or (focus is not None and focus not in choice.item.focus)
                or (not repeat_groups and similar is not None and similar in used)
            ):
                continue
            chosen.append(choice)
            taken.add(id(choice))
            left -= choice.peak
            covered.update(choice.item.focus)
            if similar:
                used.add(similar)
            return True
        return False

    for focus in wanted:
        if focus not in covered:
            take(focus)
    while take():
        pass
    if not chosen:
        take(repeat_groups=True)
    return chosen
