"""The JSON of routines, programmes and feedback answers, as RoutineSchema and its kin document.

What does not change per request (an item's name, steps and cautions; the precautions; the
safety notice) is built once per release and item and reused.
"""

from __future__ import annotations

import functools
from typing import Any

from ..domain import (
    Dose,
    Guidance,
    IdKeys,
    Item,
    Outcome,
    Planned,
    PlannedActivity,
    Release,
    Routine,
    RoutineRequest,
    encode_routine_id,
)

ACTIVITY_REASON = "fills-remaining-time"


def routine_url(request: RoutineRequest, version: str, keys: IdKeys) -> str:
    """The URL of the routine for `request` on release `version`: its id, encrypted."""
    return f"/routines/{encode_routine_id(request, version, keys)}"


def _dose(dose: Dose) -> dict[str, Any]:
    return {
        "sets": dose.sets,
        "reps": dose.reps,
        "hold_seconds": dose.hold_seconds,
        "duration_seconds": dose.duration_seconds,
        "seconds_per_rep": dose.seconds_per_rep,
        "rest_seconds": dose.rest_seconds,
        "per_side": dose.per_side,
    }


@functools.lru_cache(maxsize=1024)
def _item_fields(item: Item, version: str) -> dict[str, Any]:
    """What a routine says of an item whatever the week: built once per release and item."""
    return {
        "kind": item.kind.singular,
        "id": item.id,
        "name": item.name,
        "href": f"/{item.kind.value}/{item.id}?content_version={version}",
        "equipment": [list(group) for group in item.equipment],
        "steps": list(item.steps),
        "cautions": list(item.cautions),
    }


def _item(planned: Planned, version: str) -> dict[str, Any]:
    variation = planned.rung.variation
    return {
        **_item_fields(planned.item, version),
        "variation": None
        if variation is None
        else {"id": variation.id, "name": variation.name, "steps": list(variation.steps)},
        "dosage": _dose(planned.dose),
        "minutes": None,
        "reason": None,
        "estimated_seconds": planned.dose.seconds,
    }


def _activity(planned: PlannedActivity, version: str) -> dict[str, Any]:
    activity = planned.activity
    return {
        "kind": "activity",
        "id": activity.id,
        "name": activity.name,
        "href": f"/precautions/{activity.precaution}?content_version={version}",
        "equipment": [],
        "steps": list(activity.steps),
        "cautions": list(activity.cautions),
        "variation": None,
        "dosage": None,
        "minutes": planned.minutes,
        "reason": {"code": ACTIVITY_REASON, "text": activity.reason},
        "estimated_seconds": planned.minutes * 60,
    }


def _linked(entry: Guidance, kind: str, version: str) -> dict[str, Any]:
    return {
        "id": entry.id,
        "title": entry.title,
        "summary": entry.summary,
        "href": f"/{kind}/{entry.id}?content_version={version}",
    }


@functools.lru_cache(maxsize=64)
def _release_fields(release: Release) -> dict[str, Any]:
    """What every routine of a release carries: the precautions and the safety notice."""
    version = release.version
    notice = release.safety_notice
    return {
        "precautions": [
            {
                "id": precaution.id,
                "title": precaution.title,
                "summary": precaution.summary,
                "href": f"/precautions/{precaution.id}?content_version={version}",
            }
            for precaution in release.precautions
        ],
        "safety_notice": {**_linked(notice, "guidance", version), "body": list(notice.body)},
    }


def present(routine: Routine, release: Release, keys: IdKeys) -> dict[str, Any]:
    """The routine as the JSON the API documents in RoutineSchema."""
    version = release.version
    request = routine.request
    shared = _release_fields(release)
    sections = [
        {
            "name": section.name,
            "estimated_seconds": section.seconds,
            "items": [_item(planned, version) for planned in section.items],
        }
        for section in routine.sections
    ]
    if routine.activity is not None:
        sections.append(
            {
                "name": "low-impact-activity",
                "estimated_seconds": routine.activity.minutes * 60,
                "items": [_activity(routine.activity, version)],
            }
        )
    seconds = routine.estimated_seconds  # adds up every section: once
    answers = dict.fromkeys(request.screening, True) | dict.fromkeys(request.screening_no, False)
    band = routine.band
    return {
        "id": encode_routine_id(request, version, keys),
        "content_version": version,
        "status": routine.status.value,
        "urgency": None if routine.urgency is None else routine.urgency.value,
        "week": request.week,
        "estimated_minutes": -(-seconds // 60),
        "estimated_seconds": seconds,
        "request": {
            "minutes": request.minutes,
            "equipment": list(request.equipment),
            "position": request.position.value,
            "pain": request.pain,
            "level": request.level.value,
            "focus": [focus.value for focus in request.focus],
            "exclude": list(request.exclude),
            "week": request.week,
            "days_per_week": request.days_per_week,
            "screening": dict(sorted(answers.items())),
            "seed": request.seed,
        },
        "pain": {
            "band": band.id,
            "min": band.min,
            "max": band.max,
            "assumed": routine.band_assumed,
            "meaning": release.rules.pain.meaning if release.rules else "",
        },
        "screening": {"status": routine.screening.value, "unanswered": list(routine.unanswered)},
        "schedule": {"days_per_week": request.days_per_week, "weeks": routine.weeks},
        "sections": sections,
        "precautions": shared["precautions"] if routine.precautions else [],
        "safety_notice": shared["safety_notice"],
        "advice": list(routine.advice),
        "see_also": [_linked(guidance, "guidance", version) for guidance in routine.see_also],
        "reasons": [
            {
                "kind": reason.kind,
                "code": reason.code,
                "text": reason.text,
                "advice": reason.advice,
                "urgency": reason.urgency.value,
            }
            for reason in routine.reasons
        ],
    }


def present_programme(
    routine_id: str, weeks: tuple[Routine, ...], release: Release, keys: IdKeys
) -> dict[str, Any]:
    """The JSON of a programme: its id, release and every week's routine."""
    return {
        "id": routine_id,
        "content_version": release.version,
        "weeks": [present(week, release, keys) for week in weeks],
    }


def present_outcome(
    outcome: Outcome, following: Routine | None, release: Release, keys: IdKeys
) -> dict[str, Any]:
    """The JSON of a feedback answer: the decision, its reasons and the next routine."""
    return {
        "decision": outcome.decision.value,
        "reasons": [{"code": code, "text": text} for code, text in outcome.reasons],
        "urgency": None if outcome.urgency is None else outcome.urgency.value,
        "advice": list(outcome.advice),
        "next": None if following is None else present(following, release, keys),
    }
