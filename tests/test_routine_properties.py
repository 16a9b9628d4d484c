"""Properties of the routine programme over a grid of personas, checked with hypothesis.

Every expected value is worked out here from the release's content (its dosage ranges, pain
bands, urgencies and feedback thresholds) and from the policy as the README and FORMAT.md
state it, with plain arithmetic and if-statements: never by calling the generator's helpers.
The strategies build only the requests they mean (a persona brings a stretch it can do), so
that every example checks something; none is thrown away.
"""

from __future__ import annotations

import base64
import math
from dataclasses import replace
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from service.domain import (
    Basis,
    Decision,
    Dosage,
    Dose,
    Effort,
    Feedback,
    Focus,
    IdKeys,
    Item,
    PainBand,
    Planned,
    Range,
    Routine,
    RoutineError,
    RoutineRequest,
    Screening,
    Status,
    Value,
    Variation,
    decide,
    decode_routine_id,
    encode_routine_id,
    generate_routine,
    programme,
    request_for,
)
from service.domain.programme import LadderError, ladder

from .conftest import latest_with_rules

RELEASE, RULES = latest_with_rules()

# ---- facts read from the content

EQUIPMENT = [equipment.id for equipment in RELEASE.equipment]
QUESTIONS = [question.id for question in RELEASE.screening]
URGENCY_OF = {question.id: question.urgency for question in RELEASE.screening}
WEEKS = RULES.programme.weeks.value
PROGRESS_WEEKS = RULES.programme.progress_weeks.value
FULL_RATE_DAYS = RULES.programme.full_rate_days_per_week.value
LIMITS = RULES.feedback
ITEMS = (*RELEASE.exercises, *RELEASE.stretches)
STRETCHES = RELEASE.stretches
POSITIONS = ("any", "seated", "standing")


def _band(pain: int | None) -> PainBand:
    """The band a pain score falls in, read off the content's ranges; unknown's for None."""
    if pain is None:
        return next(band for band in RULES.pain.bands if band.id == RULES.pain.unknown_band)
    return next(band for band in RULES.pain.bands if band.min <= pain <= band.max)


READY_PAINS = [pain for pain in range(11) if _band(pain).ready]
NOT_READY_PAINS = [pain for pain in range(11) if not _band(pain).ready]
SCHEDULE_PAINS = [pain for pain in READY_PAINS if _band(pain).progression == "schedule"]
FEEDBACK_PAINS = [pain for pain in READY_PAINS if _band(pain).progression == "feedback"]
READY_BANDS = [band.id for band in RULES.pain.bands if band.ready]
KEYS = IdKeys.parse("k1:" + IdKeys.new_key())

# ---- orders from the issue text, least first

LEVEL_ORDER = ("beginner", "intermediate", "advanced")
LOAD_ORDER = ("low", "moderate", "high")
URGENCY_ORDER = ("soon", "urgent", "emergency")
SECTIONS = ("warm-up", "exercises", "cool-down")
NUMBERS = ("sets", "reps", "hold_seconds", "duration_seconds")

# No example database: every run explores afresh. Both files together take about 15 seconds.
PROPERTY = settings(max_examples=120, deadline=None, database=None)
QUICK = settings(max_examples=300, deadline=None, database=None)

# ---- strategies


def _subsets(ids: list[str]) -> st.SearchStrategy[list[str]]:
    """Any subset of the ids, drawn as a bit mask: the empty and the full set come up often."""
    return st.integers(0, 2 ** len(ids) - 1).map(
        lambda mask: [name for bit, name in enumerate(ids) if mask >> bit & 1]
    )


ANY_PAIN: st.SearchStrategy[int | None] = st.none() | st.integers(0, 10)


def _unmet(item: Item, persona: dict[str, Any]) -> set[str]:
    """Every request field that rules the item out, by FORMAT.md's rules: an equipment group
    with none of its ids at hand, another position, more forefoot load than the pain band's
    most, a difficulty more than one level above."""
    unmet = set()
    if any(not set(group) & set(persona["equipment"]) for group in item.equipment):
        unmet.add("equipment")
    if persona["position"] not in ("any", item.position):
        unmet.add("position")
    band = _band(persona["pain"])
    if LOAD_ORDER.index(item.forefoot_load) > LOAD_ORDER.index(band.max_forefoot_load):
        unmet.add("pain")
    if not _allowed(persona["level"], item.difficulty):
        unmet.add("level")
    return unmet


def _dose_seconds(
    dosage: Dosage, sets: int, reps: int | None, hold: int | None, duration: int | None
) -> int:
    """The clock of doing a dose as FORMAT.md words it, counted one step at a time: sets with
    a rest between two; in a set, each side (when per side) does its repetitions, each the
    seconds of the movement then the hold, or its seconds of continuous work."""
    clock = 0
    for number in range(sets):
        if number > 0:
            clock += dosage.rest_seconds.value
        for _side in ("left", "right") if dosage.per_side.value else ("once",):
            if reps is None:
                assert duration is not None
                clock += duration
                continue
            for _repetition in range(reps):
                clock += dosage.seconds_per_rep.value if dosage.seconds_per_rep else 0
                clock += hold or 0
    return clock


def _target_seconds(dosage: Dosage) -> int:
    """The seconds of the dosage's target: every range at its max, the heaviest it gets."""
    top = _maxima(dosage)
    return _dose_seconds(
        dosage, top["sets"] or 0, top["reps"], top["hold_seconds"], top["duration_seconds"]
    )


def _least_minutes(stretch: Item) -> int:
    """Minutes that hold the stretch twice (warm-up and cool-down) at its heaviest dose."""
    dosages = [stretch.dosage, *(v.dosage for v in stretch.variations if v.dosage is not None)]
    heaviest = max(_target_seconds(dosage) for dosage in dosages)
    return max(5, math.ceil(2 * heaviest / 60))


@st.composite
def personas(
    draw: st.DrawFn,
    pains: st.SearchStrategy[int | None] = ANY_PAIN,
    *,
    red_flags: bool = False,
    levels: tuple[str, ...] = LEVEL_ORDER,
) -> dict[str, Any]:
    """The fields of a routine request that some stretch fits (every routine needs one for its
    warm-up): a stretch the pain and level allow is drawn, and the position, equipment and
    minutes are drawn around it. Screening answers yes only when red_flags."""
    pain, level = draw(pains), draw(st.sampled_from(levels))
    drawn = {"pain": pain, "level": level, "position": "any", "equipment": EQUIPMENT}
    allowed = [stretch for stretch in STRETCHES if not _unmet(stretch, drawn)]
    assert allowed or not _band(pain).ready, (pain, level)  # the content offers a stretch
    position = draw(
        st.sampled_from([p for p in POSITIONS if any(p in ("any", s.position) for s in allowed)])
        if allowed
        else st.sampled_from(POSITIONS)
    )
    doable = [stretch for stretch in allowed if position in ("any", stretch.position)]
    stretch = draw(st.sampled_from(doable)) if doable else None
    at_hand = [draw(st.sampled_from(group)) for group in (stretch.equipment if stretch else ())]
    yes = draw(_subsets(QUESTIONS)) if red_flags else []
    unanswered = draw(_subsets([q for q in QUESTIONS if q not in yes]))
    return {
        "minutes": draw(st.integers(_least_minutes(stretch) if stretch else 5, 60)),
        "equipment": sorted({*draw(_subsets(EQUIPMENT)), *at_hand}),
        "position": position,
        "pain": pain,
        "level": level,
        "focus": draw(_subsets([focus.value for focus in Focus])),
        "days_per_week": draw(st.integers(1, 7)),
        "seed": draw(st.integers(0, 2**31 - 1)),
        "screening": yes,
        "screening_no": [q for q in QUESTIONS if q not in yes and q not in unanswered],
    }


READY = personas(st.none() | st.sampled_from(READY_PAINS))
SCHEDULED = personas(st.sampled_from(SCHEDULE_PAINS))
FEEDBACK_ONLY = personas(st.sampled_from(FEEDBACK_PAINS))
ANYONE = personas(red_flags=True)

# ---- helpers


def _request(persona: dict[str, Any]) -> RoutineRequest:
    return request_for(RELEASE, persona)


def _routine(request: RoutineRequest) -> Routine:
    return generate_routine(RELEASE, request)


def _weeks(persona: dict[str, Any]) -> list[Routine]:
    """Weeks 1 to the programme's length of a ready persona's routine."""
    request = _request(persona)
    first = _routine(request)
    assert first.status is Status.READY, first.reasons
    assert _section(first, "warm-up"), persona  # the stretch the persona brings, or another
    return [generate_routine(RELEASE, replace(request, week=week)) for week in range(1, WEEKS + 1)]


def _section(routine: Routine, name: str) -> tuple[Planned, ...]:
    return next(section.items for section in routine.sections if section.name == name)


def _items(routine: Routine) -> list[Planned]:
    """Every item once: the warm-up's stretches and the exercises (the cool-down repeats)."""
    return [*_section(routine, "warm-up"), *_section(routine, "exercises")]


def _dosage(planned: Planned) -> Dosage:
    """The content's dosage the planned dose comes from: its variation's, or the item's."""
    variation = planned.rung.variation
    return planned.item.dosage if variation is None else _has_dosage(variation)


def _has_dosage(variation: Variation) -> Dosage:
    assert variation.dosage is not None
    return variation.dosage


def _numbers(dose: Dose) -> dict[str, int | None]:
    return {name: getattr(dose, name) for name in NUMBERS}


def _volume(dose: Dose, dosage: Dosage) -> int:
    """Sets x reps x (seconds per rep + hold), or sets x duration: one side's work."""
    if dose.reps is not None:
        per_rep = dosage.seconds_per_rep.value if dosage.seconds_per_rep else 0
        return dose.sets * dose.reps * (per_rep + (dose.hold_seconds or 0))
    assert dose.duration_seconds is not None
    return dose.sets * dose.duration_seconds


def _seconds(planned: Planned) -> int:
    """The clock of this week's numbers, with the movement, rest and sides of the content."""
    dose = planned.dose
    return _dose_seconds(
        _dosage(planned), dose.sets, dose.reps, dose.hold_seconds, dose.duration_seconds
    )


def _rise_is_bounded(before: Dose, after: Dose, dosage: Dosage) -> bool:
    """Unchanged; or at most 25% more volume; or one number up by one rep or at most 5 s."""
    old, new = _numbers(before), _numbers(after)
    if old == new:
        return True
    if 4 * _volume(after, dosage) <= 5 * _volume(before, dosage):
        return True
    changed = [name for name in NUMBERS if old[name] != new[name]]
    if len(changed) != 1:
        return False
    name = changed[0]
    rise = (new[name] or 0) - (old[name] or 0)
    return rise == 1 if name == "reps" else name != "sets" and 0 < rise <= 5


def _never_falls(before: Dose, after: Dose) -> bool:
    old, new = _numbers(before), _numbers(after)
    return all(
        (old[name] is None) == (new[name] is None) and (new[name] or 0) >= (old[name] or 0)
        for name in NUMBERS
    )


def _harder(item: Item) -> Variation | None:
    """The variation FORMAT.md says takes over at the target: the one with a dosage."""
    return next((v for v in item.variations if v.dosage is not None), None)


def _allowed(level: str, difficulty: str | None) -> bool:
    """At most one level above the person's."""
    return difficulty is None or LEVEL_ORDER.index(difficulty) <= LEVEL_ORDER.index(level) + 1


def _at_final_target(planned: Planned, level: str) -> bool:
    """Whether the item is at the top of its last ladder: the harder variation's if allowed."""
    harder = _harder(planned.item)
    last = harder if harder is not None and _allowed(level, harder.difficulty) else None
    dosage = planned.item.dosage if last is None else _has_dosage(last)
    return planned.rung.variation == last and _numbers(planned.dose) == _maxima(dosage)


def _minima(dosage: Dosage) -> dict[str, int | None]:
    return {
        "sets": dosage.sets.min,
        "reps": dosage.reps.min if dosage.reps else None,
        "hold_seconds": dosage.hold_seconds.min if dosage.hold_seconds else None,
        "duration_seconds": dosage.duration_seconds.min if dosage.duration_seconds else None,
    }


def _maxima(dosage: Dosage) -> dict[str, int | None]:
    return {
        "sets": dosage.sets.max,
        "reps": dosage.reps.max if dosage.reps else None,
        "hold_seconds": dosage.hold_seconds.max if dosage.hold_seconds else None,
        "duration_seconds": dosage.duration_seconds.max if dosage.duration_seconds else None,
    }


def _step_due(week: int, days_per_week: int) -> bool:
    """Whether the schedule climbs a step on arriving at `week`: weekly through the progress
    weeks from the full-rate days a week, every second week below them, never after."""
    if not 2 <= week <= PROGRESS_WEEKS:
        return False
    return days_per_week >= FULL_RATE_DAYS or (week - 1) % 2 == 0


def _pairs(weeks: list[Routine]) -> list[tuple[int, Planned, Planned]]:
    """(week, item that week, the same item the next week) for every item and week."""
    return [
        (week, before, after)
        for week, (this, following) in enumerate(pairwise(weeks), start=1)
        for before, after in zip(_items(this), _items(following), strict=True)
    ]


# ---- 1. the same items every week


@PROPERTY
@given(READY)
def test_every_week_holds_the_same_items_in_the_same_order(persona: dict[str, Any]) -> None:
    """Weeks 1 to 12 of one request hold the same items in each section and the same activity."""
    weeks = _weeks(persona)

    def outline(routine: Routine) -> list[Any]:
        activity = routine.activity
        return [
            *((s.name, [p.item.id for p in s.items]) for s in routine.sections),
            None if activity is None else (activity.activity.id, activity.minutes),
        ]

    assert [section.name for section in weeks[0].sections] == list(SECTIONS)
    assert [outline(routine) for routine in weeks] == [outline(weeks[0])] * WEEKS


# ---- 2. and 3. doses climb, never fall, in bounded steps, then hold


@PROPERTY
@given(READY)
def test_doses_never_fall_and_rise_in_bounded_steps(persona: dict[str, Any]) -> None:
    """Within a variation no number falls week to week, and each rise is at most 25% of the
    volume or one rep or at most 5 seconds; a variation takes over only at the item's target."""
    for week, before, after in _pairs(_weeks(persona)):
        assert before.item is after.item
        if before.rung.variation == after.rung.variation:
            assert _never_falls(before.dose, after.dose), (week, before.item.id)
            assert _rise_is_bounded(before.dose, after.dose, _dosage(before)), (week, after)
        else:
            assert before.rung.variation is None, (week, before.item.id)
            assert after.rung.variation == _harder(after.item)
            assert _numbers(before.dose) == _maxima(before.item.dosage)
            assert _numbers(after.dose) == _minima(_dosage(after))


@PROPERTY
@given(READY)
@example(  # the smallest failure: one day a week climbs on after week 6
    {
        "minutes": 60,
        "equipment": [],
        "position": "any",
        "pain": 2,
        "level": "beginner",
        "focus": [],
        "days_per_week": 1,
        "seed": 0,
        "screening": [],
        "screening_no": [],
    }
)
def test_doses_hold_after_the_progress_weeks(persona: dict[str, Any]) -> None:
    """From the last progress week (6) to the programme's end every dose stays the same,
    whatever the days a week (README: "one step a week through week 6, then the dose holds")."""
    weeks = _weeks(persona)
    held = [[(p.item.id, p.rung) for p in _items(routine)] for routine in weeks]
    assert held[PROGRESS_WEEKS - 1 :] == [held[PROGRESS_WEEKS - 1]] * (WEEKS - PROGRESS_WEEKS + 1)


# ---- 4. the time budget


@PROPERTY
@given(READY)
def test_every_week_fits_the_minutes_and_the_estimate_adds_up(persona: dict[str, Any]) -> None:
    """Each week's seconds, worked out from the doses and the content's constants (warm-up and
    cool-down both counted, plus the activity), are within the minutes and are the estimate."""
    for routine in _weeks(persona):
        activity = routine.activity.minutes * 60 if routine.activity else 0
        total = sum(_seconds(p) for section in routine.sections for p in section.items) + activity
        assert total <= persona["minutes"] * 60
        assert routine.estimated_seconds == total
        for section in routine.sections:
            for planned in section.items:
                dosage = _dosage(planned)
                assert planned.dose.rest_seconds == dosage.rest_seconds.value
                assert planned.dose.per_side is dosage.per_side.value
                per_rep = dosage.seconds_per_rep
                assert planned.dose.seconds_per_rep == (per_rep.value if per_rep else None)


# ---- 5. the programme is the routine of each week


@PROPERTY
@given(ANYONE, st.integers(1, WEEKS))
def test_programme_is_the_routine_of_each_week(persona: dict[str, Any], week: int) -> None:
    """programme() week N is the request's routine at week N, from whatever week it is asked;
    it is empty when the routine is not ready."""
    request = replace(_request(persona), week=week)
    routine = _routine(request)
    weeks = programme(RELEASE, request)
    expected = [generate_routine(RELEASE, replace(request, week=n)) for n in range(1, WEEKS + 1)]
    assert list(weeks) == (expected if routine.status is Status.READY else [])


@st.composite
def stranded(draw: st.DrawFn) -> dict[str, Any]:
    """A ready persona whom no stretch fits: in a position where every stretch needs some
    equipment, with one requirement group of each such stretch left out of what is at hand."""
    persona = draw(READY)
    drawn = {**persona, "position": "any", "equipment": EQUIPMENT}
    allowed = [stretch for stretch in STRETCHES if not _unmet(stretch, drawn)]
    positions = [
        p for p in POSITIONS if all(s.equipment for s in allowed if p in ("any", s.position))
    ]
    position = draw(st.sampled_from(positions))
    missing = {
        name
        for stretch in allowed
        if position in ("any", stretch.position)
        for name in draw(st.sampled_from(stretch.equipment))
    }
    at_hand = [name for name in persona["equipment"] if name not in missing]
    return {**persona, "position": position, "equipment": at_hand}


@PROPERTY
@given(stranded())
def test_a_persona_no_stretch_fits_is_refused_naming_what_rules_each_out(
    persona: dict[str, Any],
) -> None:
    """With no stretch for the warm-up, the request is refused; the fields it names each rule
    a stretch out, and every stretch is ruled out by one of them."""
    unmet = [_unmet(stretch, persona) for stretch in STRETCHES]
    assert all(unmet)
    with pytest.raises(RoutineError) as refused:
        _routine(_request(persona))
    named = set(refused.value.fields)
    assert named <= set().union(*unmet)
    assert all(fields & named for fields in unmet), (named, unmet)


# ---- 6. the pain policy


@PROPERTY
@given(personas(st.sampled_from(NOT_READY_PAINS)))
def test_pain_in_a_band_that_is_not_ready_gives_see_a_professional(
    persona: dict[str, Any],
) -> None:
    """Pain 7-10 (a band not ready): see-a-professional with the band's urgency and no items."""
    routine = _routine(_request(persona))
    band = _band(persona["pain"])
    assert routine.status is Status.SEE_A_PROFESSIONAL
    assert routine.urgency == band.urgency
    assert routine.band.id == band.id
    assert (routine.sections, routine.activity, routine.estimated_seconds) == ((), None, 0)
    assert band.urgency is not None
    assert RULES.urgency[band.urgency] in routine.advice
    assert band.advice in routine.advice


@PROPERTY
@given(READY)
def test_no_item_loads_the_forefoot_more_than_the_band_allows(persona: dict[str, Any]) -> None:
    """Every item's forefoot load is at most the pain band's (no heel raises at pain 4-6)."""
    band = _band(persona["pain"])
    routine = _routine(_request(persona))
    assert routine.band.id == band.id
    for planned in _items(routine):
        assert LOAD_ORDER.index(planned.item.forefoot_load) <= LOAD_ORDER.index(
            band.max_forefoot_load
        )


@PROPERTY
@given(FEEDBACK_ONLY)
def test_a_feedback_only_band_keeps_a_fresh_request_at_its_start(persona: dict[str, Any]) -> None:
    """At pain 4-6 doses rise only as feedback earns: with nothing earned, all 12 weeks are
    week 1, and nothing loads the forefoot highly."""
    weeks = _weeks(persona)
    doses = [[(p.item.id, p.rung) for p in _items(routine)] for routine in weeks]
    assert doses == [doses[0]] * WEEKS
    assert all(p.item.forefoot_load != "high" for p in _items(weeks[0]))


@PROPERTY
@given(personas(ANY_PAIN))
def test_the_band_is_the_pains_or_the_unknown_band(persona: dict[str, Any]) -> None:
    """A pain score picks its band; no score picks the content's unknown band, says it was
    assumed, and carries the unknown-pain advice."""
    routine = _routine(_request(persona))
    assert routine.band.id == _band(persona["pain"]).id
    assert routine.band_assumed is (persona["pain"] is None)
    if persona["pain"] is None:
        assert routine.band.id == RULES.pain.unknown_band
        assert RULES.pain.unknown_advice in routine.advice
    else:
        assert RULES.pain.unknown_advice not in routine.advice


@PROPERTY
@given(SCHEDULED)
def test_a_scheduled_band_climbs_a_step_exactly_when_the_schedule_says(
    persona: dict[str, Any],
) -> None:
    """At pain 0-3 a dose changes from one week to the next exactly when the schedule is due a
    step (weekly from 3 days a week, every second week below) and the item is below its target."""
    for week, before, after in _pairs(_weeks(persona)[:PROGRESS_WEEKS]):
        due = _step_due(week + 1, persona["days_per_week"])
        climbs = due and not _at_final_target(before, persona["level"])
        assert (before.rung != after.rung) is climbs, (week, before.item.id, before, after)


# ---- 7. screening


@PROPERTY
@given(ANYONE)
def test_screening_answers_decide_status_urgency_and_advice(persona: dict[str, Any]) -> None:
    """A yes gives see-a-professional at the highest urgency of the yes questions and the pain
    band; all no is complete; otherwise incomplete, listing exactly the unanswered questions."""
    routine = _routine(_request(persona))
    band = _band(persona["pain"])
    yes, no = persona["screening"], persona["screening_no"]
    urgencies = [URGENCY_OF[q] for q in yes] + ([] if band.ready else [band.urgency])
    if yes:
        assert routine.screening is Screening.FLAGGED
    elif len(no) == len(QUESTIONS):
        assert (routine.screening, routine.unanswered) == (Screening.COMPLETE, ())
    else:
        assert routine.screening is Screening.INCOMPLETE
        assert sorted(routine.unanswered) == sorted(set(QUESTIONS) - set(yes) - set(no))
        assert len(set(routine.unanswered)) == len(routine.unanswered)
    if urgencies:
        highest = max(urgencies, key=lambda u: URGENCY_ORDER.index(str(u)))
        assert highest is not None
        assert (routine.status, routine.urgency) == (Status.SEE_A_PROFESSIONAL, highest)
        assert routine.sections == ()
        assert RULES.urgency[highest] in routine.advice
    else:
        assert (routine.status, routine.urgency) == (Status.READY, None)
        if routine.screening is Screening.INCOMPLETE:
            assert RULES.incomplete_advice in routine.advice
        else:
            assert RULES.incomplete_advice not in routine.advice


@PROPERTY
@given(personas(ANY_PAIN))
@example(  # severe pain, nothing answered: the answer does not ask for the answers
    {
        "minutes": 15,
        "equipment": ["wall"],
        "position": "any",
        "pain": 8,
        "level": "beginner",
        "focus": [],
        "days_per_week": 3,
        "seed": 0,
        "screening": [],
        "screening_no": [],
    }
)
def test_incomplete_screening_always_asks_for_the_answers(persona: dict[str, Any]) -> None:
    """Whenever a question is unanswered (and none answered yes), the advice asks for the
    answers (README: incomplete comes "with unanswered and advice to answer"), pain 7-10 too."""
    incomplete = len(persona["screening_no"]) < len(QUESTIONS)
    routine = _routine(_request(persona))
    assert (routine.screening is Screening.INCOMPLETE) is incomplete
    assert (RULES.incomplete_advice in routine.advice) is incomplete


# ---- 8. similar groups


@PROPERTY
@given(READY)
def test_one_item_per_similar_group_unless_nothing_else_fits(persona: dict[str, Any]) -> None:
    """No two items share a similar group, stretches included, except a lone exercise that
    shares one with a stretch because no other exercise fits."""
    routine = _routine(_request(persona))
    stretches, exercises = _section(routine, "warm-up"), _section(routine, "exercises")
    assert _section(routine, "cool-down") == stretches
    stretch_groups = [p.item.similar for p in stretches if p.item.similar]
    exercise_groups = [p.item.similar for p in exercises if p.item.similar]
    assert len(set(stretch_groups)) == len(stretch_groups)
    assert len(set(exercise_groups)) == len(exercise_groups)
    shared = set(stretch_groups) & set(exercise_groups)
    assert not shared or len(exercises) == 1, [p.item.id for p in _items(routine)]


# ---- 9. level


@PROPERTY
@given(READY)
def test_nothing_is_more_than_one_level_above_the_person(persona: dict[str, Any]) -> None:
    """In no week is an item, or the variation in use, more than one level above the
    request's level; a beginner starts every item at each range's minimum."""
    level = persona["level"]
    weeks = _weeks(persona)
    for routine in weeks:
        for planned in _items(routine):
            assert _allowed(level, planned.item.difficulty)
            variation = planned.rung.variation
            assert variation is None or _allowed(level, variation.difficulty), planned
    if level == "beginner":
        for planned in _items(weeks[0]):
            assert planned.rung.variation is None
            assert _numbers(planned.dose) == _minima(planned.item.dosage)


@PROPERTY
@given(personas(st.none() | st.sampled_from(READY_PAINS), levels=("beginner",)))
def test_a_higher_level_starts_no_lower_on_any_shared_item(persona: dict[str, Any]) -> None:
    """For the same item, intermediate starts at least where beginner does, advanced at least
    where intermediate does: on the harder variation, or at no lower number on the same one."""
    starts = []
    for level in LEVEL_ORDER:
        routine = _routine(_request({**persona, "level": level}))
        starts.append({p.item.id: p for p in _items(routine)})
    compared = 0
    for lower, higher in pairwise(starts):
        for item_id in lower.keys() & higher.keys():
            low, high = lower[item_id], higher[item_id]
            compared += 1
            if low.rung.variation == high.rung.variation:
                old, new = _numbers(low.dose), _numbers(high.dose)
                assert all((new[n] or 0) >= (old[n] or 0) for n in NUMBERS), item_id
            else:
                assert low.rung.variation is None, item_id
                assert high.rung.variation == _harder(high.item)
    assert compared > 0  # every routine has stretches, and they are the same ones in all levels


# ---- 10. feedback


@st.composite
def feedbacks(draw: st.DrawFn) -> Feedback:
    """Any answer; a third within the limits that allow progress whatever the baseline, a
    third with pain during high enough to step back but short of see-a-professional."""
    kind = draw(st.sampled_from(["within-limits", "step-back", "any"]))
    if kind == "step-back":
        return Feedback(
            pain_during=draw(
                st.integers(
                    LIMITS.step_back_pain_during.value, LIMITS.see_a_professional_at.value - 1
                )
            ),
            pain_next_day=draw(st.integers(0, LIMITS.see_a_professional_at.value - 1)),
            effort=draw(st.sampled_from(Effort)),
            completed=draw(st.booleans()),
            pain_before=draw(st.none() | st.integers(0, 10)),
        )
    if kind == "within-limits":
        return Feedback(
            pain_during=draw(st.integers(0, LIMITS.hold_pain_during.value - 1)),
            pain_next_day=0,
            effort=draw(st.sampled_from([Effort.EASY, Effort.RIGHT])),
            completed=True,
            pain_before=draw(st.none() | st.integers(0, 10)),
        )
    return Feedback(
        pain_during=draw(st.integers(0, 10)),
        pain_next_day=draw(st.integers(0, 10)),
        effort=draw(st.sampled_from(Effort)),
        completed=draw(st.booleans()),
        pain_before=draw(st.none() | st.integers(0, 10)),
        screening=tuple(draw(st.lists(st.sampled_from(QUESTIONS), max_size=2, unique=True))),
    )


@st.composite
def programme_places(draw: st.DrawFn) -> RoutineRequest:
    """A ready request somewhere in its programme, as feedback may have left it."""
    persona = draw(READY)
    return _request(
        {
            **persona,
            "week": draw(st.sampled_from([1, WEEKS]) | st.integers(1, WEEKS)),
            "streak": draw(st.integers(0, LIMITS.not_improving_after.value - 1)),
            "earned": draw(st.integers(0, PROGRESS_WEEKS)),
            "band": draw(st.none() | st.sampled_from(READY_BANDS)),
        }
    )


def _baseline(request: RoutineRequest, feedback: Feedback) -> int:
    """The pain next-day pain is held against: pain_before, else the request's, else the default."""
    if feedback.pain_before is not None:
        return feedback.pain_before
    if request.pain is not None:
        return request.pain
    return LIMITS.default_baseline.value


def _step_back_and_hold(feedback: Feedback, baseline: int) -> tuple[set[str], set[str]]:
    """The step-back reason codes and the hold reason codes that a session's answers meet."""
    during, next_day = feedback.pain_during, feedback.pain_next_day
    step_back = set()
    if during >= LIMITS.step_back_pain_during.value:
        step_back.add("pain-during-high")
    if next_day > baseline + LIMITS.step_back_next_day_rise.value:
        step_back.add("pain-next-day-rose")
    hold = set()
    if during >= LIMITS.hold_pain_during.value:
        hold.add("pain-during-moderate")
    if next_day > baseline + LIMITS.hold_next_day_rise.value:
        hold.add("pain-next-day-above-baseline")
    if feedback.effort == "hard":
        hold.add("effort-hard")
    if not feedback.completed:
        hold.add("not-completed")
    return step_back, hold


def _expected(request: RoutineRequest, feedback: Feedback) -> tuple[str, set[str], int | None]:
    """(decision, reason codes, next streak) by the feedback rules of the issue, in order."""
    during, next_day = feedback.pain_during, feedback.pain_next_day
    too_high = LIMITS.see_a_professional_at.value
    if feedback.screening or during >= too_high or next_day >= too_high:
        codes = set()
        if feedback.screening:
            codes.add("red-flag")
        if during >= too_high or next_day >= too_high:
            codes.add("pain-too-high")
        return "see-a-professional", codes, None
    step_back, hold = _step_back_and_hold(feedback, _baseline(request, feedback))
    if step_back or hold:
        streak = request.streak + 1
        codes = step_back or hold
        if streak >= LIMITS.not_improving_after.value:
            return "see-a-professional", {*codes, "not-improving"}, None
        return ("step-back" if step_back else "hold"), codes, streak
    # Within limits resets the streak, also at the last week, where there is no week to go to.
    if request.week == WEEKS:
        return "hold", {"programme-complete"}, 0
    return "progress", {"within-limits"}, 0


@QUICK
@given(programme_places(), feedbacks())
def test_feedback_decides_by_the_first_matching_rule(
    request: RoutineRequest, feedback: Feedback
) -> None:
    """decide() gives the decision, reasons, next week, band and streak the rules give, and the
    next request keeps the person's answers and makes a ready routine."""
    decision, codes, streak = _expected(request, feedback)
    outcome = decide(RELEASE, request, feedback)
    assert outcome.decision == decision
    given_codes = {code for code, _ in outcome.reasons}
    if decision == "progress" and "time-limit" in given_codes:
        # A progress the time cannot hold: true only if next week's doses stay as they are.
        assert outcome.next is not None
        this_week, next_week = (
            generate_routine(RELEASE, request),
            generate_routine(RELEASE, outcome.next),
        )
        assert [p.rung for p in _items(next_week)] == [p.rung for p in _items(this_week)]
        given_codes.discard("time-limit")
    assert given_codes == codes
    assert all(text == LIMITS.reasons[code] for code, text in outcome.reasons)
    following = outcome.next
    if decision == "see-a-professional":
        assert following is None
    else:
        assert following is not None
        weeks = {"progress": request.week + 1, "hold": request.week}
        assert following.week == weeks.get(decision, max(1, request.week - 1))
        assert following.band == (
            LIMITS.step_back_band if decision == "step-back" else request.band
        )
        assert following.streak == streak
        kept: tuple[str, ...] = ("minutes", "equipment", "position", "pain", "level", "focus")
        kept += ("exclude", "days_per_week", "screening", "seed")
        assert [getattr(following, f) for f in kept] == [getattr(request, f) for f in kept]
        assert set(following.screening_no) >= {*request.screening_no, *feedback.screening_no}
        assert generate_routine(RELEASE, following).status is Status.READY


WITHIN_LIMITS = Feedback(pain_during=0, pain_next_day=0, effort=Effort.RIGHT, completed=True)
NOT_PROGRESS = st.sampled_from(
    [
        Feedback(pain_during=4, pain_next_day=0, effort=Effort.RIGHT, completed=True),
        Feedback(pain_during=6, pain_next_day=0, effort=Effort.EASY, completed=True),
        Feedback(pain_during=0, pain_next_day=0, effort=Effort.HARD, completed=True),
        Feedback(pain_during=0, pain_next_day=0, effort=Effort.RIGHT, completed=False),
    ]
)


@QUICK
@given(READY, st.lists(st.just(WITHIN_LIMITS) | NOT_PROGRESS, min_size=1, max_size=7))
def test_the_third_answer_in_a_row_that_is_not_progress_is_not_improving(
    persona: dict[str, Any], answers: list[Feedback]
) -> None:
    """Fed back in turn from week 1, answers that are not progress count up in next.streak,
    progress resets it, and the one that brings it to 3 gives see-a-professional."""
    request = _request(persona)
    in_a_row = 0
    for feedback in answers:
        outcome = decide(RELEASE, request, feedback)
        in_a_row = 0 if feedback is WITHIN_LIMITS else in_a_row + 1
        if in_a_row == LIMITS.not_improving_after.value:
            assert outcome.decision is Decision.SEE_A_PROFESSIONAL
            assert "not-improving" in {code for code, _ in outcome.reasons}
            assert outcome.next is None
            break
        expected = {Decision.PROGRESS} if in_a_row == 0 else {Decision.HOLD, Decision.STEP_BACK}
        assert outcome.decision in expected
        assert outcome.next is not None
        assert outcome.next.streak == in_a_row
        request = outcome.next


# ---- 11. dose ladders


def _check_ladder(dosage: Dosage, steps: tuple[Dose, ...]) -> None:
    assert _numbers(steps[0]) == _minima(dosage)
    assert _numbers(steps[-1]) == _maxima(dosage)
    for before, after in pairwise(steps):
        assert _numbers(before) != _numbers(after)
        assert _never_falls(before, after), (before, after)
        assert _rise_is_bounded(before, after, dosage), (before, after)


@pytest.mark.parametrize(
    "dosage",
    [
        pytest.param(dosage, id=f"{item.id}{'-' + name if name else ''}")
        for item in ITEMS
        for name, dosage in [
            ("", item.dosage),
            *((v.id or v.name, v.dosage) for v in item.variations if v.dosage is not None),
        ]
    ],
)
def test_every_ladder_in_the_content_climbs_from_min_to_max_in_bounded_steps(
    dosage: Dosage,
) -> None:
    """Each content dosage's ladder starts at every range's min, ends at every max, never lets
    a number fall and rises each step by at most 25% or one rep or 5 seconds."""
    _check_ladder(dosage, ladder(dosage))


def _sets_climb(low: int, high: int) -> bool:
    """Whether sets can rise from low to high in bounded steps: a step adds one set, all other
    numbers at their target, so the volume rises by 1/sets, steepest from the first; a set is
    not a rep nor seconds, so that rise must be within 25%."""
    return low == high or 4 * (low + 1) <= 5 * low


CLIMBING_SETS = st.integers(1, 6).map(lambda n: (n, n)) | st.integers(4, 8).flatmap(
    lambda low: st.tuples(st.just(low), st.integers(low + 1, 10))
)
STEEP_SETS = st.integers(1, 3).flatmap(lambda low: st.tuples(st.just(low), st.integers(low + 1, 6)))


@st.composite
def dosages(draw: st.DrawFn, sets: st.SearchStrategy[tuple[int, int]]) -> Dosage:
    """Any dosage FORMAT.md allows, with sets from `sets`: ranges 1 <= min <= max, reps or
    duration, hold with reps."""

    def span(high: int) -> Range:
        low = draw(st.integers(1, high))
        return Range(low, draw(st.integers(low, high)), Basis.DEFAULT)

    with_reps = draw(st.booleans())
    low, high = draw(sets)
    return Dosage(
        sets=Range(low, high, Basis.DEFAULT),
        reps=span(30) if with_reps else None,
        hold_seconds=span(60) if with_reps and draw(st.booleans()) else None,
        duration_seconds=None if with_reps else span(180),
        seconds_per_rep=Value(draw(st.integers(1, 10)), Basis.DEFAULT) if with_reps else None,
        rest_seconds=Value(draw(st.integers(0, 60)), Basis.DEFAULT),
        per_side=Value(draw(st.booleans()), Basis.DEFAULT),
    )


@QUICK
@given(dosages(CLIMBING_SETS))
def test_any_ladder_climbs_from_min_to_max_in_bounded_steps(dosage: Dosage) -> None:
    """For any dosage whose sets can rise within 25%, the ladder starts at the mins, ends at
    the maxes, never falls, and each step is bounded."""
    assert _sets_climb(dosage.sets.min, dosage.sets.max)
    _check_ladder(dosage, ladder(dosage))


@QUICK
@given(dosages(STEEP_SETS))
def test_a_ladder_whose_sets_cannot_rise_within_25_percent_is_refused(dosage: Dosage) -> None:
    """Any dosage whose next set would add more than 25% (from 1, 2 or 3 sets) is refused."""
    assert not _sets_climb(dosage.sets.min, dosage.sets.max)
    with pytest.raises(LadderError, match=f"sets cannot rise from {dosage.sets.min} to "):
        ladder(dosage)


# ---- ids


@QUICK
@given(programme_places())
def test_ids_round_trip_and_hide_the_answers(request: RoutineRequest) -> None:
    """An id decodes to the release and request it was made from, and no screening id or level
    is readable in it, even base64-decoded."""
    routine_id = encode_routine_id(request, RELEASE.version, KEYS)
    assert decode_routine_id(routine_id, KEYS) == (RELEASE.version, request)
    token = routine_id.split(".")[-1]
    readable = [routine_id.encode()] + [
        base64.urlsafe_b64decode(token[skip:] + "=" * (-len(token[skip:]) % 4))
        for skip in range(4)
        if len(token[skip:]) % 4 != 1
    ]
    for text in readable:
        for secret in [*QUESTIONS, *LEVEL_ORDER]:
            assert secret.encode() not in text
