"""service/api/fhir.py: items, routines and programmes as FHIR R4 resources, checked against
fhir.resources' R4B models, R4's element lists and bindings, and the JSON they come from."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources.R4B.activitydefinition import ActivityDefinition
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.plandefinition import PlanDefinition
from flask import Flask
from flask.testing import FlaskClient

from service.api import fhir

from .conftest import json_of

BASE = "https://exercises.example.org"
START = dt.date(2027, 3, 1)
COLLECTIONS = ("exercises", "stretches")

# ---- R4 (4.0.1) as an oracle, written from the specification rather than from the module:
# the elements each structure has in R4 (so nothing R4B- or R5-only slips in), and the codes
# of the required bindings the module uses. fhir.resources checks types, not these.
RESOURCE = {"resourceType", "id", "meta", "implicitRules", "language", "text", "contained",
            "extension", "modifierExtension"}  # fmt: skip
CANONICAL = {"url", "identifier", "version", "name", "title", "subtitle", "status",
             "experimental", "date", "publisher", "contact", "description", "useContext",
             "jurisdiction", "purpose", "usage", "copyright", "approvalDate", "lastReviewDate",
             "effectivePeriod", "topic", "author", "editor", "reviewer", "endorser",
             "relatedArtifact", "library"}  # fmt: skip
R4_ELEMENTS = {
    "ActivityDefinition": RESOURCE | CANONICAL | {
        "subjectCodeableConcept", "subjectReference", "kind", "profile", "code", "intent",
        "priority", "doNotPerform", "timingTiming", "timingDateTime", "timingAge",
        "timingPeriod", "timingRange", "timingDuration", "location", "participant",
        "productReference", "productCodeableConcept", "quantity", "dosage", "bodySite",
        "specimenRequirement", "observationRequirement", "observationResultRequirement",
        "transform", "dynamicValue"},
    "PlanDefinition": RESOURCE | CANONICAL | {
        "type", "subjectCodeableConcept", "subjectReference", "goal", "action"},
    "CarePlan": RESOURCE | {
        "identifier", "instantiatesCanonical", "instantiatesUri", "basedOn", "replaces",
        "partOf", "status", "intent", "category", "title", "description", "subject",
        "encounter", "period", "created", "author", "contributor", "careTeam", "addresses",
        "supportingInfo", "goal", "activity", "note"},
}  # fmt: skip
ELEMENT = {"id", "extension"}
BACKBONE = ELEMENT | {"modifierExtension"}
PART_ELEMENTS = {
    "action": BACKBONE | {
        "prefix", "title", "description", "textEquivalent", "priority", "code", "reason",
        "documentation", "goalId", "subjectCodeableConcept", "subjectReference", "trigger",
        "condition", "input", "output", "relatedAction", "timingDateTime", "timingAge",
        "timingPeriod", "timingDuration", "timingRange", "timingTiming", "participant", "type",
        "groupingBehavior", "selectionBehavior", "requiredBehavior", "precheckBehavior",
        "cardinalityBehavior", "definitionCanonical", "definitionUri", "transform",
        "dynamicValue", "action"},
    "relatedAction": BACKBONE | {"actionId", "relationship", "offsetDuration", "offsetRange"},
    "activity": BACKBONE | {
        "outcomeCodeableConcept", "outcomeReference", "progress", "reference", "detail"},
    "detail": BACKBONE | {
        "kind", "instantiatesCanonical", "instantiatesUri", "code", "reasonCode",
        "reasonReference", "goal", "status", "statusReason", "doNotPerform", "scheduledTiming",
        "scheduledPeriod", "scheduledString", "location", "performer",
        "productCodeableConcept", "productReference", "dailyAmount", "quantity",
        "description"},
    "relatedArtifact": ELEMENT | {
        "type", "label", "display", "citation", "url", "document", "resource"},
    "documentation": ELEMENT | {
        "type", "label", "display", "citation", "url", "document", "resource"},
    "document": ELEMENT | {
        "contentType", "language", "data", "url", "size", "hash", "title", "creation"},
    "dosage": BACKBONE | {
        "sequence", "text", "additionalInstruction", "patientInstruction", "timing",
        "asNeededBoolean", "asNeededCodeableConcept", "site", "route", "method", "doseAndRate",
        "maxDosePerPeriod", "maxDosePerAdministration", "maxDosePerLifetime"},
    "doseAndRate": ELEMENT | {
        "type", "doseRange", "doseQuantity", "rateRatio", "rateRange", "rateQuantity"},
    "repeat": ELEMENT | {
        "boundsDuration", "boundsRange", "boundsPeriod", "count", "countMax", "duration",
        "durationMax", "durationUnit", "frequency", "frequencyMax", "period", "periodMax",
        "periodUnit", "dayOfWeek", "timeOfDay", "when", "offset"},
}  # fmt: skip
# Required bindings: RequestResourceType, PublicationStatus, CarePlanActivityKind and
# CarePlanActivityStatus, RelatedArtifactType, UnitsOfTime, the action behaviours.
REQUEST_RESOURCE_TYPES = {
    "Appointment", "AppointmentResponse", "CarePlan", "Claim", "CommunicationRequest",
    "Contract", "DeviceRequest", "EnrollmentRequest", "ImmunizationRecommendation",
    "MedicationRequest", "NutritionOrder", "ServiceRequest", "SupplyRequest", "Task",
    "VisionPrescription"}  # fmt: skip
CAREPLAN_ACTIVITY_KINDS = {
    "Appointment", "CommunicationRequest", "DeviceRequest", "MedicationRequest",
    "NutritionOrder", "Task", "ServiceRequest", "VisionPrescription"}  # fmt: skip
PLAN_TYPES = {"order-set", "clinical-protocol", "eca-rule", "workflow-definition"}
PLAN_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
ARTIFACT_TYPES = {"documentation", "justification", "citation", "predecessor", "successor",
                  "derived-from", "depends-on", "composed-of"}  # fmt: skip
UNITS_OF_TIME = {"s", "min", "h", "d", "wk", "mo", "a"}
BEHAVIOURS = {
    "groupingBehavior": {"visual-group", "logical-group", "sentence-group"},
    "selectionBehavior": {"any", "all", "all-or-none", "exactly-one", "at-most-one",
                          "one-or-more"},
    "requiredBehavior": {"must", "could", "must-unless-documented"},
    "relationship": {"before-start", "before", "before-end", "concurrent-with-start",
                     "concurrent", "concurrent-with-end", "after-start", "after", "after-end"},
}  # fmt: skip
COMPUTABLE_NAME = re.compile(r"[A-Z]([A-Za-z0-9_]){0,254}")
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
UCUM = "http://unitsofmeasure.org"

# Routines that differ in every field the generator reads; lang=es for the translated release.
GRID = [
    {"minutes": 5, "position": "seated", "equipment": [], "pain": 0, "days_per_week": 1},
    {"minutes": 15, "position": "standing", "equipment": ["wall"], "pain": 2, "level": "beginner"},
    {"minutes": 20, "position": "any", "equipment": ["towel", "wall"], "days_per_week": 5},
    {"minutes": 30, "position": "any", "pain": 1, "level": "intermediate", "days_per_week": 7,
     "equipment": ["towel", "marbles", "container", "foam-roller", "wall"]},
    {"minutes": 60, "position": "any", "pain": 1, "level": "advanced", "days_per_week": 3,
     "equipment": ["towel", "marbles", "container", "foam-roller", "wall"], "week": 6},
    {"minutes": 45, "position": "seated", "equipment": ["towel", "marbles", "container"],
     "pain": 3, "level": "advanced", "days_per_week": 2},
    {"minutes": 10, "position": "standing", "equipment": ["wall"], "pain": 0, "days_per_week": 4},
]  # fmt: skip
LANGUAGES = ("en", "es")


def r4_problems(value: Any, path: str = "") -> Iterator[str]:
    """Every element not in R4 and every code outside its required binding, with its path."""
    if isinstance(value, list):
        for index, entry in enumerate(value):
            yield from r4_problems(entry, f"{path}[{index}]")
        return
    if not isinstance(value, dict):
        return
    name = path.rpartition(".")[2].partition("[")[0]
    allowed = R4_ELEMENTS.get(value.get("resourceType", ""), PART_ELEMENTS.get(name))
    if allowed is not None:
        yield from (f"{path}.{key}: not in R4" for key in value if key not in allowed)
    if name == "repeat":
        yield from timing_problems(value, path)
    for key, codes in BEHAVIOURS.items():
        if key in value and value[key] not in codes:
            yield f"{path}.{key}: {value[key]!r}"
    if name in {"relatedArtifact", "documentation"} and value["type"] not in ARTIFACT_TYPES:
        yield f"{path}.type: {value['type']!r}"
    for key, child in value.items():
        yield from r4_problems(child, f"{path}.{key}")


def timing_problems(repeat: dict[str, Any], path: str) -> Iterator[str]:
    """Timing's invariants tim-1 to tim-10 that can apply, and its units of time."""
    rules = {
        "tim-1 duration needs durationUnit": "duration" not in repeat or "durationUnit" in repeat,
        "tim-2 period needs periodUnit": "period" not in repeat or "periodUnit" in repeat,
        "tim-4 duration >= 0": repeat.get("duration", 0) >= 0,
        "tim-5 period >= 0": repeat.get("period", 0) >= 0,
        "tim-6 periodMax needs period": "periodMax" not in repeat or "period" in repeat,
        "tim-7 durationMax needs duration": "durationMax" not in repeat or "duration" in repeat,
        "tim-8 countMax needs count": "countMax" not in repeat or "count" in repeat,
        "a maximum is above its least": all(
            repeat[f"{key}Max"] > repeat[key]
            for key in ("count", "duration", "frequency", "period")
            if f"{key}Max" in repeat
        ),
        "units of time": all(
            repeat[key] in UNITS_OF_TIME for key in ("durationUnit", "periodUnit") if key in repeat
        ),
    }
    yield from (f"{path}: {rule}" for rule, holds in rules.items() if not holds)


def assert_r4(resource: dict[str, Any]) -> None:
    problems = list(r4_problems(resource, resource["resourceType"]))
    assert problems == []


# ---- the API's JSON


@pytest.fixture(scope="module")
def api(app: Flask) -> FlaskClient:
    return app.test_client()


def releases(api: FlaskClient) -> list[dict[str, Any]]:
    return list(json_of(api.get("/content/releases")))


def get(api: FlaskClient, url: str) -> tuple[Any, str]:
    """The JSON of a 200 and the language it is in."""
    response = api.get(url)
    assert response.status_code == 200, (url, response.data[:300])
    return json_of(response), response.headers["Content-Language"]


def catalogue(api: FlaskClient) -> Iterator[tuple[str, str, str, dict[str, Any], str]]:
    """Every exercise and stretch of every release in each of its languages, by id: version,
    sources, collection, item JSON and its language."""
    for release in releases(api):
        version = release["version"]
        for lang in release["languages"]:
            query = f"content_version={version}&lang={lang}"
            for collection in COLLECTIONS:
                listed, _ = get(api, f"/{collection}?{query}")
                for entry in listed:
                    item, language = get(api, f"/{collection}/{entry['id']}?{query}")
                    yield version, lang, collection, item, language


def activity(
    api: FlaskClient, version: str, lang: str, collection: str, item: dict[str, Any], language: str
) -> dict[str, Any]:
    details, _ = get(api, f"/content/releases/{version}?lang={lang}")
    return fhir.activity_definition(
        item,
        collection=collection,
        version=version,
        language=language,
        base_url=BASE,
        sources=details["sources"],
    )


def routine_and_programme(
    api: FlaskClient, fields: dict[str, Any], lang: str
) -> tuple[dict[str, Any], dict[str, Any], str]:
    response = api.post(f"/routines?lang={lang}", json=fields)
    assert response.status_code == 200, response.data[:300]
    routine = json_of(response)
    programme, language = get(api, f"/routines/{routine['id']}/programme?lang={lang}")
    assert response.headers["Content-Language"] == language == lang
    return routine, programme, language


def flat(routine: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for section in routine["sections"] for item in section["items"]]


# ---- ActivityDefinition


def test_every_item_of_every_release_is_a_valid_r4_activity_definition(api: FlaskClient) -> None:
    """Each exercise and stretch of each release and language validates, R4 elements only."""
    seen = set()
    for version, lang, collection, item, language in catalogue(api):
        resource = activity(api, version, lang, collection, item, language)
        ActivityDefinition.model_validate(resource)
        assert_r4(resource)
        assert resource["kind"] in REQUEST_RESOURCE_TYPES
        assert resource["status"] == "active"
        assert COMPUTABLE_NAME.fullmatch(resource["name"])
        assert FHIR_ID.fullmatch(resource["id"])
        seen.add((version, lang, collection))
    expected = {
        (r["version"], lang, collection)
        for r in releases(api)
        for lang in r["languages"]
        for collection in COLLECTIONS
    }
    assert seen == expected


def test_activity_definition_says_what_the_item_json_says(api: FlaskClient) -> None:
    """Url, version, title, language, numbered steps, cautions and citations come from the JSON;
    the timing counts its sets and times a timed item's sets; reps are the dose."""
    for version, lang, collection, item, language in catalogue(api):
        resource = activity(api, version, lang, collection, item, language)
        dose = item["dosage"]
        assert resource["id"] == item["id"]
        assert resource["url"] == f"{BASE}/{collection}/{item['id']}"
        assert resource["version"] == version
        assert resource["language"] == language == lang
        assert resource["title"] == item["name"]
        assert resource["purpose"] == item["purpose"]
        assert resource["usage"].split("\n") == item["cautions"]
        summary, steps = resource["description"].split("\n\n")
        assert summary == item["summary"]
        assert steps.split("\n") == [f"{n + 1}. {step}" for n, step in enumerate(item["steps"])]
        # sets of 3 to 3 is "count": 3; of 1 to 2 is "count": 1, "countMax": 2
        repeat = resource["timingTiming"]["repeat"]
        assert (repeat["count"], repeat.get("countMax", repeat["count"])) == (
            dose["sets"]["min"],
            dose["sets"]["max"],
        )
        if dose["duration_seconds"] is None:
            assert "duration" not in repeat
        else:
            seconds = dose["duration_seconds"]
            assert (repeat["duration"], repeat.get("durationMax", repeat["duration"])) == (
                seconds["min"],
                seconds["max"],
            )
            assert repeat["durationUnit"] == "s"
        [dosage] = resource["dosage"]
        assert dosage["timing"] == resource["timingTiming"]
        if dose["reps"] is None:
            assert "doseAndRate" not in dosage
        else:
            [amount] = dosage["doseAndRate"]
            low = amount.get("doseQuantity") or amount["doseRange"]["low"]
            high = amount.get("doseQuantity") or amount["doseRange"]["high"]
            assert (low["value"], high["value"]) == (dose["reps"]["min"], dose["reps"]["max"])
            assert low["system"] == high["system"] == UCUM
            assert f" x {dose['reps']['min']}" in dosage["text"]
        if dose["hold_seconds"] is not None:
            assert f"{dose['hold_seconds']['min']}" in dosage["text"].partition("(")[2]
        citations = [a for a in resource["relatedArtifact"] if a["type"] == "citation"]
        assert len(citations) == len(item["sources"])
        for artifact, cited in zip(citations, item["sources"], strict=True):
            assert artifact["citation"].endswith(f", {cited['section']}")


def test_citations_name_the_release_source_and_fall_back_to_its_id(api: FlaskClient) -> None:
    """With the release's sources a citation gives the title and publisher; without, the id."""
    item, language = get(api, "/exercises/heel-raises")
    details, _ = get(
        api, f"/content/releases/{json_of(api.get('/content/releases'))[0]['version']}"
    )
    sources = {source["id"]: source for source in details["sources"]}
    with_sources = fhir.activity_definition(
        item, collection="exercises", version="v", language=language, base_url=BASE,
        sources=details["sources"],
    )  # fmt: skip
    without = fhir.activity_definition(
        item, collection="exercises", version="v", language=language, base_url=BASE
    )
    cited = [(c["source"], c["section"]) for c in item["sources"]]
    assert [a["citation"] for a in with_sources["relatedArtifact"] if a["type"] == "citation"] == [
        f"{sources[name]['title']} ({sources[name]['publisher']}), {section}"
        for name, section in cited
    ]
    assert [a["citation"] for a in without["relatedArtifact"] if a["type"] == "citation"] == [
        f"{name}, {section}" for name, section in cited
    ]


def test_precautions_are_linked_pinned_to_the_release(api: FlaskClient) -> None:
    """Each precaution id of an item is a documentation link that answers 200 on that release."""
    for version, lang, collection, item, language in catalogue(api):
        resource = activity(api, version, lang, collection, item, language)
        links = [a["url"] for a in resource["relatedArtifact"] if "url" in a]
        assert len(links) == len(item["precautions"])
        for url, name in zip(links, item["precautions"], strict=True):
            assert url.startswith(BASE)
            response = api.get(url.removeprefix(BASE))
            assert response.status_code == 200
            assert response.headers["Content-Version"] == version
            assert json_of(response)["id"] == name


def drawings(resource: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in resource.get("relatedArtifact", []) if "document" in a]


def test_served_illustrations_become_artifacts_in_the_releases_that_have_them(
    api: FlaskClient,
) -> None:
    """Across every release, an item has one drawing artifact exactly when its JSON has an
    `illustration`, pointing at a URL that answers with that SVG."""
    counts = {True: 0, False: 0}
    for version, lang, collection, item, language in catalogue(api):
        resource = activity(api, version, lang, collection, item, language)
        drawing = item.get("illustration")
        counts[drawing is not None] += 1
        if drawing is None:
            assert drawings(resource) == []
            continue
        [artifact] = drawings(resource)
        assert artifact["display"] == artifact["document"]["title"] == drawing["alt"]
        assert artifact["document"]["contentType"] == drawing["type"]
        assert artifact["document"]["url"] == f"{BASE}{drawing['href']}"
        response = api.get(artifact["document"]["url"].removeprefix(BASE))
        assert response.status_code == 200
        assert response.mimetype == drawing["type"]
    # The older releases have no drawings and a newer one has: both shapes are met.
    assert counts[False] > 0
    assert counts[True] > 0


def illustrated(item: dict[str, Any], href: str) -> dict[str, Any]:
    drawing = {"href": href, "type": "image/svg+xml", "alt": "A foot on tiptoe, seen from the side"}
    return {**item, "illustration": drawing}


@pytest.mark.parametrize(
    ("href", "url"),
    [
        ("/exercises/x/illustration.svg?content_version=9.9.9",
         f"{BASE}/exercises/x/illustration.svg?content_version=9.9.9"),
        ("https://cdn.example.net/x.svg", "https://cdn.example.net/x.svg"),
    ],
)  # fmt: skip
def test_an_illustration_is_a_documentation_artifact_exactly_when_the_item_has_one(
    api: FlaskClient, href: str, url: str
) -> None:
    """The item JSON's `illustration` gives one SVG attachment with its alt text; none without."""
    served, language = get(api, "/exercises/heel-raises")
    item = {key: value for key, value in served.items() if key != "illustration"}

    plain = fhir.activity_definition(
        item, collection="exercises", version="v", language=language, base_url=BASE
    )
    drawn = fhir.activity_definition(
        illustrated(item, href), collection="exercises", version="v", language=language,
        base_url=BASE,
    )  # fmt: skip
    ActivityDefinition.model_validate(drawn)
    assert_r4(drawn)
    alt = "A foot on tiptoe, seen from the side"
    assert drawings(plain) == []
    assert drawings(drawn) == [
        {
            "type": "documentation",
            "display": alt,
            "document": {
                "contentType": "image/svg+xml",
                "language": language,
                "url": url,
                "title": alt,
            },
        }
    ]
    assert [a for a in drawn["relatedArtifact"] if "document" not in a] == plain["relatedArtifact"]


@pytest.mark.parametrize(
    ("item_id", "name"),
    [("heel-raises", "HeelRaises"), ("toe-raise-point-curl", "ToeRaisePointCurl"),
     ("3-way-toe-stretch", "Item3WayToeStretch"), ("a" * 300, "A" + "a" * 254)],
)  # fmt: skip
def test_the_computable_name_is_the_id_in_pascal_case(
    api: FlaskClient, item_id: str, name: str
) -> None:
    """Hyphens go, each part gets a capital, and a name that would start with a digit gets
    `Item` first; FHIR's 255 characters at most. An id too long for a FHIR id is left out."""
    item, language = get(api, "/exercises/heel-raises")
    resource = fhir.activity_definition(
        {**item, "id": item_id}, collection="exercises", version="v", language=language,
        base_url=BASE,
    )  # fmt: skip
    assert resource["name"] == name
    assert COMPUTABLE_NAME.fullmatch(resource["name"])
    assert resource.get("id") == (item_id if len(item_id) <= 64 else None)


# ---- PlanDefinition and CarePlan


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("fields", GRID)
def test_routines_give_valid_r4_plan_definitions_and_care_plans(
    api: FlaskClient, fields: dict[str, Any], lang: str
) -> None:
    """A grid of routines, in English and Spanish, gives valid resources with R4 elements only."""
    routine, programme, language = routine_and_programme(api, fields, lang)
    version = routine["content_version"]
    plan = fhir.plan_definition(routine, version=version, language=language, base_url=BASE)
    PlanDefinition.model_validate(plan)
    assert_r4(plan)
    assert plan["type"]["coding"][0]["system"] == PLAN_TYPE_SYSTEM
    assert plan["type"]["coding"][0]["code"] in PLAN_TYPES
    for start in (None, START):
        care = fhir.care_plan(
            programme, version=version, language=language, base_url=BASE, start=start
        )
        CarePlan.model_validate(care)
        assert_r4(care)
        for entry in care["activity"]:
            assert entry["detail"]["kind"] in CAREPLAN_ACTIVITY_KINDS


@pytest.mark.parametrize("fields", GRID)
def test_plan_definition_follows_the_routine(api: FlaskClient, fields: dict[str, Any]) -> None:
    """Its url and version are the routine's; one group per section, in order, each after the
    last; one action per item, its definitionCanonical the item's own URL at the release, run
    on the routine's days a week."""
    routine, _, language = routine_and_programme(api, fields, "en")
    version = routine["content_version"]
    plan = fhir.plan_definition(routine, version=version, language=language, base_url=BASE)
    assert plan["url"] == f"{BASE}/routines/{routine['id']}"
    assert plan["version"] == version
    assert plan["status"] == "active"
    assert plan["language"] == language
    assert plan.get("id") == (routine["id"] if FHIR_ID.fullmatch(routine["id"]) else None)
    assert f"{routine['week']}/{routine['schedule']['weeks']}" in plan["title"]
    groups = plan["action"]
    assert [group["id"] for group in groups] == [s["name"] for s in routine["sections"]]
    assert [group.get("relatedAction") for group in groups] == [None] + [
        [{"actionId": before["name"], "relationship": "after-end"}]
        for before in routine["sections"][:-1]
    ]
    actions = [action for group in groups for action in group["action"]]
    items = flat(routine)
    assert [action["title"] for action in actions] == [item["name"] for item in items]
    days = routine["request"]["days_per_week"]
    for action, item in zip(actions, items, strict=True):
        repeat = action["timingTiming"]["repeat"]
        assert (repeat["frequency"], repeat["period"], repeat["periodUnit"]) == (days, 1, "wk")
        if item["dosage"] is None:
            assert "definitionCanonical" not in action
            assert (repeat["duration"], repeat["durationUnit"]) == (item["minutes"], "min")
            continue
        url, _, pinned = action["definitionCanonical"].partition("|")
        assert pinned == version
        # The canonical is the item's API URL: it answers with this item on this release.
        served, _ = get(api, f"{url.removeprefix(BASE)}?content_version={version}")
        assert url.startswith(BASE)
        assert served["id"] == item["id"]
        assert served["name"] == item["name"]
        dose = item["dosage"]
        figures = f"{dose['sets']} x {dose['reps'] or dose['duration_seconds']}"
        assert figures in action["description"]


@pytest.mark.parametrize("fields", GRID)
def test_care_plan_has_one_activity_per_item_for_the_programme_weeks(
    api: FlaskClient, fields: dict[str, Any]
) -> None:
    """A draft proposal for a patient, instantiating the routine's plan; one activity per item
    id met in any week, not started, on the programme's days a week for its number of weeks,
    its dose given week by week."""
    _, programme, language = routine_and_programme(api, fields, "en")
    version = programme["content_version"]
    weeks = programme["weeks"]
    care = fhir.care_plan(programme, version=version, language=language, base_url=BASE)
    assert (care["status"], care["intent"], care["subject"]) == (
        "draft",
        "proposal",
        {"display": "Patient"},
    )
    assert care["instantiatesCanonical"] == [f"{BASE}/routines/{programme['id']}|{version}"]
    assert "period" not in care
    ids = list(dict.fromkeys(item["id"] for week in weeks for item in flat(week)))
    assert len(care["activity"]) == len(ids)
    days = weeks[0]["request"]["days_per_week"]
    for entry, item_id in zip(care["activity"], ids, strict=True):
        detail = entry["detail"]
        assert detail["status"] == "not-started"
        repeat = detail["scheduledTiming"]["repeat"]
        assert (repeat["frequency"], repeat["period"], repeat["periodUnit"]) == (days, 1, "wk")
        assert repeat["boundsDuration"] == {
            "value": len(weeks),
            "unit": "wk",
            "system": UCUM,
            "code": "wk",
        }
        assert len(weeks) == weeks[0]["schedule"]["weeks"]
        lines = detail["description"].split("\n")
        assert len(lines) == len(weeks)
        for line, week in zip(lines, weeks, strict=True):
            assert line.startswith(f"Week {week['week']}: ")
            for item in flat(week):
                if item["id"] == item_id and item["dosage"] is not None:
                    dose = item["dosage"]
                    assert f"{dose['sets']} x {dose['reps'] or dose['duration_seconds']}" in line
                elif item["id"] == item_id:
                    assert f"{item['minutes']} min" in line
        item = next(i for week in weeks for i in flat(week) if i["id"] == item_id)
        if item["dosage"] is None:
            assert "instantiatesCanonical" not in detail
            continue
        [canonical] = detail["instantiatesCanonical"]
        url, _, pinned = canonical.partition("|")
        assert pinned == version
        served, _ = get(api, f"{url.removeprefix(BASE)}?content_version={version}")
        assert served["id"] == item_id


def test_care_plan_with_a_start_has_dated_weeks(api: FlaskClient) -> None:
    """From a start date the plan and each activity run for the programme's weeks, the last
    day included: 12 weeks from Monday 1 March 2027 end on Sunday 23 May 2027."""
    _, programme, language = routine_and_programme(api, GRID[2], "en")
    weeks = len(programme["weeks"])
    care = fhir.care_plan(programme, version="v", language=language, base_url=BASE, start=START)
    # 1 March + 7 * weeks days is the Monday after the last week; the day before ends it.
    end = dt.date(2027, 3, 1) + dt.timedelta(days=7 * weeks - 1)
    assert weeks != 12 or end == dt.date(2027, 5, 23)
    period = {"start": "2027-03-01", "end": end.isoformat()}
    assert care["period"] == period
    for entry in care["activity"]:
        repeat = entry["detail"]["scheduledTiming"]["repeat"]
        assert repeat["boundsPeriod"] == period
        assert "boundsDuration" not in repeat


def test_an_item_in_two_sections_is_one_activity_naming_both(api: FlaskClient) -> None:
    """A stretch in both warm-up and cool-down is one CarePlan activity whose weekly line gives
    each section's dose."""
    _, programme, language = routine_and_programme(api, GRID[3], "en")
    first = programme["weeks"][0]
    seen = [item["id"] for item in flat(first)]
    twice = [item_id for item_id in dict.fromkeys(seen) if seen.count(item_id) > 1]
    assert twice, "this routine has an item in two sections"
    care = fhir.care_plan(programme, version="v", language=language, base_url=BASE)
    names = [s["name"] for s in first["sections"] if any(i["id"] == twice[0] for i in s["items"])]
    detail = next(
        e["detail"] for e in care["activity"]
        if e["detail"].get("instantiatesCanonical", [""])[0].split("|")[0].endswith(f"/{twice[0]}")
    )  # fmt: skip
    line = detail["description"].split("\n")[0]
    assert all(f"({name})" in line for name in names)


def test_spanish_programmes_are_written_in_spanish(api: FlaskClient) -> None:
    """With lang=es the resources say `es` and carry the Spanish names and the Spanish label."""
    routine, programme, language = routine_and_programme(api, GRID[3], "es")
    plan = fhir.plan_definition(routine, version="v", language=language, base_url=BASE)
    care = fhir.care_plan(programme, version="v", language=language, base_url=BASE)
    assert plan["language"] == care["language"] == "es"
    names = [a["title"] for group in plan["action"] for a in group["action"]]
    assert names == [item["name"] for item in flat(routine)]
    assert all(e["detail"]["description"].startswith("Semana 1: ") for e in care["activity"])


def test_the_grid_reaches_every_kind_of_routine_item(api: FlaskClient) -> None:
    """The grid above meets a timed item, a held one, one with a variation, a stretch in two
    sections and an activity of minutes, so each shape of action is checked."""
    shapes: set[str] = set()
    for fields in GRID:
        routine, _, _ = routine_and_programme(api, fields, "en")
        items = flat(routine)
        ids = [item["id"] for item in items]
        for item in items:
            dose = item["dosage"]
            found = {
                "minutes": dose is None,
                "timed": dose is not None and dose["duration_seconds"] is not None,
                "held": dose is not None and bool(dose["hold_seconds"]),
                "variation": item["variation"] is not None,
                "twice": ids.count(item["id"]) > 1,
            }
            shapes |= {shape for shape, present in found.items() if present}
    assert shapes == {"minutes", "timed", "held", "variation", "twice"}


def test_a_routine_that_is_not_ready_has_no_plan(api: FlaskClient) -> None:
    """A see-a-professional routine raises ValueError, and so does its empty programme."""
    screening = json_of(api.get("/screening"))
    response = api.post("/routines", json={"screening": {screening[0]["id"]: True}})
    routine = json_of(response)
    assert routine["status"] != "ready"
    programme, _ = get(api, f"/routines/{routine['id']}/programme")
    assert programme["weeks"] == []
    with pytest.raises(ValueError, match=r"is see-a-professional: it has no plan\.$"):
        fhir.plan_definition(routine, version="v", language="en", base_url=BASE)
    with pytest.raises(ValueError, match=r"has no weeks: it has no plan\.$"):
        fhir.care_plan(programme, version="v", language="en", base_url=BASE)
