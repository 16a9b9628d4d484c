"""Properties of the routine generator over the whole request space, checked with hypothesis."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
from dataclasses import replace
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from service.domain import (
    Basis,
    Difficulty,
    Dosage,
    Dose,
    Focus,
    Item,
    Kind,
    Load,
    PositionChoice,
    Range,
    Release,
    Routine,
    RoutineError,
    RoutineIdError,
    RoutineRequest,
    Status,
    Value,
    decode_routine_id,
    encode_routine_id,
    generate_routine,
)
from service.domain.routines import (
    DAYS_PER_WEEK,
    HIGH_PAIN,
    MIN_BUDGET_USE,
    MINUTES,
    OUTLINE_WEEKS,
    PAIN,
    SEED,
    WEEKS,
    ladder,
    prescribed_step,
    progression_steps,
)

from .conftest import raw

# The content as it is on disk, read without the loader: the strategies draw from these ids.
RAW_ITEMS = {item["id"]: item for item in (*raw("exercises.json"), *raw("stretches.json"))}
EQUIPMENT = [equipment["id"] for equipment in raw("equipment.json")]
EXERCISES = [item["id"] for item in raw("exercises.json")]
STRETCHES = [item["id"] for item in raw("stretches.json")]
SCREENING = [question["id"] for question in raw("screening.json")]
LEVELS = ["beginner", "intermediate", "advanced"]
SECTION_NAMES = ("warm-up", "exercises", "cool-down")
CONSTRAINT_FIELDS = {"equipment", "position", "exclude", "pain", "level"}

KEY = b"metatarsalgia-routine-id-v1"  # the service's default ROUTINE_ID_KEY (service/config.py)
URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

# No example database: every run explores afresh. Routine properties run 300 examples (about
# half of them ready routines), the routine-id and fuzz tests 200: about 20 seconds in all.
PROPERTY = settings(max_examples=300, deadline=None, database=None)
FUZZ = settings(max_examples=200, deadline=None, database=None)


# ---- strategies


# Any code point, lone surrogates included, mixed with the token's own characters. Built from
# integers, and texts from lists: st.characters() and st.text() build and cache a charmap.
CHARS = st.sampled_from(URLSAFE + "+/=. \n") | st.integers(0, 0x10FFFF).map(chr)


def _texts(chars: st.SearchStrategy[str], max_size: int | None = None) -> st.SearchStrategy[str]:
    return st.lists(chars, max_size=max_size).map("".join)


def _subsets(ids: list[str], *, nonempty: bool = False) -> st.SearchStrategy[list[str]]:
    """Any subset of the ids, drawn as a bit mask (much cheaper for hypothesis than lists)."""
    return st.integers(1 if nonempty else 0, 2 ** len(ids) - 1).map(
        lambda mask: [name for bit, name in enumerate(ids) if mask >> bit & 1]
    )


# About one request in eight answers a screening question yes; the rest have no red flag.
RED_FLAGS = st.tuples(st.integers(0, 7), _subsets(SCREENING, nonempty=True)).map(
    lambda drawn: drawn[1] if drawn[0] == 7 else []
)

# The raw inputs of RoutineRequest.build, each field over its whole range.
RAW_REQUESTS = st.fixed_dictionaries(
    {
        "minutes": st.integers(*MINUTES),
        "equipment": _subsets(EQUIPMENT),
        "position": st.sampled_from([choice.value for choice in PositionChoice]),
        "pain": st.none() | st.integers(*PAIN),
        "level": st.sampled_from([level.value for level in Difficulty]),
        "focus": _subsets([focus.value for focus in Focus]),
        "exclude": _subsets(EXERCISES + STRETCHES),
        "week": st.integers(*WEEKS),
        "days_per_week": st.integers(*DAYS_PER_WEEK),
        "screening": RED_FLAGS,
        "seed": st.integers(*SEED),
    }
)
REQUESTS = RAW_REQUESTS.map(lambda inputs: RoutineRequest.build(**inputs))


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | _texts(CHARS, max_size=8)
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=6)
            | st.dictionaries(_texts(CHARS, max_size=5), inner, max_size=4)
        ),
        max_leaves=12,
    )


JSON_VALUES = _json_values()


@st.composite
def dosages(draw: st.DrawFn) -> Dosage:
    """Any dosage FORMAT.md allows: ranges 1 <= min <= max, hold only with reps."""

    def span(high: int) -> Range:
        low = draw(st.integers(1, high))
        return Range(low, draw(st.integers(low, high)), Basis.DEFAULT)

    with_reps = draw(st.booleans())
    work = span(30) if with_reps else span(300)
    hold = span(60) if with_reps and draw(st.booleans()) else None
    return Dosage(
        sets=span(5),
        reps=work if with_reps else None,
        hold_seconds=hold,
        duration_seconds=None if with_reps else work,
        seconds_per_rep=Value(draw(st.integers(1, 10)), Basis.DEFAULT) if with_reps else None,
        rest_seconds=Value(draw(st.integers(0, 60)), Basis.DEFAULT),
        per_side=Value(draw(st.booleans()), Basis.DEFAULT),
    )


# ---- independent helpers


def _failures(item: Item, request: RoutineRequest) -> set[str]:
    """Every hard constraint the item fails, named by the request field."""
    failed = set()
    if not item.fits(frozenset(request.equipment)):
        failed.add("equipment")
    if request.position is not PositionChoice.ANY and item.position.value != request.position:
        failed.add("position")
    if item.id in request.exclude:
        failed.add("exclude")
    if request.pain is not None and request.pain >= HIGH_PAIN and item.forefoot_load != Load.LOW:
        failed.add("pain")
    if LEVELS.index(item.difficulty.value) > LEVELS.index(request.level.value) + 1:
        failed.add("level")
    return failed


def _seconds(dose: Dose) -> int:
    """A dose's time, computed here from the numbers rather than by Dose.seconds."""
    sides = 2 if dose.per_side else 1
    if dose.reps:
        assert dose.seconds_per_rep is not None
        per_set = dose.reps * (dose.seconds_per_rep + (dose.hold_seconds or 0))
    else:
        assert dose.duration_seconds is not None
        per_set = dose.duration_seconds
    return dose.sets * sides * per_set + (dose.sets - 1) * dose.rest_seconds


def _outcome(release: Release, request: RoutineRequest) -> Routine | RoutineError:
    try:
        return generate_routine(release, request)
    except RoutineError as error:
        return error


def _ready(release: Release, request: RoutineRequest) -> Routine | None:
    """The routine when it is ready; None for a red flag or a (separately checked) error."""
    outcome = _outcome(release, request)
    if isinstance(outcome, RoutineError) or outcome.status is not Status.READY:
        return None
    return outcome


def _ids(routine: Routine) -> list[list[str]]:
    return [[planned.item.id for planned in section.items] for section in routine.sections]


def _sign(payload: bytes) -> str:
    """A token as the id format describes it, built here: prefix, payload and a 12-byte MAC."""
    mac = hmac.new(KEY, payload, hashlib.sha256).digest()[:12]
    return ".".join(
        ["r1", *(base64.urlsafe_b64encode(part).rstrip(b"=").decode() for part in (payload, mac))]
    )


def _hmac_block(key: bytes) -> bytes:
    """HMAC's effective key: long keys are hashed, short ones padded with zero bytes."""
    return (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")


def _check_ladder(
    steps: tuple[Dose, ...],
    sets: tuple[int, int],
    work: tuple[int, int],
    hold: tuple[int, int] | None,
    with_reps: bool,
) -> None:
    def numbers(dose: Dose) -> tuple[int, int | None, int | None]:
        return dose.sets, dose.reps if with_reps else dose.duration_seconds, dose.hold_seconds

    assert numbers(steps[0]) == (sets[0], work[0], hold[0] if hold else None)
    assert numbers(steps[-1]) == (sets[1], work[1], hold[1] if hold else None)
    for dose in steps:
        count, amount, held = numbers(dose)
        assert sets[0] <= count <= sets[1]
        assert amount is not None
        assert work[0] <= amount <= work[1]
        assert (dose.duration_seconds if with_reps else dose.reps) is None
        assert (held is None) if hold is None else (held is not None and hold[0] <= held <= hold[1])
        assert dose.seconds == _seconds(dose)
        fixed = (dose.seconds_per_rep, dose.rest_seconds, dose.per_side)
        assert fixed == (steps[0].seconds_per_rep, steps[0].rest_seconds, steps[0].per_side)
    for before, after in pairwise(steps):
        assert _seconds(after) >= _seconds(before)
        (sets0, work0, hold0), (sets1, work1, hold1) = numbers(before), numbers(after)
        assert work0 is not None
        assert work1 is not None
        if sets1 == sets0:  # exactly one of work and hold rises
            work_up = work1 > work0 and hold1 == hold0
            hold_up = work1 == work0 and hold0 is not None and hold1 is not None and hold1 > hold0
            assert work_up or hold_up, (before, after)
        else:  # a set is added; the reps (or duration) may fall back, the total never does
            assert sets1 == sets0 + 1, (before, after)
            assert hold1 == hold0, (before, after)
            assert work1 <= work0, (before, after)
            assert sets1 * work1 >= sets0 * work0, (before, after)


# ---- 0. errors


@PROPERTY
@given(request=REQUESTS)
def test_a_routine_error_is_justified(release: Release, request: RoutineRequest) -> None:
    """An error comes only when no stretch passes the constraints or none fits twice in time."""
    outcome = _outcome(release, request)
    if not isinstance(outcome, RoutineError):
        return
    assert not request.screening, "a red flag always gives a see-a-professional routine"
    eligible = [item for item in release.stretches if not _failures(item, request)]
    if eligible:
        assert outcome.fields == ("minutes",)
        budget = request.minutes * 60
        assert all(2 * ladder(item.dosage)[0].seconds > budget for item in eligible)
    else:
        failed = set().union(*(_failures(item, request) for item in release.stretches))
        assert set(outcome.fields) <= failed <= CONSTRAINT_FIELDS


# ---- 1. budget


@PROPERTY
@given(request=REQUESTS)
def test_routine_keeps_to_the_budget_and_its_doses_add_up(
    release: Release, request: RoutineRequest
) -> None:
    """The estimate is the sum of the sections' doses, each timed right, within the minutes."""
    routine = _ready(release, request)
    if routine is None:
        return
    planned = [item for section in routine.sections for item in section.items]
    for item in planned:
        assert item.dose.seconds == _seconds(item.dose)
    assert routine.estimated_seconds == sum(_seconds(item.dose) for item in planned)
    assert routine.estimated_seconds <= request.minutes * 60


# ---- 2. constraints


@PROPERTY
@given(request=REQUESTS)
def test_every_item_meets_the_hard_constraints(release: Release, request: RoutineRequest) -> None:
    """Equipment, position, exclusions, pain and level hold for every item in every section."""
    routine = _ready(release, request)
    if routine is None:
        return
    for section in routine.sections:
        for planned in section.items:
            assert not _failures(planned.item, request), (section.name, planned.item.id)


@PROPERTY
@given(request=REQUESTS)
def test_sections_hold_the_right_kind_and_no_exercise_twice(
    release: Release, request: RoutineRequest
) -> None:
    """Exercises hold distinct exercises; warm-up and cool-down hold only stretches."""
    routine = _ready(release, request)
    if routine is None:
        return
    warm_up, exercises, cool_down = routine.sections
    exercise_ids = [planned.item.id for planned in exercises.items]
    assert len(exercise_ids) == len(set(exercise_ids))
    assert all(planned.item.kind is Kind.EXERCISE for planned in exercises.items)
    assert set(exercise_ids) <= set(EXERCISES)
    for section in (warm_up, cool_down):
        assert all(planned.item.kind is Kind.STRETCH for planned in section.items)
        assert {planned.item.id for planned in section.items} <= set(STRETCHES)


# ---- 3. sections


@PROPERTY
@given(request=REQUESTS)
def test_a_ready_routine_has_three_named_sections_with_stretches(
    release: Release, request: RoutineRequest
) -> None:
    """Warm-up, exercises and cool-down in that order; the stretch sections are never empty."""
    routine = _ready(release, request)
    if routine is None:
        return
    assert tuple(section.name for section in routine.sections) == SECTION_NAMES
    assert routine.sections[0].items
    assert routine.sections[2].items


# ---- 4. red flags


@PROPERTY
@given(request=REQUESTS)
def test_a_red_flag_means_see_a_professional_and_only_then(
    release: Release, request: RoutineRequest
) -> None:
    """A yes gives no exercises and the flagged questions as reasons; no yes gives a ready one."""
    if request.screening:
        routine = generate_routine(release, request)  # a red flag never fails
        assert routine.status is Status.SEE_A_PROFESSIONAL
        assert routine.sections == ()
        assert routine.progression == ()
        assert [question.id for question in routine.reasons] == [
            question for question in SCREENING if question in request.screening
        ]
        assert routine.advice
        assert all(routine.advice)
        return
    outcome = _outcome(release, request)
    if isinstance(outcome, RoutineError):
        return
    assert outcome.status is Status.READY
    assert outcome.reasons == ()


# ---- 5. determinism


@PROPERTY
@given(inputs=RAW_REQUESTS)
def test_same_inputs_give_the_same_routine(release: Release, inputs: dict[str, Any]) -> None:
    """Generating twice, or from the same inputs reordered and repeated, gives equal results."""
    request = RoutineRequest.build(**inputs)
    shuffled = dict(
        inputs, position=PositionChoice(inputs["position"]), level=Difficulty(inputs["level"])
    )
    for name in ("equipment", "focus", "exclude", "screening"):
        shuffled[name] = [*reversed(inputs[name]), *inputs[name]]
    again = RoutineRequest.build(**shuffled)
    assert again == request
    outcomes = [_outcome(release, request), _outcome(release, request), _outcome(release, again)]
    errors = [outcome for outcome in outcomes if isinstance(outcome, RoutineError)]
    if errors:
        assert len(errors) == len(outcomes)
        assert len({(error.fields, str(error)) for error in errors}) == 1
    else:
        assert outcomes[0] == outcomes[1] == outcomes[2]


# ---- 6. routine ids


@FUZZ
@given(request=REQUESTS, version=st.just("1.0.0") | _texts(CHARS, max_size=20))
def test_routine_id_round_trips(request: RoutineRequest, version: str) -> None:
    """Decoding an encoded request gives back the same version and request."""
    token = encode_routine_id(request, version, KEY)
    assert set(token) <= set(URLSAFE + ".")
    assert decode_routine_id(token, KEY) == (version, request)


@FUZZ
@given(
    request=REQUESTS,
    key=st.binary(max_size=80).filter(lambda k: _hmac_block(k) != _hmac_block(KEY)),
)
def test_routine_id_needs_its_key(request: RoutineRequest, key: bytes) -> None:
    """A token checked with another key is refused with RoutineIdError."""
    # HMAC itself treats keys differing only by trailing zero bytes as one key: filtered out.
    token = encode_routine_id(request, "1.0.0", KEY)
    with pytest.raises(RoutineIdError):
        decode_routine_id(token, key)


def _changed(request: RoutineRequest, index: int, char: str) -> str:
    """The request's token with the character at index (modulo its length) replaced by char."""
    token = encode_routine_id(request, "1.0.0", KEY)
    index %= len(token)
    assume(token[index] != char)
    return token[:index] + char + token[index + 1 :]


@FUZZ
@given(request=REQUESTS, index=st.integers(0, 10_000), char=CHARS)
def test_a_changed_routine_id_raises_nothing_but_routine_id_error(
    request: RoutineRequest, index: int, char: str
) -> None:
    """A one-character change either is refused with RoutineIdError or decodes; it never crashes."""
    with contextlib.suppress(RoutineIdError):
        decode_routine_id(_changed(request, index, char), KEY)


# base64.urlsafe_b64decode is lenient: it accepts '+' and '/' for '-' and '_', and ignores the
# unused low bits of a segment's last character, so without a check of the canonical spelling
# a one-character change could leave the payload and MAC bytes unchanged. Two such changes,
# found by this test before decode_routine_id checked the spelling:
#   RoutineRequest.build(seed=2): token ...LDEsMyxbXSwyXQ.ChIkPhXL__IyMjcJ, '_' at 90 -> '/'
#   RoutineRequest.build(): payload ends ...LDEsMyxbXSwwXQ, its last 'Q' -> 'R' (any of Q..f)
# Random search alone seldom hits these (it needs that position and a sibling character), so
# the two examples pin them.
@FUZZ
@example(request=RoutineRequest.build(seed=2), index=90, char="/")
@example(
    request=RoutineRequest.build(),
    index=encode_routine_id(RoutineRequest.build(), "1.0.0", KEY).rindex(".") - 1,
    char="R",
)
@given(request=REQUESTS, index=st.integers(0, 10_000), char=CHARS)
def test_a_changed_routine_id_is_refused(request: RoutineRequest, index: int, char: str) -> None:
    """Any one-character change in a token is refused with RoutineIdError."""
    with pytest.raises(RoutineIdError):
        decode_routine_id(_changed(request, index, char), KEY)


@FUZZ
@given(text=_texts(CHARS) | _texts(st.sampled_from(URLSAFE + ".")).map(lambda text: "r1." + text))
def test_arbitrary_text_is_not_a_routine_id(text: str) -> None:
    """Any text that is not a signed token raises RoutineIdError."""
    with pytest.raises(RoutineIdError):
        decode_routine_id(text, KEY)


@FUZZ
@given(payload=JSON_VALUES.map(lambda value: json.dumps(value).encode()) | st.binary())
def test_a_signed_garbage_payload_raises_routine_id_error(payload: bytes) -> None:
    """A correctly signed token whose payload is not a request raises RoutineIdError."""
    with pytest.raises(RoutineIdError):
        decode_routine_id(_sign(payload), KEY)


@FUZZ
@given(request=REQUESTS, index=st.integers(0, 13), value=JSON_VALUES)
def test_a_signed_near_request_decodes_or_raises_routine_id_error(
    request: RoutineRequest, index: int, value: Any
) -> None:
    """A signed request list with one field replaced (or added) decodes or raises RoutineIdError."""
    token = encode_routine_id(request, "1.0.0", KEY)
    fields = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    fields[index : index + 1] = [value]
    try:
        version, decoded = decode_routine_id(_sign(json.dumps(fields).encode()), KEY)
    except RoutineIdError:
        return
    assert isinstance(version, str)
    assert isinstance(decoded, RoutineRequest)
    assert decode_routine_id(encode_routine_id(decoded, version, KEY), KEY) == (version, decoded)


# json.loads of a deeply nested payload raises RecursionError, which decode_routine_id turns
# into RoutineIdError (found by this test). The payload must
# carry a valid MAC, but the MAC's key defaults to a public constant (service/config.py), so
# any client can send one: '[' * 1500 signed with the default key fits the 2048-character limit.
def test_a_deeply_nested_signed_payload_raises_routine_id_error() -> None:
    """A signed payload nested too deep for json.loads still raises RoutineIdError."""
    token = _sign(b"[" * 1500)
    assert len(token) <= 2048
    with pytest.raises(RoutineIdError):
        decode_routine_id(token, KEY)


# ---- 7. budget use


@PROPERTY
@given(request=REQUESTS)
def test_a_short_routine_has_nothing_more_that_fits(
    release: Release, request: RoutineRequest
) -> None:
    """Under 70% of the time, every eligible exercise is in, or none left fits at its gentlest."""
    routine = _ready(release, request)
    if routine is None:
        return
    budget = request.minutes * 60
    if routine.estimated_seconds >= MIN_BUDGET_USE * budget:
        return
    chosen = {planned.item.id for planned in routine.sections[1].items}
    outside = [
        item for item in release.exercises if not _failures(item, request) and item.id not in chosen
    ]
    left = budget - routine.estimated_seconds
    assert all(ladder(item.dosage)[0].seconds > left for item in outside), [
        item.id for item in outside
    ]


# ---- 8. dosage


@PROPERTY
@given(request=REQUESTS)
def test_no_dose_is_above_the_prescription(release: Release, request: RoutineRequest) -> None:
    """Each item sits at or below its prescribed ladder step, with that step's dose."""
    routine = _ready(release, request)
    if routine is None:
        return
    for section in routine.sections:
        for planned in section.items:
            steps = ladder(planned.item.dosage)
            assert 0 <= planned.step <= prescribed_step(len(steps), request)
            assert planned.dose == steps[planned.step]
            if request.pain is not None and request.pain >= HIGH_PAIN:
                assert planned.step == 0


@PROPERTY
@given(request=REQUESTS, steps=st.integers(1, 40))
def test_the_prescription_stays_on_the_ladder_and_rises_with_the_weeks(
    request: RoutineRequest, steps: int
) -> None:
    """The prescribed step is on the ladder, never falls with the week, and is 0 at high pain."""
    step = prescribed_step(steps, request)
    assert 0 <= step < steps
    if request.week < WEEKS[1]:
        later = prescribed_step(steps, replace(request, week=request.week + 1))
        assert step <= later <= step + 1
    if request.pain is not None and request.pain >= HIGH_PAIN:
        assert step == 0


# ---- 9. progression outline


@PROPERTY
@given(request=REQUESTS)
def test_the_outline_rises_at_most_one_step_a_week(
    release: Release, request: RoutineRequest
) -> None:
    """Outline weeks follow on up to week 12; each item rises 0 or 1 step per step gained."""
    outcome = _outcome(release, request)
    if isinstance(outcome, RoutineError):
        return
    high_pain = request.pain is not None and request.pain >= HIGH_PAIN
    if outcome.status is not Status.READY or high_pain:
        assert outcome.progression == ()
        return
    assert len(outcome.progression) == min(OUTLINE_WEEKS, WEEKS[1] - request.week)
    current: dict[str, tuple[int, int]] = {}  # item id -> (week, step)
    for section in outcome.sections:
        for planned in section.items:
            current.setdefault(planned.item.id, (request.week, planned.step))
    for outline in outcome.progression:
        assert [planned.item.id for planned in outline.items] == list(current)
        for planned in outline.items:
            week, step = current[planned.item.id]
            assert outline.week == week + 1 <= WEEKS[1]
            gained = progression_steps(outline.week, request.days_per_week) - progression_steps(
                week, request.days_per_week
            )
            assert step <= planned.step <= step + min(gained, 1)
            steps = ladder(planned.item.dosage)
            assert planned.dose == steps[planned.step]
            assert planned.step <= prescribed_step(len(steps), replace(request, week=outline.week))
            current[planned.item.id] = (outline.week, planned.step)


# ---- 10. ladders


@pytest.mark.parametrize("item_id", list(RAW_ITEMS))
def test_ladder_climbs_from_every_minimum_to_every_maximum(release: Release, item_id: str) -> None:
    """A release item's ladder runs from its ranges' minimums to maximums, one number a step."""
    item = release.find(Kind.EXERCISE, item_id) or release.find(Kind.STRETCH, item_id)
    assert isinstance(item, Item)
    spec = RAW_ITEMS[item_id]["dosage"]
    work = spec["reps"] or spec["duration_seconds"]
    hold = spec["hold_seconds"]
    _check_ladder(
        ladder(item.dosage),
        sets=(spec["sets"]["min"], spec["sets"]["max"]),
        work=(work["min"], work["max"]),
        hold=(hold["min"], hold["max"]) if hold else None,
        with_reps=spec["reps"] is not None,
    )
    per_rep = spec["seconds_per_rep"]["value"] if spec["seconds_per_rep"] else None
    for dose in ladder(item.dosage):
        assert dose.seconds_per_rep == per_rep
        assert dose.rest_seconds == spec["rest_seconds"]["value"]
        assert dose.per_side is spec["per_side"]["value"]


@FUZZ
@given(dosage=dosages())
def test_ladder_climbs_for_any_valid_dosage(dosage: Dosage) -> None:
    """The same ladder rules hold for any dosage the content format allows."""
    work = dosage.reps or dosage.duration_seconds
    assert work is not None
    hold = dosage.hold_seconds
    _check_ladder(
        ladder(dosage),
        sets=(dosage.sets.min, dosage.sets.max),
        work=(work.min, work.max),
        hold=(hold.min, hold.max) if hold else None,
        with_reps=dosage.reps is not None,
    )


# ---- 11. seed


def test_the_seed_varies_the_choice_among_equal_options(release: Release) -> None:
    """With all equipment but too little time for everything, seeds pick different items."""
    # From 15 minutes on this request fits the whole catalogue, leaving the seed nothing to pick.
    request = RoutineRequest.build(minutes=10, equipment=EQUIPMENT)
    first = _ids(generate_routine(release, request))
    assert len(first[1]) < len(EXERCISES)
    others = [_ids(generate_routine(release, replace(request, seed=seed))) for seed in range(1, 20)]
    assert any(other != first for other in others)


@PROPERTY
@given(request=REQUESTS, seed=st.integers(*SEED))
def test_the_seed_never_changes_the_status(
    release: Release, request: RoutineRequest, seed: int
) -> None:
    """Changing only the seed keeps the status, or the error and its fields."""
    outcomes = [_outcome(release, request), _outcome(release, replace(request, seed=seed))]
    kinds = [
        outcome.fields if isinstance(outcome, RoutineError) else outcome.status
        for outcome in outcomes
    ]
    assert kinds[0] == kinds[1]
