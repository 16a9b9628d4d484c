"""Generate routines: a pure, deterministic function of a request and a release's rules.

One request, everything but the week fixed, is one programme: the same items in every week
(planning.py chooses them), each dose climbing its ladder by the week's schedule (or by what
feedback earned) and then held. Raises ``RoutineError`` (a ``ValueError``, from requests.py)
naming the request field when a request is invalid for the release or no routine can satisfy
it, and ``NoRoutines`` for a release whose content has no rules for routines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from .model import Guidance, PainBand, Precaution, Progression, Release, Rules, Urgency
from .planning import LOADS, Choice, Plan, PlanKey, Planned, PlannedActivity, at, plan_for
from .programme import scheduled_steps
from .requests import RoutineRequest, check_request, rules_of

SOON = Urgency.SOON  # what a question or band that names no urgency gets; the loader requires one


class Status(StrEnum):
    """Whether a routine has exercises, or advises seeing a professional instead."""

    READY = "ready"
    SEE_A_PROFESSIONAL = "see-a-professional"


class Screening(StrEnum):
    """How the screening went: every question answered no, some unanswered, or a yes."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    FLAGGED = "flagged"


@dataclass(frozen=True, slots=True)
class Section:
    """One part of a routine in order (warm-up, exercises, cool-down) and its items."""

    name: str
    items: tuple[Planned, ...]

    @property
    def seconds(self) -> int:
        return sum(planned.dose.seconds for planned in self.items)


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
    """One week's routine for a request, or the advice that replaces it."""

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
            tuple(map(release.guidance_named, rules.self_care)) if urgency is Urgency.SOON else ()
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

    def kept(choices: tuple[Choice, ...]) -> tuple[Planned, ...]:
        # A band set by a step back keeps the programme's items, less those it forbids.
        return tuple(
            at(choice, stage)
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


def _placed(release: Release, rules: Rules, request: RoutineRequest) -> tuple[Plan, int]:
    """The programme's items and this week's stage on their ladders.

    The items are chosen for the band of the person's pain, so that a step back (which sets
    another band) never adds an item; the stage follows the band that applies now.
    """
    plan = plan_for(release, PlanKey.of(request, rules.pain.band(request.pain)))
    return plan, min(current_stage(rules, band_of(rules, request), request), plan.max_stage)


def placed_stage(release: Release, request: RoutineRequest) -> int:
    """This week's stage on the ladders, within what the programme's time allows.

    Raises NoRoutines for a release without rules.
    """
    return _placed(release, rules_of(release), request)[1]


def band_of(rules: Rules, request: RoutineRequest) -> PainBand:
    """The pain band that applies: the one a step back set, else the pain's, else unknown's."""
    return rules.pain.named(request.band) if request.band else rules.pain.band(request.pain)


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
