"""Generate routines: a pure, deterministic function of a request and a release's rules.

One request, everything but the week fixed, is one programme: the same items in every week,
each dose climbing its ladder by the week's schedule (or by what feedback earned) and then
held. Raises ``RoutineError`` (a ``ValueError``) naming the request field when a request is
invalid for the release or no routine can satisfy it, and ``NoRoutines`` for a release whose
content has no rules for routines.
"""

from __future__ import annotations

import functools
import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, TypeVar

from .model import (
    Activity,
    Difficulty,
    Focus,
    Guidance,
    Item,
    Kind,
    Load,
    PainBand,
    Position,
    Precaution,
    Progression,
    Release,
    Rules,
    Urgency,
)
from .programme import LEVELS, Dose, Rung, allows, rungs, scheduled_steps, start

MINUTES = (5, 60)
PAIN = (0, 10)
WEEKS = (1, 52)  # the API's bound; a release's programme may be shorter
DAYS_PER_WEEK = (1, 7)
SEED = (0, 2**31 - 1)
STRETCH_SHARE = 0.6  # warm-up and cool-down together take at most this share of the budget
MAX_WARM_UP_STRETCHES = 2
BALANCED = (Focus.STRENGTH, Focus.BALANCE, Focus.FLEXIBILITY)
LOADS = tuple(Load)
SOON = Urgency.SOON  # what a question or band that names no urgency gets; the loader requires one


class RoutineError(ValueError):
    """A request that no routine can satisfy, naming the request field(s) at fault."""

    def __init__(self, field: str, message: str, *more_fields: str) -> None:
        self.fields = (field, *more_fields)
        self.message = message
        super().__init__(f"{', '.join(self.fields)}: {message}")


class NoRoutines(LookupError):
    """A release without rules.json: it serves its catalogue but makes no routines."""


class PositionChoice(StrEnum):
    ANY = "any"
    SEATED = "seated"
    STANDING = "standing"


class Status(StrEnum):
    READY = "ready"
    SEE_A_PROFESSIONAL = "see-a-professional"


class Screening(StrEnum):
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    FLAGGED = "flagged"


@dataclass(frozen=True, slots=True)
class RoutineRequest:
    """A normalised request: lists sorted and unique, and where the person is in the programme.

    `earned`, `streak` and `band` come from feedback: steps earned under a feedback-only pain
    band, answers that were not progress in a row, and the pain band a step back set.
    """

    minutes: int
    equipment: tuple[str, ...]
    position: PositionChoice
    pain: int | None
    level: Difficulty
    focus: tuple[Focus, ...]
    exclude: tuple[str, ...]
    week: int
    days_per_week: int
    screening: tuple[str, ...]  # ids of the questions answered yes
    screening_no: tuple[str, ...]  # ids of the questions answered no
    seed: int
    earned: int = 0
    streak: int = 0
    band: str | None = None

    @classmethod
    def build(
        cls,
        *,
        minutes: int,
        equipment: Iterable[str],
        position: PositionChoice | str,
        pain: int | None,
        level: Difficulty | str,
        focus: Iterable[Focus | str] = (),
        exclude: Iterable[str] = (),
        week: int = 1,
        days_per_week: int,
        screening: Iterable[str] = (),
        screening_no: Iterable[str] = (),
        seed: int = 0,
        earned: int = 0,
        streak: int = 0,
        band: str | None = None,
    ) -> RoutineRequest:
        """Normalise and range-check a request. Raises RoutineError naming the field."""
        for name, value, (low, high) in (
            ("minutes", minutes, MINUTES),
            ("week", week, WEEKS),
            ("days_per_week", days_per_week, DAYS_PER_WEEK),
            ("seed", seed, SEED),
            ("pain", PAIN[0] if pain is None else pain, PAIN),
            ("earned", earned, (0, WEEKS[1])),
            ("streak", streak, (0, WEEKS[1])),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise RoutineError(name, f"must be an integer from {low} to {high}")
        if band is not None and not isinstance(band, str):
            raise RoutineError("band", "must be a pain band id")
        chosen_focus = {_choice("focus", Focus, value) for value in focus}
        yes, no = _ids("screening", screening), _ids("screening_no", screening_no)
        both = sorted(set(yes) & set(no))
        if both:
            raise RoutineError(
                "screening", f"answered both yes and no: {', '.join(both)}", "screening_no"
            )
        return cls(
            minutes=minutes,
            equipment=_ids("equipment", equipment),
            position=_choice("position", PositionChoice, position),
            pain=pain,
            level=_choice("level", Difficulty, level),
            focus=tuple(value for value in Focus if value in chosen_focus),
            exclude=_ids("exclude", exclude),
            week=week,
            days_per_week=days_per_week,
            screening=yes,
            screening_no=no,
            seed=seed,
            earned=earned,
            streak=streak,
            band=band,
        )


def request_for(release: Release, given: Mapping[str, Any]) -> RoutineRequest:
    """The request with the release's defaults for what `given` leaves out (or sets to None).

    Raises NoRoutines when the release has no rules, RoutineError naming a bad field.
    """
    defaults = rules_of(release).request_defaults
    filled = {key: value for key, value in given.items() if value is not None or key == "pain"}
    filled.setdefault("minutes", defaults.minutes)
    filled.setdefault("equipment", defaults.equipment)
    filled.setdefault("position", defaults.position)
    filled.setdefault("level", defaults.level)
    filled.setdefault("days_per_week", defaults.days_per_week)
    filled.setdefault("pain", None)
    return RoutineRequest.build(**filled)


def rules_of(release: Release) -> Rules:
    """The release's rules. Raises NoRoutines when it has none."""
    if release.rules is None:
        raise NoRoutines(f"content release {release.version} makes no routines")
    return release.rules


E = TypeVar("E", bound=StrEnum)


def _choice(name: str, enum: type[E], value: object) -> E:
    if not isinstance(value, str) or value not in enum._value2member_map_:
        allowed = ", ".join(member.value for member in enum)
        raise RoutineError(name, f"must be one of {allowed}, got {value!r}")
    return enum(value)


def _ids(name: str, values: Iterable[object]) -> tuple[str, ...]:
    if isinstance(values, str) or not all(isinstance(value, str) for value in values):
        raise RoutineError(name, "must be a list of ids")
    return tuple(sorted(set(values)))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Planned:
    """An item in this week's routine: its dose, and the harder variation when it took over."""

    item: Item
    rung: Rung

    @property
    def dose(self) -> Dose:
        return self.rung.dose


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    items: tuple[Planned, ...]

    @property
    def seconds(self) -> int:
        return sum(planned.dose.seconds for planned in self.items)


@dataclass(frozen=True, slots=True)
class PlannedActivity:
    """Low-impact activity filling the time the exercises leave, the same every week."""

    activity: Activity
    minutes: int


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a routine is not ready: a screening question answered yes, or a pain band."""

    kind: str  # "screening" or "pain"
    code: str  # the question's or the band's id
    text: str
    advice: str
    urgency: Urgency


@dataclass(frozen=True, slots=True)
class Routine:
    request: RoutineRequest
    content_version: str
    weeks: int  # the programme's length
    status: Status
    urgency: Urgency | None
    band: PainBand
    band_assumed: bool  # no pain was given: the release's band for an unknown pain applies
    screening: Screening
    unanswered: tuple[str, ...]
    sections: tuple[Section, ...]
    activity: PlannedActivity | None
    precautions: tuple[Precaution, ...]
    safety_notice: Guidance
    advice: tuple[str, ...]
    see_also: tuple[Guidance, ...]
    reasons: tuple[Reason, ...]

    @property
    def estimated_seconds(self) -> int:
        """Warm-up and cool-down count once each; the activity counts its minutes."""
        activity = self.activity.minutes * 60 if self.activity else 0
        return sum(section.seconds for section in self.sections) + activity

    @property
    def estimated_minutes(self) -> int:
        return math.ceil(self.estimated_seconds / 60)


# ---- checks


def check_request(release: Release, request: RoutineRequest) -> Rules:
    """Check the request's ids and week against the release; its rules.

    Raises NoRoutines for a release without rules, RoutineError naming the field.
    """
    rules = rules_of(release)
    known_equipment = {equipment.id for equipment in release.equipment}
    for name in request.equipment:
        if name not in known_equipment:
            raise RoutineError(
                "equipment",
                f"{name!r} is not equipment of release {release.version}; "
                f"known: {', '.join(sorted(known_equipment))}",
            )
    for name in request.exclude:
        if release.find(Kind.EXERCISE, name) is None and release.find(Kind.STRETCH, name) is None:
            raise RoutineError(
                "exclude",
                f"{name!r} is not an exercise or stretch of release {release.version}",
            )
    questions = {question.id for question in release.screening}
    for field, answered in (
        ("screening", request.screening),
        ("screening_no", request.screening_no),
    ):
        for name in answered:
            if name not in questions:
                raise RoutineError(
                    field,
                    f"{name!r} is not a screening question of release {release.version}; "
                    f"known: {', '.join(sorted(questions))}",
                )
    weeks = rules.programme.weeks.value
    if request.week > weeks:
        raise RoutineError(
            "week", f"must be from 1 to {weeks}: the programme of release {release.version}"
        )
    if request.band is not None and request.band not in {b.id for b in rules.pain.bands}:
        raise RoutineError("band", f"{request.band!r} is not a pain band")
    return rules


# ---- generation


def generate_routine(release: Release, request: RoutineRequest) -> Routine:
    """The routine for this request from this release: same inputs, same routine.

    Raises NoRoutines for a release without rules; RoutineError when the request names ids the
    release does not hold, or when the constraints leave no stretch for the warm-up and cool-down.
    """
    rules = check_request(release, request)
    band = band_of(rules, request)
    assumed = request.band is None and request.pain is None
    yes = set(request.screening)
    flagged = [question for question in release.screening if question.id in yes]
    answered = yes | set(request.screening_no)
    unanswered = tuple(q.id for q in release.screening if q.id not in answered)
    screening = (
        Screening.FLAGGED if flagged else Screening.INCOMPLETE if unanswered else Screening.COMPLETE
    )
    reasons = [Reason("screening", q.id, q.reason, q.advice, q.urgency or SOON) for q in flagged]
    if not band.ready:
        reasons.append(
            Reason("pain", band.id, band.advice or "", band.advice or "", band.urgency or SOON)
        )
    notice = release.safety_notice
    weeks = rules.programme.weeks.value
    common: dict[str, Any] = {
        "request": request,
        "content_version": release.version,
        "weeks": weeks,
        "band": band,
        "band_assumed": assumed,
        "screening": screening,
        "unanswered": unanswered,
        "safety_notice": notice,
    }
    if reasons:
        reasons.sort(key=lambda reason: -reason.urgency.rank)  # the most urgent first
        urgency = reasons[0].urgency
        # Self-care (rest, ice, painkillers) is for a foot that can wait: not for a cold,
        # numb or infected one.
        see_also = (release.professional_advice,) + (
            (release.guidance_named(rules.self_care),) if urgency is Urgency.SOON else ()
        )
        return Routine(
            **common,
            status=Status.SEE_A_PROFESSIONAL,
            urgency=urgency,
            sections=(),
            activity=None,
            precautions=(),
            advice=tuple(
                dict.fromkeys(
                    (
                        rules.urgency[urgency],
                        *(reason.advice for reason in reasons),
                        # An unanswered question may be more urgent than what was answered.
                        *((rules.incomplete_advice,) if unanswered else ()),
                    )
                )
            ),
            see_also=see_also,
            reasons=tuple(reasons),
        )

    plan, stage = _placed(release, rules, request)
    allowed = LOADS.index(band.max_forefoot_load)

    def kept(choices: tuple[_Choice, ...]) -> tuple[Planned, ...]:
        # A band set by a step back keeps the programme's items, less those it forbids.
        return tuple(
            _at(choice, stage)
            for choice in choices
            if LOADS.index(choice.item.forefoot_load) <= allowed
        )

    warm = kept(plan.stretches)
    sections = (
        Section("warm-up", warm),
        Section("exercises", kept(plan.exercises)),
        Section("cool-down", warm),
    )
    advice = [rules.pain.unknown_advice] if assumed else [text for text in (band.advice,) if text]
    if screening is Screening.INCOMPLETE:
        advice.append(rules.incomplete_advice)
    return Routine(
        **common,
        status=Status.READY,
        urgency=None,
        sections=sections,
        activity=plan.activity,
        precautions=release.precautions,
        advice=tuple(advice),
        see_also=(),
        reasons=(),
    )


def current_stage(rules: Rules, band: PainBand, request: RoutineRequest) -> int:
    """Steps up the ladders this week: the schedule's, or no more than feedback earned."""
    stage = scheduled_steps(rules.programme, request.week, request.days_per_week)
    return min(stage, request.earned) if band.progression is Progression.FEEDBACK else stage


def _placed(release: Release, rules: Rules, request: RoutineRequest) -> tuple[_Plan, int]:
    """The programme's items and this week's stage on their ladders.

    The items are chosen for the band of the person's pain, so that a step back (which sets
    another band) never adds an item; the stage follows the band that applies now.
    """
    plan = _plan(release, _PlanKey.of(request, rules.pain.band(request.pain)))
    return plan, min(current_stage(rules, band_of(rules, request), request), plan.max_stage)


def placed_stage(release: Release, request: RoutineRequest) -> int:
    """This week's stage on the ladders, within what the programme's time allows.

    Raises NoRoutines for a release without rules.
    """
    return _placed(release, rules_of(release), request)[1]


def band_of(rules: Rules, request: RoutineRequest) -> PainBand:
    """The pain band that applies: the one a step back set, else the pain's, else unknown's."""
    return rules.pain.named(request.band) if request.band else rules.pain.band(request.pain)


@dataclass(frozen=True, slots=True, eq=False)
class _Choice:
    """An item chosen for a programme, its ladder and the level's start on it."""

    item: Item
    ladder: tuple[Rung, ...]
    start: int
    peak: int  # the most seconds it takes in any week


def _at(choice: _Choice, stage: int) -> Planned:
    return Planned(choice.item, choice.ladder[min(len(choice.ladder) - 1, choice.start + stage)])


@dataclass(frozen=True, slots=True)
class _Plan:
    stretches: tuple[_Choice, ...]
    exercises: tuple[_Choice, ...]
    activity: PlannedActivity | None
    max_stage: int  # the highest stage at which the whole routine still fits the time


@dataclass(frozen=True, slots=True)
class _PlanKey:
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
    def of(cls, request: RoutineRequest, band: PainBand) -> _PlanKey:
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


def _failed_constraint(item: Item, key: _PlanKey) -> tuple[str, str] | None:
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
def _plan(release: Release, key: _PlanKey) -> _Plan:
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
    return _Plan(
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
def _eligible(release: Release, key: _PlanKey) -> _Eligible:
    """The items that meet every constraint, in content order; the same for any minutes,
    focus or seed, which the key given here leaves at one value."""
    return _Eligible(
        tuple(item for item in release.stretches if _failed_constraint(item, key) is None),
        tuple(item for item in release.exercises if _failed_constraint(item, key) is None),
    )


@functools.lru_cache(maxsize=4096)
def _chosen(item: Item, level: Difficulty, sized: int) -> _Choice:
    """The item's ladder at this level, where the level starts, and its heaviest sized week."""
    ladder = rungs(item, level)
    first = start(level, len(ladder))
    peak = max(rung.dose.seconds for rung in ladder[first : first + sized + 1])
    return _Choice(item, ladder, first, peak)


def _seconds(warm: Sequence[_Choice], exercises: Sequence[_Choice], stage: int) -> int:
    """The routine's seconds at a stage: the stretches count twice, before and after."""
    return 2 * sum(_at(c, stage).dose.seconds for c in warm) + sum(
        _at(c, stage).dose.seconds for c in exercises
    )


def _no_stretch(stretches: Sequence[Item], key: _PlanKey) -> None:
    reasons = [_failed_constraint(item, key) for item in stretches]
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
    stretches: list[_Choice], key: _PlanKey, budget: int, exercise_groups: set[str | None]
) -> tuple[_Choice, ...]:
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
    picked: list[_Choice] = []
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
    exercises: list[_Choice], key: _PlanKey, seconds: int, groups: set[str]
) -> list[_Choice]:
    """Cover the wanted focus areas first, then fill the time; one item per similar group.

    A second item of a similar group is taken only when no exercise fits otherwise.
    """
    chosen: list[_Choice] = []
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


def programme(release: Release, request: RoutineRequest) -> tuple[Routine, ...]:
    """Every week of the request's programme: week N is the routine of the request at week N.

    Empty when the routine is not ready. Raises as generate_routine does.
    """
    first = generate_routine(release, request)
    if first.status is not Status.READY:
        return ()
    return tuple(
        generate_routine(release, replace(request, week=week)) for week in range(1, first.weeks + 1)
    )
