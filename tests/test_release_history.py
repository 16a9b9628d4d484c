"""Release history: entries a release removed answer 410, and older releases' routines stay."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.domain import IdKeys

from .conftest import LATEST, RELEASES, json_of, lang_problem, raw

PROBLEM = "application/problem+json"
PINNED_CACHE = "public, max-age=31536000, immutable"
KEYS = f"k1:{IdKeys.new_key()}"
OLD, NEW = "1.1.0", "1.2.0"  # NEW split the guidance article self-care
(REMOVAL,) = raw("manifest.json", NEW)["removed"]
REMOVED = REMOVAL["id"]
NEW_GUIDANCE = {entry["id"]: entry for entry in raw("guidance.json", NEW)}
# A ready routine, and one that sends the person to a professional, linking self-care.
REQUESTS = [{"pain": 2, "week": 3}, {"pain": 9}]


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The service before 1.2.0: releases 1.0.0 and 1.1.0, published as the lock says."""
    root = tmp_path_factory.mktemp("releases")
    for version in ("1.0.0", OLD):
        shutil.copytree(RELEASES / version, root / version)
    lock = json.loads((RELEASES / "releases.lock").read_text("utf-8"))
    published = {version: lock["published"][version] for version in ("1.0.0", OLD)}
    (root / "releases.lock").write_text(json.dumps({"published": published}), "utf-8")
    return create_app({"TESTING": True, "CONTENT_DIR": str(root), "ROUTINE_ID_KEYS": KEYS})


@pytest.fixture(scope="module")
def after() -> Flask:
    """The service on every bundled release, with the same routine id keys."""
    return create_app({"TESTING": True, "ROUTINE_ID_KEYS": KEYS})


def _gone(version: str) -> dict[str, Any]:
    """The 410 problem for self-care, from the manifest that removed it."""
    return {
        "type": "about:blank",
        "title": "Gone",
        "status": 410,
        "detail": f"The guidance {REMOVED!r} was removed in content release {version}: "
        "replaced_by lists what replaces it.",
        "replaced_by": [f"/guidance/{name}" for name in REMOVAL["replaced_by"]],
    }


def _hrefs(body: Any) -> list[str]:
    """Every `href` anywhere in a JSON body."""
    if isinstance(body, dict):
        return [
            *([body["href"]] if isinstance(body.get("href"), str) else []),
            *(href for value in body.values() for href in _hrefs(value)),
        ]
    if isinstance(body, list):
        return [href for value in body for href in _hrefs(value)]
    return []


# ---- entries a release removed


@pytest.mark.parametrize(("query", "version"), [("", LATEST), (f"?content_version={NEW}", NEW)])
def test_removed_guidance_is_gone_naming_its_replacements(
    client: FlaskClient, query: str, version: str
) -> None:
    """Reading self-care in 1.2.0 (or later) is 410 Gone, replaced_by its six successors."""
    response = client.get(f"/guidance/{REMOVED}{query}")
    assert response.status_code == 410
    assert response.mimetype == PROBLEM
    assert response.headers["Content-Version"] == version
    assert json_of(response) == _gone(NEW)


def test_each_replacement_answers_with_its_entry(client: FlaskClient) -> None:
    """Every URL in replaced_by answers 200 with that entry of the release, as written."""
    replaced_by = json_of(client.get(f"/guidance/{REMOVED}?content_version={NEW}"))["replaced_by"]
    assert len(replaced_by) == len(REMOVAL["replaced_by"])
    for url, name in zip(replaced_by, REMOVAL["replaced_by"], strict=True):
        response = client.get(f"{url}?content_version={NEW}")
        assert response.status_code == 200, url
        assert json_of(response) == NEW_GUIDANCE[name]
        latest = client.get(url)
        assert latest.status_code == 200, url


def test_the_release_before_still_serves_the_removed_entry(client: FlaskClient) -> None:
    """Pinned to 1.1.0, self-care is there, exactly as that release wrote it."""
    response = client.get(f"/guidance/{REMOVED}?content_version={OLD}")
    assert response.status_code == 200
    assert response.headers["Content-Version"] == OLD
    assert response.headers["Cache-Control"] == PINNED_CACHE
    (entry,) = (entry for entry in raw("guidance.json", OLD) if entry["id"] == REMOVED)
    assert json_of(response) == entry


def test_the_latest_guidance_list_is_the_release_file_without_the_removed_entry(
    client: FlaskClient,
) -> None:
    """/guidance lists the latest release's entries in file order; self-care is not one."""
    response = client.get("/guidance?page_size=100")
    assert response.status_code == 200
    assert response.headers["Content-Version"] == LATEST
    body = json_of(response)
    assert body == raw("guidance.json", LATEST)
    assert REMOVED not in [entry["id"] for entry in body]


@pytest.mark.parametrize(
    ("url", "version", "kind"),
    [
        ("/guidance/never-existed", LATEST, "guidance"),
        (f"/guidance/never-existed?content_version={NEW}", NEW, "guidance"),
        (f"/guidance/never-existed?content_version={OLD}", OLD, "guidance"),
        (f"/exercises/{REMOVED}", LATEST, "exercise"),  # removed as guidance, never an exercise
    ],
)
def test_an_id_that_never_existed_is_404_not_410(
    client: FlaskClient, url: str, version: str, kind: str
) -> None:
    """Only an id a release declares removed is Gone; any other unknown id is Not Found."""
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert response.headers["Content-Version"] == version
    name = url.split("/")[2].split("?")[0]
    assert json_of(response) == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": f"Content release {version} has no {kind} with id {name!r}.",
    }


@pytest.mark.parametrize("file", ["exercises.json", "stretches.json"])
def test_the_split_release_keeps_every_exercise_and_stretch(file: str) -> None:
    """1.2.0 holds every exercise and stretch id of 1.1.0: routines keep their items."""
    kept = [entry["id"] for entry in raw(file, NEW)]
    assert [entry["id"] for entry in raw(file, OLD) if entry["id"] not in kept] == []


# ---- routine ids across releases


@pytest.mark.parametrize("request_body", REQUESTS)
def test_a_routine_id_reads_the_same_bytes_after_a_new_release(
    before: Flask, after: Flask, request_body: dict[str, Any]
) -> None:
    """An id minted while 1.1.0 was latest answers, once 1.2.0 is out, the same bytes."""
    posted = before.test_client().post("/routines", json=request_body)
    assert posted.status_code == 200
    routine_id = json_of(posted)["id"]
    assert json_of(posted)["content_version"] == OLD
    then = before.test_client().get(f"/routines/{routine_id}")
    now = after.test_client().get(f"/routines/{routine_id}")
    for response in (then, now):
        assert response.status_code == 200
        assert response.headers["Content-Version"] == OLD
        assert response.headers["Cache-Control"] == PINNED_CACHE
    assert then.data == posted.data
    assert now.data == then.data
    assert now.headers["ETag"] == then.headers["ETag"]


@pytest.mark.parametrize("request_body", REQUESTS)
def test_the_programme_for_a_pinned_release_never_changes(
    before: Flask, after: Flask, request_body: dict[str, Any]
) -> None:
    """The programme of a 1.1.0 routine is byte for byte the same, same ETag, after 1.2.0."""
    routine_id = json_of(before.test_client().post("/routines", json=request_body))["id"]
    then = before.test_client().get(f"/routines/{routine_id}/programme")
    now = after.test_client().get(f"/routines/{routine_id}/programme")
    for response in (then, now):
        assert response.status_code == 200
        assert response.headers["Content-Version"] == OLD
        assert response.headers["Cache-Control"] == PINNED_CACHE
    assert json_of(then)["content_version"] == OLD
    assert now.data == then.data
    assert now.headers["ETag"] == then.headers["ETag"]


def test_the_links_of_a_pinned_routine_still_answer(before: Flask, after: Flask) -> None:
    """Every href of a 1.1.0 routine, self-care among them, answers 200 after 1.2.0."""
    routine = json_of(before.test_client().post("/routines", json={"pain": 9}))
    hrefs = _hrefs(routine)
    assert f"/guidance/{raw('rules.json', OLD)['self_care']}?content_version={OLD}" in hrefs
    client = after.test_client()
    for href in hrefs:
        response = client.get(href)
        assert response.status_code == 200, href
        assert response.headers["Content-Version"] == OLD


@pytest.mark.parametrize(("app_name", "latest"), [("before", OLD), ("after", LATEST)])
def test_requests_pinned_to_the_first_release_are_gone(
    app_name: str, latest: str, request: pytest.FixtureRequest
) -> None:
    """1.0.0 makes no routines: a request pinned to it is 410, replaced_by the same request
    on the latest release, in the body and the query form."""
    client = request.getfixturevalue(app_name).test_client()
    wanted = {"minutes": 20, "pain": 2}
    same = json_of(client.post("/routines", json=wanted))
    assert same["content_version"] == latest
    expected = {
        "type": "about:blank",
        "title": "Gone",
        "status": 410,
        "detail": f"Content release 1.0.0 makes no routines. The same request on release "
        f"{latest}: replaced_by.",
        "replaced_by": [f"/routines/{same['id']}"],
    }
    for response in (
        client.post("/routines", json={**wanted, "content_version": "1.0.0"}),
        client.get("/routines?content_version=1.0.0&minutes=20&pain=2"),
    ):
        assert response.status_code == 410
        assert response.mimetype == PROBLEM
        assert json_of(response) == expected


@pytest.mark.parametrize("path", ["", "/programme"])
def test_spanish_on_a_routine_of_an_english_only_release_is_422(
    before: Flask, after: Flask, path: str
) -> None:
    """A 1.1.0 routine read with lang=es, where 1.2.0 has Spanish, is refused listing en."""
    routine_id = json_of(before.test_client().post("/routines", json=REQUESTS[0]))["id"]
    response = after.test_client().get(f"/routines/{routine_id}{path}?lang=es")
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    languages = raw("manifest.json", OLD).get("languages", ["en"])  # FORMAT.md: English
    message = f"Release {OLD} is written in: {', '.join(languages)}."
    assert json_of(response) == lang_problem(message)
