"""Whole routines checked by hand against the seed's dosages, and the generator's rules."""

from __future__ import annotations

import pytest

from service.domain import (
    Difficulty,
    PositionChoice,
    Release,
    Routine,
    RoutineError,
    RoutineRequest,
    Status,
    generate_routine,
)
from service.domain.routines import ladder


def _plan(routine: Routine) -> list[tuple[str, list[tuple[str, int, int | None, int | None, int]]]]:
    """Each section as (item id, sets, reps, hold or duration seconds, seconds)."""
    return [
        (
            section.name,
            [
                (
                    planned.item.id,
                    planned.dose.sets,
                    planned.dose.reps,
                    planned.dose.hold_seconds or planned.dose.duration_seconds,
                    planned.dose.seconds,
                )
                for planned in section.items
            ],
        )
        for section in routine.sections
    ]


def test_default_routine_for_someone_with_only_a_wall(release: Release) -> None:
    """Beginner week 1 with a wall: the calf stretch before and after, and the three exercises
    that need nothing, each at the lowest dosage (balance held the seed's 30 seconds)."""
    routine = generate_routine(release, RoutineRequest())
    # calf stretch: 1 set x 2 legs x 2 reps x (5 s + 15 s hold, the seed's lower bound) = 80 s
    # heel raises: 1 x 5 x (4 + 3) = 35 s; balance: 1 x 2 feet x 1 x (5 + 30) = 70 s;
    # heel walks: 1 x 3 bouts x 10 s = 30 s
    assert _plan(routine) == [
        ("warm-up", [("calf-stretch", 1, 2, 15, 80)]),
        (
            "exercises",
            [
                ("heel-raises", 1, 5, 3, 35),
                ("single-leg-balance", 1, 1, 30, 70),
                ("heel-walks", 1, 3, None, 30),
            ],
        ),
        ("cool-down", [("calf-stretch", 1, 2, 15, 80)]),
    ]
    assert routine.status is Status.READY
    assert (routine.estimated_seconds, routine.estimated_minutes) == (295, 5)
    assert [p.id for p in routine.precautions] == [
        "proper-footwear",
        "start-slowly",
        "avoid-high-impact",
        "stretch-before-and-after",
    ]
    assert routine.safety_notice.id == "safety-notice"
    assert routine.advice == (
        "This routine takes about 5 of your 15 minutes: it holds every exercise that suits "
        "your answers at this week's dosage.",
    )
    assert [week.week for week in routine.progression] == [2, 3, 4]


def test_high_pain_seated_routine_keeps_to_low_load_at_the_lowest_dosage(
    release: Release,
) -> None:
    """Pain 8, seated, a towel: seated low-load items at their minimum, and see a professional."""
    routine = generate_routine(
        release,
        RoutineRequest(pain=8, position=PositionChoice.SEATED, equipment=("towel",)),
    )
    # toe stretch: 1 x 2 feet x 2 x (3 + 15) = 72 s; towel curls 1 x 2 x 5 x (3 + 3) = 60 s;
    # foot roll 1 x 2 x 30 s = 60 s; toe scrunch 60 s; toe spread 1 x 2 x 2 x (3 + 15) = 72 s
    assert _plan(routine) == [
        ("warm-up", [("toe-stretch", 1, 2, 15, 72)]),
        (
            "exercises",
            [
                ("towel-curls", 1, 5, 3, 60),
                ("foot-roll", 1, None, 30, 60),
                ("toe-scrunch", 1, 5, 3, 60),
                ("toe-spread", 1, 2, 15, 72),
            ],
        ),
        ("cool-down", [("toe-stretch", 1, 2, 15, 72)]),
    ]
    assert routine.advice[0] == (
        "Your pain is 8 out of 10: this routine keeps to the gentlest exercises at their "
        "lowest dosage, and you should see a healthcare professional."
    )
    assert [guidance.id for guidance in routine.see_also] == ["when-to-see-a-professional"]
    assert routine.progression == ()


def test_red_flag_gives_see_a_professional_and_no_exercises(release: Release) -> None:
    """A yes to a screening question replaces the routine with the question's advice."""
    routine = generate_routine(
        release,
        RoutineRequest(screening=("numbness-or-tingling", "recent-injury-or-cannot-bear-weight")),
    )
    assert routine.status is Status.SEE_A_PROFESSIONAL
    assert routine.sections == ()
    assert [q.id for q in routine.reasons] == [
        "recent-injury-or-cannot-bear-weight",
        "numbness-or-tingling",
    ]
    assert routine.advice == tuple(q.advice for q in routine.reasons)
    assert routine.estimated_seconds == 0


def test_intermediate_starts_a_third_of_the_way_up_the_ladder(release: Release) -> None:
    """Heel raises have 18 dosages; intermediate week 1 starts at step 6: 1 set of 9, 5 s hold."""
    heel_raises = release.exercises[0]
    steps = ladder(heel_raises.dosage)
    assert len(steps) == 18
    assert (steps[6].sets, steps[6].reps, steps[6].hold_seconds, steps[6].seconds) == (1, 9, 5, 81)
    routine = generate_routine(
        release,
        RoutineRequest(minutes=30, level=Difficulty.INTERMEDIATE, equipment=("wall",)),
    )
    planned = {p.item.id: p for section in routine.sections for p in section.items}
    assert planned["heel-raises"].step == 6


def test_ladder_of_a_stretch_follows_the_seeds_hold_range(release: Release) -> None:
    """The calf stretch's hold rises from the seed's 15 s to its 30 s in 5 s steps."""
    calf = release.stretches[1]
    holds = [dose.hold_seconds for dose in ladder(calf.dosage)]
    assert holds[0] == 15
    assert holds[-1] == 30
    assert sorted(set(holds)) == [15, 20, 25, 30]


@pytest.mark.parametrize(
    ("request_", "fields"),
    [
        (RoutineRequest(equipment=()), ("equipment",)),
        (RoutineRequest(exclude=("calf-stretch", "toe-stretch")), ("equipment", "exclude")),
        (
            RoutineRequest(equipment=("towel",), position=PositionChoice.STANDING),
            ("equipment", "position"),
        ),
    ],
)
def test_no_possible_stretch_is_an_error_naming_the_constraints(
    release: Release, request_: RoutineRequest, fields: tuple[str, ...]
) -> None:
    """Without a stretch there is no warm-up or cool-down: the error says which constraint."""
    with pytest.raises(RoutineError) as caught:
        generate_routine(release, request_)
    assert caught.value.fields == fields
    assert caught.value.message.startswith("no stretch is possible for the warm-up and cool-down")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"equipment": ("trampoline",)}, "equipment"),
        ({"exclude": ("jumping-jacks",)}, "exclude"),
        ({"screening": ("feeling-blue",)}, "screening"),
    ],
)
def test_ids_unknown_to_the_release_are_refused(
    release: Release, kwargs: dict[str, tuple[str, ...]], field: str
) -> None:
    """Equipment, exclude and screening ids must exist in the release."""
    with pytest.raises(RoutineError) as caught:
        generate_routine(release, RoutineRequest.build(**kwargs))
    assert caught.value.fields == (field,)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"minutes": 4}, "minutes"),
        ({"minutes": 61}, "minutes"),
        ({"week": 13}, "week"),
        ({"pain": 11}, "pain"),
        ({"days_per_week": 0}, "days_per_week"),
        ({"seed": -1}, "seed"),
        ({"level": "expert"}, "level"),
        ({"position": "lying"}, "position"),
        ({"minutes": True}, "minutes"),
    ],
)
def test_build_checks_ranges_and_choices(kwargs: dict[str, object], field: str) -> None:
    """The domain refuses out-of-range requests itself, whatever the HTTP layer checked."""
    with pytest.raises(RoutineError) as caught:
        RoutineRequest.build(**kwargs)  # type: ignore[arg-type]
    assert caught.value.fields == (field,)


def test_build_normalises_lists() -> None:
    """Lists are sorted and unique, so equal requests have equal ids."""
    assert RoutineRequest.build(
        equipment=["wall", "towel", "wall"], focus=["balance", "strength"]
    ) == (RoutineRequest.build(equipment=["towel", "wall"], focus=["strength", "balance"]))
