"""The API's JSON of items, routines and programmes as FHIR R4 resources (plain dicts).

An exercise or stretch is an ActivityDefinition, a routine (one week of a programme) a
PlanDefinition whose actions point at those by canonical URL and version, and a programme a
CarePlan proposal for an unnamed patient. Each function reads the JSON exactly as the API
serves it and writes only elements that exist in R4 (R4B has the same ones for these three
resources); none of them writes a fact about the content.

Canonical URLs are the API's own URLs without a query, `{base_url}/{collection}/{id}`, and a
resource's `version` is the content release, so `url|version` names one text for good. FHIR
ids are at most 64 characters of `[A-Za-z0-9-.]`: an id that does not fit (every routine id
today) is left out rather than hashed, since the canonical URL already identifies the resource.

The few words that are not content (the doses' units, "week") are interface labels, from
wording.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .wording import dose_text
from .wording import labels as words_of

# An exercise is a treatment the patient is asked to carry out: a ServiceRequest (R4's
# request for "treatments, or operations to be performed", and one of the kinds a CarePlan
# activity may have). A Task would be workflow bookkeeping, not the therapy itself.
RESOURCE_KIND = "ServiceRequest"
PLAN_TYPE = {
    "system": "http://terminology.hl7.org/CodeSystem/plan-definition-type",
    # A desired sequence of activities with their timing, rather than an order set (a
    # clinician's checklist of orders) or an event-condition-action rule.
    "code": "clinical-protocol",
    "display": "Clinical Protocol",
}
UCUM = "http://unitsofmeasure.org"
SVG = "image/svg+xml"
READY = "ready"
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
NAME_LENGTH = 255  # FHIR's computable name: [A-Z]([A-Za-z0-9_]){0,254}


def activity_definition(
    item: Mapping[str, Any],
    *,
    collection: str,
    version: str,
    language: str,
    base_url: str,
    sources: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The ActivityDefinition of an exercise or stretch (the JSON of GET /{collection}/{id}).

    `sources` are the release's sources (GET /content/releases/{version}): with them each
    citation gives its title and publisher, without them its source id.
    """
    words = words_of(language)
    url = f"{base_url}/{collection}/{item['id']}"
    dose = item["dosage"]
    timing = _item_timing(dose)
    dosage: dict[str, Any] = {"text": _dose_text(_ranges(dose), words), "timing": timing}
    if dose["reps"] is not None:
        # A set is one occurrence of the timing, and its repetitions are the amount given at
        # each occurrence: the dose of R4's Dosage, counted in UCUM's unit annotation.
        dosage["doseAndRate"] = [_amount(dose["reps"], "{repetition}")]
    steps = "\n".join(f"{number}. {step}" for number, step in enumerate(item["steps"], 1))
    resource: dict[str, Any] = {
        "resourceType": "ActivityDefinition",
        **_id(item["id"]),
        "language": language,
        "url": url,
        "version": version,
        "name": _name(item["id"]),
        "title": item["name"],
        "status": "active",
        "description": f"{item['summary']}\n\n{steps}",
        "purpose": item["purpose"],
        "usage": "\n".join(item["cautions"]),
        "relatedArtifact": [
            *_citations(item["sources"], sources),
            *(
                {"type": "documentation", "url": _pinned(f"/precautions/{name}", version, base_url)}
                for name in item["precautions"]
            ),
            *_illustration(item.get("illustration"), language, base_url),
        ],
        "kind": RESOURCE_KIND,
        "timingTiming": timing,
        "dosage": [dosage],
    }
    if not item["cautions"]:
        del resource["usage"]
    if not resource["relatedArtifact"]:
        del resource["relatedArtifact"]
    return resource


def plan_definition(
    routine: Mapping[str, Any], *, version: str, language: str, base_url: str
) -> dict[str, Any]:
    """The PlanDefinition of a ready routine (the JSON of GET /routines/{id}): one action per
    section, run one after the other, holding one action per item with its dose that week.

    Raises ValueError for a routine that is not ready: it has no items to plan.
    """
    if routine["status"] != READY:
        raise ValueError(f"Routine {routine['id']} is {routine['status']}: it has no plan.")
    words = words_of(language)
    days = routine["request"]["days_per_week"]
    notice = routine["safety_notice"]
    title = f"{words['title']} ({words['week']} {routine['week']}/{routine['schedule']['weeks']})"
    groups: list[dict[str, Any]] = []
    for section in routine["sections"]:
        group: dict[str, Any] = {
            "id": section["name"],
            "title": section["name"],
            "groupingBehavior": "logical-group",
            "selectionBehavior": "all",
            "requiredBehavior": "must",
            "action": [
                _plan_action(item, days, version, words, base_url) for item in section["items"]
            ],
        }
        if groups:
            group["relatedAction"] = [{"actionId": groups[-1]["id"], "relationship": "after-end"}]
        groups.append(group)
    return {
        "resourceType": "PlanDefinition",
        **_id(routine["id"]),
        "language": language,
        "url": f"{base_url}/routines/{routine['id']}",
        "version": version,
        "title": title,
        "type": {"coding": [PLAN_TYPE]},
        "status": "active",
        "description": "\n\n".join([notice["summary"], *routine["advice"]]),
        "usage": "\n".join(notice["body"]),
        "relatedArtifact": [_link(entry, base_url) for entry in [notice, *routine["precautions"]]],
        "action": groups,
    }


def care_plan(
    programme: Mapping[str, Any],
    *,
    version: str,
    language: str,
    base_url: str,
    start: dt.date | None = None,
) -> dict[str, Any]:
    """The CarePlan proposal of a programme (the JSON of GET /routines/{id}/programme): one
    activity per item, scheduled on its days a week for the weeks it is in, its dose spelled
    out week by week. With `start`, the plan and every activity have dates.

    Raises ValueError for a programme with no weeks (its routine is not ready).
    """
    weeks = programme["weeks"]
    if not weeks:
        raise ValueError(f"Programme {programme['id']} has no weeks: it has no plan.")
    words = words_of(language)
    first = weeks[0]
    plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "language": language,
        "instantiatesCanonical": [f"{base_url}/routines/{programme['id']}|{version}"],
        "status": "draft",
        "intent": "proposal",
        "title": words["title"],
        "description": "\n\n".join([first["safety_notice"]["summary"], *first["advice"]]),
        "subject": {"display": "Patient"},
    }
    if start is not None:
        plan["period"] = _period(start, 1, len(weeks))
    plan["activity"] = [
        {"detail": _care_detail(found, version, words, base_url, start)}
        for found in _occurrences(weeks).values()
    ]
    return plan


# ---- items


def _item_timing(dose: Mapping[str, Any]) -> dict[str, Any]:
    """A session of an item as R4 Timing: each set is one occurrence; a timed item's sets last
    its duration. A hold is not a set's length, so it stays in the dosage's text."""
    repeat: dict[str, Any] = {**_bounded("count", dose["sets"])}
    if dose["duration_seconds"] is not None:
        repeat |= _bounded("duration", dose["duration_seconds"]) | {"durationUnit": "s"}
    return {"repeat": repeat}


def _bounded(name: str, bounds: Mapping[str, int]) -> dict[str, int]:
    """`name` and, for a range, `nameMax`: Timing's way of giving a least and a most."""
    found = {name: bounds["min"]}
    if bounds["max"] != bounds["min"]:
        found[f"{name}Max"] = bounds["max"]
    return found


def _amount(bounds: Mapping[str, int], unit: str) -> dict[str, Any]:
    def quantity(value: int) -> dict[str, Any]:
        return {"value": value, "system": UCUM, "code": unit}

    if bounds["min"] == bounds["max"]:
        return {"doseQuantity": quantity(bounds["min"])}
    return {"doseRange": {"low": quantity(bounds["min"]), "high": quantity(bounds["max"])}}


def _ranges(dose: Mapping[str, Any]) -> dict[str, Any]:
    """A catalogue dosage as least-most pairs (None where absent), and whether it is per side."""
    found: dict[str, Any] = {
        name: None if dose[name] is None else (dose[name]["min"], dose[name]["max"])
        for name in ("sets", "reps", "hold_seconds", "duration_seconds")
    }
    return found | {"per_side": dose["per_side"]["value"]}


def _dose_text(dose: Mapping[str, Any], words: Mapping[str, str]) -> str:
    """A dose in figures, as the calendar writes it: `3 x 7-10 (hold 3 s)`, `1 x 40-60 s`."""

    def span(pair: tuple[int, int]) -> str:
        return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}-{pair[1]}"

    if dose["reps"] is not None:
        text = f"{span(dose['sets'])} x {span(dose['reps'])}"
        if dose["hold_seconds"] is not None and dose["hold_seconds"][1]:
            text += f" ({words['hold']} {span(dose['hold_seconds'])} s)"
    else:
        text = f"{span(dose['sets'])} x {span(dose['duration_seconds'])} s"
    return text + (f", {words['each side']}" if dose["per_side"] else "")


def _citations(
    cited: Iterable[Mapping[str, Any]], sources: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    known = {source["id"]: source for source in sources}
    found = []
    for citation in cited:
        source = known.get(citation["source"])
        work = (
            citation["source"] if source is None else f"{source['title']} ({source['publisher']})"
        )
        found.append({"type": "citation", "citation": f"{work}, {citation['section']}"})
    return found


def _illustration(
    drawing: Mapping[str, Any] | None, language: str, base_url: str
) -> list[dict[str, Any]]:
    if drawing is None:
        return []
    document = {
        "contentType": drawing.get("type") or SVG,
        "language": language,
        "url": _absolute(drawing["href"], base_url),
        "title": drawing["alt"],
    }
    return [{"type": "documentation", "display": drawing["alt"], "document": document}]


def _name(item_id: str) -> str:
    """A computable name from an id: `heel-raises` is `HeelRaises`; one that would not start
    with a capital letter is prefixed with `Item`."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", item_id))
    if not re.match(r"[A-Z]", name):
        name = f"Item{name}"
    return name[:NAME_LENGTH]


# ---- routines and programmes


def _plan_action(
    item: Mapping[str, Any],
    days: int,
    version: str,
    words: Mapping[str, str],
    base_url: str,
) -> dict[str, Any]:
    repeat: dict[str, Any] = {"frequency": days, "period": 1, "periodUnit": "wk"}
    action: dict[str, Any] = {"title": item["name"], "description": _routine_dose(item, words)}
    if item["dosage"] is None:
        # An activity of so many minutes (say, swimming), linked to the precaution it serves.
        action["reason"] = [{"text": item["reason"]["text"]}]
        action["documentation"] = [
            {"type": "documentation", "url": _absolute(item["href"], base_url)}
        ]
        repeat |= {"duration": item["minutes"], "durationUnit": "min"}
    else:
        action["definitionCanonical"] = f"{_canonical(item, base_url)}|{version}"
    action["timingTiming"] = {"repeat": repeat}
    return action


def _occurrences(weeks: Sequence[Mapping[str, Any]]) -> dict[str, list[tuple[Any, ...]]]:
    """Each item id, in order of first appearance, with every (week, section, item) it is in."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for week in weeks:
        for section in week["sections"]:
            for item in section["items"]:
                found.setdefault(item["id"], []).append((week, section, item))
    return found


def _care_detail(
    found: Sequence[tuple[Any, ...]],
    version: str,
    words: Mapping[str, str],
    base_url: str,
    start: dt.date | None,
) -> dict[str, Any]:
    numbers = sorted({week["week"] for week, _, _ in found})
    days = sorted({week["request"]["days_per_week"] for week, _, _ in found})
    item = found[0][2]
    repeat: dict[str, Any]
    if start is None:
        length = numbers[-1] - numbers[0] + 1
        repeat = {"boundsDuration": {"value": length, "unit": "wk", "system": UCUM, "code": "wk"}}
    else:
        repeat = {"boundsPeriod": _period(start, numbers[0], numbers[-1])}
    repeat |= _bounded("frequency", {"min": days[0], "max": days[-1]})
    repeat |= {"period": 1, "periodUnit": "wk"}
    detail: dict[str, Any] = {"kind": RESOURCE_KIND}
    if item["dosage"] is None:
        minutes = sorted({entry["minutes"] for _, _, entry in found})
        repeat |= _bounded("duration", {"min": minutes[0], "max": minutes[-1]})
        repeat["durationUnit"] = "min"
        detail["reasonCode"] = [{"text": item["reason"]["text"]}]
    else:
        detail["instantiatesCanonical"] = [f"{_canonical(item, base_url)}|{version}"]
    return detail | {
        "status": "not-started",
        "scheduledTiming": {"repeat": repeat},
        "description": _weekly(found, words),
    }


def _weekly(found: Sequence[tuple[Any, ...]], words: Mapping[str, str]) -> str:
    """An item's dose week by week; an item in two sections of a week says each one's."""
    lines: dict[int, list[tuple[str, str]]] = {}
    for week, section, item in found:
        lines.setdefault(week["week"], []).append((section["name"], _routine_dose(item, words)))
    text = []
    for number, doses in lines.items():
        if len(doses) == 1:
            text.append(f"{words['Week']} {number}: {doses[0][1]}")
        else:
            each = "; ".join(f"{dose} ({name})" for name, dose in doses)
            text.append(f"{words['Week']} {number}: {each}")
    return "\n".join(text)


def _routine_dose(item: Mapping[str, Any], words: Mapping[str, str]) -> str:
    """A routine item's dose in figures, after its variation's name when it has one."""
    text = dose_text(item, words)
    variation = item.get("variation")
    return text if variation is None else f"{variation['name']}: {text}"


def _canonical(item: Mapping[str, Any], base_url: str) -> str:
    """The canonical URL of a routine item's ActivityDefinition: its href without the query."""
    return _absolute(item["href"].partition("?")[0], base_url)


def _period(start: dt.date, first: int, last: int) -> dict[str, str]:
    """Weeks `first` to `last` of a programme from `start`; R4's Period end is inclusive."""
    begin = start + dt.timedelta(weeks=first - 1)
    end = start + dt.timedelta(weeks=last, days=-1)
    return {"start": begin.isoformat(), "end": end.isoformat()}


# ---- shared


def _id(value: str) -> dict[str, str]:
    """`id` when the value is a valid FHIR id; nothing otherwise."""
    return {"id": value} if FHIR_ID.fullmatch(value) else {}


def _link(entry: Mapping[str, Any], base_url: str) -> dict[str, Any]:
    return {
        "type": "documentation",
        "display": entry["title"],
        "url": _absolute(entry["href"], base_url),
    }


def _pinned(path: str, version: str, base_url: str) -> str:
    return f"{base_url}{path}?content_version={version}"


def _absolute(href: str, base_url: str) -> str:
    """An href as the API gives it (a path from the root, or a full URL) as a full URL."""
    return f"{base_url}{href}" if href.startswith("/") else href
