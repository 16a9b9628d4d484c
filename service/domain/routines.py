"""Generate routines: a pure, deterministic function of a request and a content release.

Raises ``RoutineError`` (a ``ValueError``) naming the request field when a request is invalid
for the release or no routine can satisfy it, and ``RoutineIdError`` for an id that does not
decode to a valid request.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from .model import (
    Difficulty,
    Dosage,
    Focus,
    Guidance,
    Item,
    Kind,
    Load,
    Position,
    Precaution,
    Range,
    Release,
    ScreeningQuestion,
)

MINUTES = (5, 60)
PAIN = (0, 10)
WEEKS = (1, 12)
DAYS_PER_WEEK = (1, 7)
SEED = (0, 2**31 - 1)
HIGH_PAIN = 7  # from this score on: only low forefoot load, lowest dosage, see a professional
MODERATE_PAIN = 4  # from this score on: lower forefoot load is preferred
MIN_BUDGET_USE = 0.7
STRETCH_SHARE = 0.6  # warm-up and cool-down together take at most this share of the budget
OUTLINE_WEEKS = 3
BALANCED = (Focus.STRENGTH, Focus.BALANCE, Focus.FLEXIBILITY)
LEVELS = tuple(Difficulty)
ID_PREFIX = "r1"


class RoutineError(ValueError):
    """A request that no routine can satisfy, naming the request field(s) at fault."""

    def __init__(self, field: str, message: str, *more_fields: str) -> None:
        self.fields = (field, *more_fields)
        self.message = message
        super().__init__(f"{', '.join(self.fields)}: {message}")


class RoutineIdError(ValueError):
    """A routine id that is malformed, tampered with or names an unknown release."""


class PositionChoice(StrEnum):
    ANY = "any"
    SEATED = "seated"
    STANDING = "standing"


class Status(StrEnum):
    READY = "ready"
    SEE_A_PROFESSIONAL = "see-a-professional"


@dataclass(frozen=True, slots=True)
class RoutineRequest:
    """A normalised request: lists sorted and unique, screening reduced to the yes answers."""

    minutes: int = 15
    equipment: tuple[str, ...] = ("wall",)
    position: PositionChoice = PositionChoice.ANY
    pain: int | None = None
    level: Difficulty = Difficulty.BEGINNER
    focus: tuple[Focus, ...] = ()
    exclude: tuple[str, ...] = ()
    week: int = 1
    days_per_week: int = 3
    screening: tuple[str, ...] = ()  # ids of the questions answered yes
    seed: int = 0

    @classmethod
    def build(
        cls,
        *,
        minutes: int = 15,
        equipment: Iterable[str] = ("wall",),
        position: PositionChoice | str = PositionChoice.ANY,
        pain: int | None = None,
        level: Difficulty | str = Difficulty.BEGINNER,
        focus: Iterable[Focus | str] = (),
        exclude: Iterable[str] = (),
        week: int = 1,
        days_per_week: int = 3,
        screening: Iterable[str] = (),
        seed: int = 0,
    ) -> RoutineRequest:
        """Normalise and range-check a request. Raises RoutineError naming the field."""
        for name, value, (low, high) in (
            ("minutes", minutes, MINUTES),
            ("week", week, WEEKS),
            ("days_per_week", days_per_week, DAYS_PER_WEEK),
            ("seed", seed, SEED),
            ("pain", PAIN[0] if pain is None else pain, PAIN),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise RoutineError(name, f"must be an integer from {low} to {high}")
        chosen_focus = {_choice("focus", Focus, value) for value in focus}
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
            screening=_ids("screening", screening),
            seed=seed,
        )


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
class Dose:
    """A concrete dosage: the numbers for one item this week."""

    sets: int
    reps: int | None
    hold_seconds: int | None
    duration_seconds: int | None
    seconds_per_rep: int | None
    rest_seconds: int
    per_side: bool

    @property
    def seconds(self) -> int:
        """Time to do it: every set, both sides when per side, and the rests between sets."""
        if self.reps is not None:
            per_set = self.reps * ((self.seconds_per_rep or 0) + (self.hold_seconds or 0))
        else:
            per_set = self.duration_seconds or 0
        sides = 2 if self.per_side else 1
        return self.sets * sides * per_set + (self.sets - 1) * self.rest_seconds


@dataclass(frozen=True, slots=True)
class Planned:
    item: Item
    dose: Dose
    step: int  # position on the item's progression ladder


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    items: tuple[Planned, ...]

    @property
    def seconds(self) -> int:
        return sum(planned.dose.seconds for planned in self.items)


@dataclass(frozen=True, slots=True)
class OutlineWeek:
    week: int
    items: tuple[Planned, ...]

    @property
    def seconds(self) -> int:
        return sum(planned.dose.seconds for planned in self.items)


@dataclass(frozen=True, slots=True)
class Routine:
    request: RoutineRequest
    content_version: str
    status: Status
    sections: tuple[Section, ...]
    precautions: tuple[Precaution, ...]
    safety_notice: Guidance
    advice: tuple[str, ...]
    see_also: tuple[Guidance, ...]
    reasons: tuple[ScreeningQuestion, ...]
    progression: tuple[OutlineWeek, ...]

    @property
    def estimated_seconds(self) -> int:
        """Warm-up and cool-down count once each; a stretch in both is done twice."""
        return sum(section.seconds for section in self.sections)

    @property
    def estimated_minutes(self) -> int:
        return math.ceil(self.estimated_seconds / 60)


# ---- dosage and progression


def _notch(span: Range) -> int:
    """The size of one progression step in a range: small ranges move by one."""
    return 5 if span.max - span.min >= 10 else 1


@functools.cache
def ladder(dosage: Dosage) -> tuple[Dose, ...]:
    """Every dosage from the gentlest to the fullest, each step changing one number a little.

    Reps (or duration) and hold rise in turn by one notch; once both are at their maximum a
    set is added and the reps fall back so that the work done never drops.
    """
    work = dosage.reps or dosage.duration_seconds
    if work is None:  # the loader guarantees one of them
        raise ValueError("a dosage needs reps or duration_seconds")
    hold = dosage.hold_seconds
    sets, amount, held = dosage.sets.min, work.min, hold.min if hold else None
    steps = [(sets, amount, held)]
    turn = 0
    while (sets, amount, held) != (dosage.sets.max, work.max, hold.max if hold else None):
        can_work = amount < work.max
        can_hold = hold is not None and held is not None and held < hold.max
        if can_work and (turn % 2 == 0 or not can_hold):
            amount = min(work.max, amount + _notch(work))
        elif can_hold and hold is not None and held is not None:
            held = min(hold.max, held + _notch(hold))
        else:
            volume = sets * amount
            sets += 1
            amount = max(work.min, min(work.max, math.ceil(volume / sets)))
            notch = _notch(work)
            amount = work.min + math.ceil((amount - work.min) / notch) * notch
            amount = min(work.max, amount)
        turn += 1
        steps.append((sets, amount, held))
    per_rep = dosage.seconds_per_rep.value if dosage.seconds_per_rep else None
    return tuple(
        Dose(
            sets=sets,
            reps=amount if dosage.reps else None,
            hold_seconds=held,
            duration_seconds=None if dosage.reps else amount,
            seconds_per_rep=per_rep,
            rest_seconds=dosage.rest_seconds.value,
            per_side=dosage.per_side.value,
        )
        for sets, amount, held in steps
    )


def progression_steps(week: int, days_per_week: int) -> int:
    """Steps gained by this week: one a week from 3 days a week, one every two weeks below."""
    return week - 1 if days_per_week >= 3 else (week - 1) // 2


def prescribed_step(steps: int, request: RoutineRequest) -> int:
    """Where on a ladder of `steps` dosages this level and week stand (0 is the gentlest)."""
    if _high_pain(request):
        return 0
    last = steps - 1
    start = round(last * LEVELS.index(request.level) / 3)
    return min(last, start + progression_steps(request.week, request.days_per_week))


def _high_pain(request: RoutineRequest) -> bool:
    return request.pain is not None and request.pain >= HIGH_PAIN


# ---- generation


def check_request(release: Release, request: RoutineRequest) -> None:
    """Check the request's ids against the release. Raises RoutineError naming the field."""
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
    for name in request.screening:
        if name not in questions:
            raise RoutineError(
                "screening",
                f"{name!r} is not a screening question of release {release.version}; "
                f"known: {', '.join(sorted(questions))}",
            )


def generate_routine(release: Release, request: RoutineRequest) -> Routine:
    """The routine for this request from this release: same inputs, same routine.

    Raises RoutineError when the request names ids the release does not hold, or when the
    constraints leave no stretch for the warm-up and cool-down.
    """
    check_request(release, request)
    notice = release.safety_notice
    flagged = tuple(q for q in release.screening if q.id in request.screening)
    professional = release.professional_advice
    if flagged:
        return Routine(
            request=request,
            content_version=release.version,
            status=Status.SEE_A_PROFESSIONAL,
            sections=(),
            precautions=(),
            safety_notice=notice,
            advice=tuple(question.advice for question in flagged),
            see_also=(professional,),
            reasons=flagged,
            progression=(),
        )

    budget = request.minutes * 60
    stretches = _eligible(release.stretches, request)
    if not stretches:
        _no_stretch(release, request)
    exercises = _eligible(release.exercises, request)
    ladders = {item.id: ladder(item.dosage) for item in (*stretches, *exercises)}
    warm = _plan_stretches(stretches, ladders, request, budget)
    remaining = budget - 2 * sum(planned.dose.seconds for planned in warm)
    chosen = _plan_exercises(exercises, ladders, request, remaining)
    sections = (
        Section("warm-up", warm),
        Section("exercises", chosen),
        Section("cool-down", warm),
    )
    used = [planned.item for section in sections for planned in section.items]
    wanted = {name for item in used for name in item.precautions}
    advice: list[str] = []
    see_also: tuple[Guidance, ...] = ()
    if _high_pain(request):
        advice.append(
            f"Your pain is {request.pain} out of 10: this routine keeps to the gentlest "
            "exercises at their lowest dosage, and you should see a healthcare professional."
        )
        see_also = (professional,)
    seconds = sum(section.seconds for section in sections)
    if seconds < MIN_BUDGET_USE * budget:
        advice.append(
            f"This routine takes about {math.ceil(seconds / 60)} of your {request.minutes} "
            "minutes: it holds every exercise that suits your answers at this week's dosage."
        )
    return Routine(
        request=request,
        content_version=release.version,
        status=Status.READY,
        sections=sections,
        precautions=tuple(p for p in release.precautions if p.id in wanted),
        safety_notice=notice,
        advice=tuple(advice),
        see_also=see_also,
        reasons=(),
        progression=_outline(sections, ladders, request),
    )


def _eligible(items: Sequence[Item], request: RoutineRequest) -> list[Item]:
    """Items that pass every hard constraint, in content order."""
    return [item for item in items if _failed_constraint(item, request) is None]


def _failed_constraint(item: Item, request: RoutineRequest) -> tuple[str, str] | None:
    """The first constraint the item fails, as (request field, reason), or None."""
    if not item.fits(frozenset(request.equipment)):
        needs = " and ".join(" or ".join(group) for group in item.equipment)
        return "equipment", f"{item.id} needs {needs}"
    if request.position is not PositionChoice.ANY and item.position.value != request.position.value:
        return "position", f"{item.id} is done {item.position.value}"
    if item.id in request.exclude:
        return "exclude", f"{item.id} is excluded"
    if _high_pain(request) and item.forefoot_load is not Load.LOW:
        return "pain", f"{item.id} loads the ball of the foot too much at pain {request.pain}"
    if LEVELS.index(item.difficulty) > LEVELS.index(request.level) + 1:
        return "level", f"{item.id} is {item.difficulty.value}"
    return None


def _no_stretch(release: Release, request: RoutineRequest) -> None:
    reasons = [_failed_constraint(item, request) for item in release.stretches]
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


def _fit(
    item: Item, ladders: dict[str, tuple[Dose, ...]], request: RoutineRequest, seconds: int
) -> Planned | None:
    """The item at its prescribed step, or the highest lower step that fits the time."""
    steps = ladders[item.id]
    for step in range(prescribed_step(len(steps), request), -1, -1):
        if steps[step].seconds <= seconds:
            return Planned(item, steps[step], step)
    return None


def _plan_stretches(
    stretches: list[Item],
    ladders: dict[str, tuple[Dose, ...]],
    request: RoutineRequest,
    budget: int,
) -> tuple[Planned, ...]:
    """As many stretches as fit in their share of the budget (each done before and after).

    At least one: when even that does not fit the share, the stretch may take the whole budget.
    Raises RoutineError when not even one stretch fits twice at its gentlest dosage.
    """
    ordered = sorted(stretches, key=lambda item: _tiebreak(request.seed, item))
    by_content = {item.id: index for index, item in enumerate(stretches)}
    for limit in (int(budget * STRETCH_SHARE) // 2, budget // 2):
        for count in range(len(ordered), 0, -1):
            planned = [_fit(item, ladders, request, limit // count) for item in ordered[:count]]
            fitted = [plan for plan in planned if plan is not None]
            if len(fitted) == count:
                return tuple(sorted(fitted, key=lambda plan: by_content[plan.item.id]))
    raise RoutineError(
        "minutes",
        f"{request.minutes} minutes is too short for a warm-up and cool-down stretch at the "
        "gentlest dosage",
    )


def _plan_exercises(
    exercises: list[Item],
    ladders: dict[str, tuple[Dose, ...]],
    request: RoutineRequest,
    seconds: int,
) -> tuple[Planned, ...]:
    """Cover the wanted focus areas first, then fill the time; each exercise at most once."""
    chosen: list[Planned] = []
    left = seconds
    pool = list(exercises)
    wanted = [*request.focus, *(focus for focus in BALANCED if focus not in request.focus)]
    covered = {Focus.FLEXIBILITY}  # the warm-up and cool-down stretches cover flexibility
    covered -= set(request.focus)  # unless it was asked for: then an exercise covers it too

    def key(plan: Planned) -> tuple[int, ...]:
        item = plan.item
        return (
            plan.step < prescribed_step(len(ladders[item.id]), request),  # reduced to fit: later
            not any(focus in request.focus for focus in item.focus),  # asked-for focus first
            LEVELS.index(item.difficulty) > LEVELS.index(request.level),  # above level: later
            list(Load).index(item.forefoot_load)
            if request.pain is not None and request.pain >= MODERATE_PAIN
            else 0,
            _tiebreak(request.seed, item),
        )

    def take(candidates: list[Item]) -> bool:
        fitting = [plan for item in candidates if (plan := _fit(item, ladders, request, left))]
        if not fitting:
            return False
        best = min(fitting, key=key)
        chosen.append(best)
        pool.remove(best.item)
        covered.update(best.item.focus)
        return True

    for focus in wanted:
        if focus not in covered:
            take([item for item in pool if focus in item.focus])
            left = seconds - sum(plan.dose.seconds for plan in chosen)
    while pool and take(pool):
        left = seconds - sum(plan.dose.seconds for plan in chosen)
    order = {item.id: index for index, item in enumerate(exercises)}
    return tuple(
        sorted(
            chosen,
            key=lambda plan: (plan.item.position is not Position.SEATED, order[plan.item.id]),
        )
    )


def _outline(
    sections: tuple[Section, ...],
    ladders: dict[str, tuple[Dose, ...]],
    request: RoutineRequest,
) -> tuple[OutlineWeek, ...]:
    """The same items over the next weeks, each step one small rise from where they are now."""
    if _high_pain(request):
        return ()
    now = progression_steps(request.week, request.days_per_week)
    weeks = []
    for week in range(request.week + 1, min(WEEKS[1], request.week + OUTLINE_WEEKS) + 1):
        gained = progression_steps(week, request.days_per_week) - now
        items = []
        for planned in _unique(sections):
            steps = ladders[planned.item.id]
            step = min(len(steps) - 1, planned.step + gained)
            items.append(replace(planned, dose=steps[step], step=step))
        weeks.append(OutlineWeek(week, tuple(items)))
    return tuple(weeks)


def _unique(sections: Iterable[Section]) -> list[Planned]:
    """Each planned item once: the cool-down repeats the warm-up's stretches."""
    seen: dict[str, Planned] = {}
    for section in sections:
        for planned in section.items:
            seen.setdefault(planned.item.id, planned)
    return list(seen.values())


# ---- stateless ids


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()[:12]


def encode_routine_id(request: RoutineRequest, version: str, key: bytes) -> str:
    """A URL-safe token holding the normalised request and the release, with a keyed MAC."""
    payload = json.dumps(
        [
            version,
            request.minutes,
            list(request.equipment),
            request.position.value,
            request.pain,
            request.level.value,
            [focus.value for focus in request.focus],
            list(request.exclude),
            request.week,
            request.days_per_week,
            list(request.screening),
            request.seed,
        ],
        separators=(",", ":"),
    ).encode()
    return f"{ID_PREFIX}.{_b64(payload)}.{_b64(_mac(key, payload))}"


def decode_routine_id(token: str, key: bytes) -> tuple[str, RoutineRequest]:
    """The release version and request a token holds.

    Raises RoutineIdError when the token is malformed, its MAC does not match, or what it holds
    is not a valid request.
    """
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != ID_PREFIX or len(token) > 2048:
        raise RoutineIdError("not a routine id")
    try:
        payload, mac = _unb64(parts[1]), _unb64(parts[2])
    except (binascii.Error, ValueError):
        raise RoutineIdError("not a routine id") from None
    # base64 decoding forgives '+' for '-' and stray low bits: only the canonical spelling of
    # an id is that id, so a changed character never names the same routine.
    if _b64(payload) != parts[1] or _b64(mac) != parts[2]:
        raise RoutineIdError("not a routine id")
    if not hmac.compare_digest(mac, _mac(key, payload)):
        raise RoutineIdError("routine id does not match its signature")
    try:
        (version, minutes, equipment, position, pain, level, focus, exclude, week, days,
         screening, seed) = json.loads(payload)  # fmt: skip
        request = RoutineRequest.build(
            minutes=minutes,
            equipment=equipment,
            position=position,
            pain=pain,
            level=level,
            focus=focus,
            exclude=exclude,
            week=week,
            days_per_week=days,
            screening=screening,
            seed=seed,
        )
    except (ValueError, TypeError, RecursionError) as error:
        # RecursionError: a signed payload nested deeper than json.loads can follow.
        raise RoutineIdError(f"routine id holds no valid request: {type(error).__name__}") from None
    if not isinstance(version, str):
        raise RoutineIdError("routine id holds no valid release version")
    return version, request
