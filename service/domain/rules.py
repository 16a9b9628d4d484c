"""Read and cross-check rules.json: request defaults, programme, pain bands, feedback thresholds.

Raises ``ContentError`` naming the file, the item and the field at fault.
"""

from __future__ import annotations

from .model import (
    FEEDBACK_REASONS,
    Activity,
    Difficulty,
    FeedbackRules,
    Kind,
    Load,
    PainBand,
    PainRules,
    ProgrammeRules,
    Progression,
    Release,
    RequestDefaults,
    Rules,
    Urgency,
    Value,
)
from .programme import LadderError, ladder
from .reading import Object, Place, citations, no_repeats, read_value

RULES_FILE = "rules.json"
PAIN_SCALE = (0, 10)
POSITIONS = ("any", "seated", "standing")


def _value(obj: Object, key: str, *, minimum: int = 0) -> Value[int]:
    found = read_value(obj, key, minimum=minimum)
    if found is None:
        raise obj.place.error(obj.field(key), "is required")
    return found


def _self_care(top: Object) -> tuple[str, ...]:
    """One guidance id (as 1.1.0 gives it) or, since 1.2.0, a list of them."""
    if isinstance(top.get("self_care"), list):
        return top.idents("self_care")
    return (top.ident("self_care"),)


def read_rules(place: Place, data: object) -> Rules:
    """The rules of a release, each field checked for type and range."""
    top = Object(
        place,
        data,
        "",
        (
            "request_defaults",
            "programme",
            "pain",
            "urgency",
            "screening",
            "feedback",
            "low_impact_activity",
            "self_care",
        ),
    )
    defaults = top.child(
        "request_defaults", ("minutes", "equipment", "position", "level", "days_per_week")
    )
    position = defaults.text("position")
    if position not in POSITIONS:
        raise place.error(
            defaults.field("position"), f"must be one of {', '.join(POSITIONS)}, got {position!r}"
        )
    programme = top.child(
        "programme", ("weeks", "progress_weeks", "full_rate_days_per_week", "sources")
    )
    pain = top.child("pain", ("meaning", "unknown_band", "unknown_advice", "bands"))
    urgency = top.child("urgency", tuple(Urgency))
    feedback = top.child(
        "feedback",
        (
            "default_baseline",
            "see_a_professional_at",
            "step_back_pain_during",
            "step_back_next_day_rise",
            "hold_pain_during",
            "hold_next_day_rise",
            "step_back_band",
            "not_improving_after",
            "reasons",
            "sources",
        ),
    )
    reasons = feedback.child("reasons", FEEDBACK_REASONS)
    activity = top.child(
        "low_impact_activity",
        (
            "id",
            "name",
            "summary",
            "steps",
            "cautions",
            "precaution",
            "min_minutes",
            "max_minutes",
            "reason",
            "sources",
        ),
    )
    return Rules(
        request_defaults=RequestDefaults(
            minutes=defaults.integer("minutes", minimum=1),
            equipment=defaults.idents("equipment", allow_empty=True),
            position=position,
            level=defaults.enum("level", Difficulty),
            days_per_week=defaults.integer("days_per_week", minimum=1),
        ),
        programme=ProgrammeRules(
            weeks=_value(programme, "weeks", minimum=1),
            progress_weeks=_value(programme, "progress_weeks", minimum=1),
            full_rate_days_per_week=_value(programme, "full_rate_days_per_week", minimum=1),
            sources=citations(programme),
        ),
        pain=PainRules(
            meaning=pain.text("meaning"),
            unknown_band=pain.ident("unknown_band"),
            unknown_advice=pain.text("unknown_advice"),
            bands=tuple(
                PainBand(
                    id=band.ident("id"),
                    min=band.integer("min", minimum=0),
                    max=band.integer("max", minimum=0),
                    max_forefoot_load=band.enum("max_forefoot_load", Load),
                    progression=band.enum("progression", Progression),
                    ready=band.boolean("ready"),
                    urgency=None if band.get("urgency") is None else band.enum("urgency", Urgency),
                    advice=band.optional_text("advice"),
                    sources=citations(band),
                )
                for band in pain.children(
                    "bands",
                    (
                        "id",
                        "min",
                        "max",
                        "max_forefoot_load",
                        "progression",
                        "ready",
                        "urgency",
                        "advice",
                        "sources",
                    ),
                )
            ),
        ),
        urgency={level: urgency.text(level.value) for level in Urgency},
        incomplete_advice=top.child("screening", ("incomplete_advice",)).text("incomplete_advice"),
        feedback=FeedbackRules(
            default_baseline=_value(feedback, "default_baseline"),
            see_a_professional_at=_value(feedback, "see_a_professional_at"),
            step_back_pain_during=_value(feedback, "step_back_pain_during"),
            step_back_next_day_rise=_value(feedback, "step_back_next_day_rise"),
            hold_pain_during=_value(feedback, "hold_pain_during"),
            hold_next_day_rise=_value(feedback, "hold_next_day_rise"),
            step_back_band=feedback.ident("step_back_band"),
            not_improving_after=_value(feedback, "not_improving_after", minimum=1),
            reasons={code: reasons.text(code) for code in FEEDBACK_REASONS},
            sources=citations(feedback),
        ),
        activity=Activity(
            id=activity.ident("id"),
            name=activity.text("name"),
            summary=activity.text("summary"),
            steps=activity.texts("steps"),
            cautions=activity.texts("cautions"),
            precaution=activity.ident("precaution"),
            min_minutes=_value(activity, "min_minutes", minimum=1),
            max_minutes=_value(activity, "max_minutes", minimum=1),
            reason=activity.text("reason"),
            sources=citations(activity),
        ),
        self_care=_self_care(top),
    )


# A flat list of independent checks in the order their errors are reported; split up, they
# would only scatter what one reads down to check a release.
def check_rules(folder: str, release: Release) -> None:  # noqa: C901
    """Cross-check the rules against the release: references, pain scale, reachable targets."""
    rules = release.rules
    if rules is None:
        return
    place = Place(f"{folder}/{RULES_FILE}")
    if not release.screening:
        raise Place(f"{folder}/screening.json").error(
            None, "holds no question: a release that makes routines must screen for red flags"
        )
    equipment = {entry.id for entry in release.equipment}
    for index, name in enumerate(rules.request_defaults.equipment):
        if name not in equipment:
            raise place.error(
                f"request_defaults.equipment[{index}]",
                f"names equipment {name!r}, which equipment.json does not hold",
            )
    pain = rules.pain
    no_repeats(place, "pain.bands", (band.id for band in pain.bands))
    expected = PAIN_SCALE[0]
    for index, band in enumerate(pain.bands):
        if band.min != expected or band.max < band.min:
            raise place.error(
                f"pain.bands[{index}]",
                f"must cover {expected} onwards without gap or overlap, got {band.min}-{band.max}",
            )
        if band.ready == (band.progression is Progression.NONE):
            raise place.error(
                f"pain.bands[{index}].progression",
                "must be none exactly when the band is not ready",
            )
        if not band.ready and (band.urgency is None or band.advice is None):
            raise place.error(
                f"pain.bands[{index}]", "a band that is not ready needs an urgency and advice"
            )
        expected = band.max + 1
    if expected != PAIN_SCALE[1] + 1:
        raise place.error("pain.bands", f"must end at {PAIN_SCALE[1]}, got {expected - 1}")
    bands = {band.id for band in pain.bands}
    for field, name in (
        ("pain.unknown_band", pain.unknown_band),
        ("feedback.step_back_band", rules.feedback.step_back_band),
    ):
        if name not in bands:
            raise place.error(field, f"names pain band {name!r}, which pain.bands does not hold")
        if not pain.named(name).ready:
            raise place.error(field, f"names pain band {name!r}, which makes no routine")
    if rules.programme.progress_weeks.value > rules.programme.weeks.value:
        raise place.error("programme.progress_weeks.value", "must not exceed programme.weeks")
    if rules.activity.min_minutes.value > rules.activity.max_minutes.value:
        raise place.error("low_impact_activity.max_minutes.value", "must be at least min_minutes")
    if release.find(Kind.PRECAUTION, rules.activity.precaution) is None:
        raise place.error(
            "low_impact_activity.precaution",
            f"names precaution {rules.activity.precaution!r}, which precautions.json does not hold",
        )
    for name in rules.self_care:
        if release.find(Kind.GUIDANCE, name) is None:
            raise place.error(
                "self_care", f"names guidance {name!r}, which guidance.json does not hold"
            )
    sources = {source.id for source in release.manifest.sources}
    for field, cited in (
        ("programme.sources", rules.programme.sources),
        ("feedback.sources", rules.feedback.sources),
        ("low_impact_activity.sources", rules.activity.sources),
        *((f"pain.bands[{i}].sources", band.sources) for i, band in enumerate(pain.bands)),
    ):
        for index, citation in enumerate(cited):
            if citation.source not in sources:
                raise place.error(
                    f"{field}[{index}].source",
                    f"names source {citation.source!r}, which the manifest does not list",
                )
    _check_ladders(folder, release)
    _check_generation(folder, release)


def _check_generation(folder: str, release: Release) -> None:
    """The default request must give a routine, a programme and a next step, as start-up does."""
    from .feedback import Effort, Feedback, decide  # the generator reads the rules read here
    from .requests import RoutineError, request_for
    from .routines import generate_routine, programme

    try:
        default = request_for(release, {})
        programme(release, default)
        outcome = decide(release, default, Feedback(0, 0, Effort.RIGHT, completed=True))
        if outcome.next is not None:
            generate_routine(release, outcome.next)
    except RoutineError as error:
        raise Place(f"{folder}/{RULES_FILE}").error(
            "request_defaults", f"give no routine: {error}"
        ) from None


def _check_ladders(folder: str, release: Release) -> None:
    """Every item's target, and its harder variation's, must be reachable in bounded rises."""
    for item in (*release.exercises, *release.stretches):
        place = Place(f"{folder}/{item.kind.value}.json", item.id)
        dosages = [("dosage", item.dosage)] + [
            (f"variations[{index}].dosage", variation.dosage)
            for index, variation in enumerate(item.variations)
            if variation.dosage is not None
        ]
        for field, dosage in dosages:
            try:
                ladder(dosage)
            except LadderError as error:
                raise place.error(field, str(error)) from None
