"""Accept: application/fhir+json over HTTP: which answers speak FHIR R4, validated with
fhir.resources' R4B models, and the 406 for a media type the service does not offer."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.activitydefinition import ActivityDefinition
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.plandefinition import PlanDefinition
from flask.testing import FlaskClient

from .conftest import json_of

FHIR = "application/fhir+json"
PROBLEM = "application/problem+json"
AS_FHIR = {"Accept": FHIR}


def routine_of(client: FlaskClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/routines", json=fields)
    assert response.status_code == 200
    routine: dict[str, Any] = json_of(response)
    return routine


def fhir_of(client: FlaskClient, url: str, **headers: str) -> dict[str, Any]:
    response = client.get(url, headers=AS_FHIR | headers)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == FHIR
    assert "Accept" in [part.strip() for part in response.headers["Vary"].split(",")]
    found: dict[str, Any] = response.get_json(force=True)
    return found


@pytest.mark.parametrize("collection", ["exercises", "stretches"])
def test_every_item_is_an_activity_definition_with_its_drawing(
    client: FlaskClient, collection: str
) -> None:
    """Each exercise and stretch of the latest release, asked as FHIR, is a valid R4
    ActivityDefinition whose canonical url is the item's URL, whose version is the content
    release, and whose documentation artifact is the drawing the item links, which serves."""
    items = json_of(client.get(f"/{collection}?page_size=100"))
    assert items
    for item in items:
        resource = fhir_of(client, f"/{collection}/{item['id']}")
        ActivityDefinition.model_validate(resource)
        assert resource["url"] == f"http://localhost/{collection}/{item['id']}"
        version = client.get(f"/{collection}/{item['id']}").headers["Content-Version"]
        assert resource["version"] == version
        assert resource["status"] == "active"
        drawings = [a for a in resource["relatedArtifact"] if "document" in a]
        assert [d["document"]["url"] for d in drawings] == [
            "http://localhost" + item["illustration"]["href"]
        ]
        assert drawings[0]["display"] == item["illustration"]["alt"]
        served = client.get(item["illustration"]["href"])
        assert served.status_code == 200
        assert served.mimetype == drawings[0]["document"]["contentType"] == "image/svg+xml"


def test_an_item_in_spanish_is_a_spanish_activity_definition(client: FlaskClient) -> None:
    """lang=es gives the Spanish title and `language: es`, the same canonical url."""
    item = json_of(client.get("/exercises?page_size=1&lang=es"))[0]
    resource = fhir_of(client, f"/exercises/{item['id']}?lang=es")
    assert resource["language"] == "es"
    assert resource["title"] == item["name"]
    assert resource["url"].endswith(f"/exercises/{item['id']}")


def test_a_routine_is_a_plan_definition_and_its_programme_a_care_plan(
    client: FlaskClient,
) -> None:
    """The routine's PlanDefinition references an ActivityDefinition per item that the
    service answers; the programme's CarePlan is a draft proposal for an unnamed patient with
    one activity per distinct item and the weeks in its schedule."""
    routine = routine_of(client, pain=2, minutes=20, days_per_week=4)
    plan = fhir_of(client, f"/routines/{routine['id']}")
    PlanDefinition.model_validate(plan)
    canonicals = [
        action["definitionCanonical"]
        for group in plan["action"]
        for action in group["action"]
        if "definitionCanonical" in action
    ]
    assert canonicals
    for canonical in canonicals:
        url, _, version = canonical.partition("|")
        assert version == routine["content_version"]
        answer = client.get(url.removeprefix("http://localhost"), headers=AS_FHIR)
        assert answer.status_code == 200
        assert answer.get_json(force=True)["url"] == url
    weeks = json_of(client.get(f"/routines/{routine['id']}/programme"))["weeks"]
    care = fhir_of(client, f"/routines/{routine['id']}/programme")
    CarePlan.model_validate(care)
    assert (care["status"], care["intent"], care["subject"]) == (
        "draft",
        "proposal",
        {"display": "Patient"},
    )
    ids = {item["id"] for week in weeks for s in week["sections"] for item in s["items"]}
    assert len(care["activity"]) == len(ids)
    for activity in care["activity"]:
        repeat = activity["detail"]["scheduledTiming"]["repeat"]
        assert repeat["frequency"] == 4
        assert repeat["boundsDuration"]["value"] == len(weeks)


@pytest.mark.parametrize("suffix", ["", "/programme"])
def test_no_plan_for_a_see_a_professional_routine(client: FlaskClient, suffix: str) -> None:
    """A routine that sends the person to a professional has nothing to plan: 409 as FHIR,
    while its JSON still answers."""
    flag = json_of(client.get("/screening?page_size=1"))[0]["id"]
    routine = routine_of(client, screening={flag: True})
    assert routine["status"] == "see-a-professional"
    url = f"/routines/{routine['id']}{suffix}"
    response = client.get(url, headers=AS_FHIR)
    assert response.status_code == 409
    assert response.mimetype == PROBLEM
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", "application/json"),
        ("*/*", "application/json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json"),
        ("application/json;q=0.5, application/fhir+json", FHIR),
        ("application/*", "application/json"),
        ("application/fhir+json; fhirVersion=4.0", FHIR),
        ("application/fhir+json;q=0, */*", "application/json"),
    ],
)
def test_accept_chooses_json_or_fhir(client: FlaskClient, accept: str, expected: str) -> None:
    """Accept's ranges and q-values choose; a tie (or no Accept) gets the API's JSON."""
    response = client.get("/exercises/heel-raises", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == expected


@pytest.mark.parametrize(
    "url",
    [
        "/exercises/heel-raises",
        "/stretches/calf-stretch",
        "/routines/{id}",
        "/routines/{id}/programme",
    ],
)
@pytest.mark.parametrize(
    "accept", ["text/html", "application/xml", "application/fhir+json; fhirVersion=5.0"]
)
def test_other_media_types_are_406_listing_what_is_offered(
    client: FlaskClient, url: str, accept: str
) -> None:
    """A media type the service does not offer (or another FHIR version) is a 406
    problem+json naming the two it offers."""
    routine = routine_of(client)
    response = client.get(url.format(id=routine["id"]), headers={"Accept": accept})
    assert response.status_code == 406
    assert response.mimetype == PROBLEM
    body = json_of(response)
    assert body["offered"] == ["application/json", FHIR]
    assert "application/fhir+json" in body["detail"]


def test_the_response_cache_keeps_json_and_fhir_apart(client: FlaskClient) -> None:
    """Asked alternately as JSON and as FHIR, each repeat (answered from the response cache)
    keeps its own media type, body and ETag."""
    url = "/exercises/heel-raises"
    seen: dict[str, set[tuple[str, bytes, str]]] = {"application/json": set(), FHIR: set()}
    for _ in range(3):
        for accept in seen:
            response = client.get(url, headers={"Accept": accept})
            seen[accept].add((str(response.mimetype), response.data, response.headers["ETag"]))
    assert all(len(found) == 1 for found in seen.values())
    json_answer, fhir_answer = (next(iter(found)) for found in seen.values())
    assert json_answer[0] == "application/json"
    assert fhir_answer[0] == FHIR
    assert json_answer[2] != fhir_answer[2]


NPM_SOURCE = Path(__file__).resolve().parent / "fhir_npm"
NPM_DIR = Path(__file__).resolve().parents[1] / ".venv" / "fhir-npm"


def npm_validators() -> Path:
    """The npm validators installed from tests/fhir_npm's lock into .venv/fhir-npm (once per
    lock): the folder to run validate.js in. Fails the test when npm cannot install them."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.fail("Node.js and npm are needed to run the FHIR validators from npm")
    lock = (NPM_SOURCE / "package-lock.json").read_bytes()
    if (
        not (NPM_DIR / "node_modules").exists()
        or (NPM_DIR / "package-lock.json").read_bytes() != lock
    ):
        shutil.rmtree(NPM_DIR, ignore_errors=True)
        NPM_DIR.mkdir(parents=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(NPM_SOURCE / name, NPM_DIR / name)
        run = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=NPM_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if run.returncode != 0:
            shutil.rmtree(NPM_DIR / "node_modules", ignore_errors=True)
            pytest.fail(f"npm could not install the FHIR validators: {run.stderr[-1000:]}")
    shutil.copy(NPM_SOURCE / "validate.js", NPM_DIR / "validate.js")
    return NPM_DIR


def validate_with_npm(resources: list[dict[str, Any]]) -> dict[str, Any]:
    folder = npm_validators()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "resources.json"
        path.write_text(json.dumps(resources), encoding="utf-8")
        run = subprocess.run(
            [str(shutil.which("node")), "validate.js", str(path)],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    report: dict[str, Any] = json.loads(run.stdout)
    return report


def test_npm_validators_accept_every_resource(client: FlaskClient) -> None:
    """HL7's R4 JSON schema and FHIR.js (pinned in tests/fhir_npm) find no problem in any
    ActivityDefinition of any release and language, nor in the plans and care plans of a grid
    of routines; and they do find the problems of a resource broken on purpose."""
    resources = []
    releases = json_of(client.get("/content/releases"))
    for release in releases:
        version = release["version"]
        manifest = json_of(client.get(f"/content/releases/{version}"))
        for lang in manifest.get("languages", ["en"]):
            for collection in ("exercises", "stretches"):
                query = f"content_version={version}&lang={lang}"
                for item in json_of(client.get(f"/{collection}?page_size=100&{query}")):
                    resources.append(fhir_of(client, f"/{collection}/{item['id']}?{query}"))
    grid: list[dict[str, Any]] = [
        {},
        {"pain": 2, "days_per_week": 5},
        {"minutes": 45, "position": "seated"},
    ]
    for fields in grid:
        for lang in ("en", "es"):
            routine = routine_of(client, **fields)
            for suffix in ("", "/programme"):
                resources.append(fhir_of(client, f"/routines/{routine['id']}{suffix}?lang={lang}"))
    report = validate_with_npm(resources)
    assert report == {"checked": len(resources), "problems": []}
    broken = [dict(resources[0], kind="Exercise"), dict(resources[-1], intent="wish")]
    found = validate_with_npm(broken)["problems"]
    assert {problem["index"] for problem in found} == {0, 1}
