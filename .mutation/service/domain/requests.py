"""Routine requests: normalised, range-checked, filled with a release's defaults, checked
against the release.

Raises ``RoutineError`` (a ``ValueError``) naming the request field when a request is invalid
for the release, and ``NoRoutines`` for a release whose content has no rules for routines.

Defaults live in two places, each once: what a person would choose (minutes, equipment,
position, level, days a week) is the release's (`request_defaults` in rules.json, applied by
`request_for`); the place in the programme and the choices with a neutral value (week 1,
seed 0, no focus, no exclusions, no answers) are `RoutineRequest.build`'s keyword defaults.
The API's schemas set none. A request is written out twice, for two readers: as the
normalised request in a routine's JSON (api/routine_json.py), and as the encrypted payload of
its id (ids.py), a compact positional list in a fixed order of field names, decoded back
through `RoutineRequest.build`, so both readers see the same normalised request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from .model import Difficulty, Focus, Kind, Release, Rules

MINUTES = (5, 60)
PAIN = (0, 10)
WEEKS = (1, 52)  # the API's bound; a release's programme may be shorter
DAYS_PER_WEEK = (1, 7)
SEED = (0, 2**31 - 1)


class RoutineError(ValueError):
    """A request that no routine can satisfy, naming the request field(s) at fault."""

    def __init__(self, field: str, message: str, *more_fields: str) -> None:
        self.fields = (field, *more_fields)
        self.message = message
        super().__init__(f"{', '.join(self.fields)}: {message}")


class NoRoutines(LookupError):
    """A release without rules.json: it serves its catalogue but makes no routines."""


class PositionChoice(StrEnum):
    """The position a request asks for: an item's position, or `any`.

    Kept apart from model.Position, what an item is done in, which is never `any`: one enum
    would let content declare an item `any`, and make `any` a catalogue filter value.
    """

    ANY = "any"
    SEATED = "seated"
    STANDING = "standing"


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
