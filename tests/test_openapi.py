"""The OpenAPI document: valid 3.1, lint-clean, complete, committed; the docs need no network."""

from __future__ import annotations

import copy
import json
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from tests.lint_openapi import LintUnavailable, lint, node_problem, problems

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "openapi" / "openapi.json"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec(app: Any) -> dict[str, Any]:
    return app.test_client().get("/openapi.json").json  # type: ignore[no-any-return]


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_spec_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    """openapi-spec-validator accepts the served document."""
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_spec_names_a_relative_server_no_security_and_the_project_licence(
    spec: dict[str, Any],
) -> None:
    """Servers is "/" alone, security is explicitly empty, the licence is pyproject.toml's."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert [server["url"] for server in spec["servers"]] == ["/"]
    assert spec["security"] == []
    assert spec["info"]["license"]["identifier"] == project["license"]
    # flask-smorest lets API_SPEC_OPTIONS' `info` replace the one in spec_kwargs, whole.
    assert spec["info"].get("description")


def test_spec_passes_redocly_recommended(spec: dict[str, Any]) -> None:
    """The pinned Redocly CLI, with redocly.yaml, finds no error and no warning."""
    try:
        report = lint(spec)
    except LintUnavailable as error:
        pytest.fail(f"the OpenAPI lint could not run, so nothing was checked: {error}")
    assert problems(report) == []


# A small document that passes the recommended ruleset, to plant known problems in.
CLEAN: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Things",
        "version": "1",
        "description": "Things.",
        "license": {"name": "MIT License", "identifier": "MIT"},
    },
    "servers": [{"url": "/"}],
    "security": [],
    "tags": [{"name": "things", "description": "Things."}],
    "paths": {
        "/things": {
            "get": {
                "summary": "List things",
                "description": "Every thing.",
                "operationId": "listThings",
                "tags": ["things"],
                "responses": {"200": {"description": "OK"}, "404": {"description": "Not Found"}},
            }
        }
    },
}


def test_lint_reports_warnings_and_errors() -> None:
    """A warning fails the check as errors do, though Redocly exits 0 on warnings alone."""
    planted = copy.deepcopy(CLEAN)
    del planted["info"]["license"], planted["servers"], planted["security"]
    found = problems(lint(planted))
    assert sorted(line.split(":", 1)[0] for line in found) == [
        "error no-empty-servers at #/openapi",
        "error security-defined at #/paths/~1things/get",
        "warn info-license at #/info",
    ]


@pytest.mark.parametrize(
    ("version", "supported"),
    [
        # @redocly/cli 2.77.0 declares engines.node ">=22.12.0 || >=20.19.0 <21.0.0".
        ("v18.20.4\n", False),
        ("v20.18.3\n", False),
        ("v20.19.0\n", True),
        ("v20.20.2\n", True),
        ("v21.7.3\n", False),
        ("v22.11.0\n", False),
        ("v22.12.0\n", True),
        ("v24.1.0\n", True),
    ],
)
def test_node_versions_outside_the_cli_range_are_refused(version: str, supported: bool) -> None:
    """Exactly the Node.js versions the pinned CLI supports pass; others are named."""
    problem = node_problem(version)
    if supported:
        assert problem is None
    else:
        assert problem == (
            f"Node.js {version.strip()} is not supported by @redocly/cli@2.77.0, "
            "which needs >=20.19.0 <21 or >=22.12.0."
        )


def test_lint_fails_loudly_without_node(
    spec: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No node on PATH, or too old a node, is an error naming the cause, never a pass."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LintUnavailable, match=r"^Node\.js is not installed \(or not on PATH\)"):
        lint(spec)
    node = tmp_path / "node"
    node.write_text("#!/bin/sh\necho v20.18.0\n", encoding="utf-8")
    node.chmod(node.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(LintUnavailable, match=r"^Node\.js v20\.18\.0 is not supported"):
        lint(spec)


def test_committed_spec_matches_the_served_one(spec: dict[str, Any]) -> None:
    """openapi/openapi.json is regenerated by `make openapi` whenever the API changes."""
    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == spec, "run `make openapi`"


def test_every_operation_is_documented(spec: dict[str, Any]) -> None:
    """Summary, description, a known tag, an operationId and a success example everywhere."""
    tags = {tag["name"] for tag in spec["tags"]}
    for path, method, operation in _operations(spec):
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        assert operation.get("description"), where
        assert operation.get("tags"), where
        assert set(operation["tags"]) <= tags, where
        assert operation.get("operationId"), where
        successes = [
            response for status, response in operation["responses"].items() if status < "300"
        ]
        assert successes, where
        for response in successes:
            assert response["content"], where
            for media in response["content"].values():  # JSON, a patch, a calendar
                assert "example" in media or "examples" in media, where


def test_every_error_is_documented_as_problem_json(spec: dict[str, Any]) -> None:
    """Every 4xx/5xx response, inline or shared, is application/problem+json."""
    shared = spec["components"]["responses"]
    for path, method, operation in _operations(spec):
        for status, response in operation["responses"].items():
            if status == "default" or status >= "400":
                if "$ref" in response:
                    response = shared[response["$ref"].rsplit("/", 1)[1]]
                assert list(response["content"]) == ["application/problem+json"], (
                    f"{method.upper()} {path} {status}"
                )


def _properties(schema: dict[str, Any], where: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, prop in schema.get("properties", {}).items():
        found.append((f"{where}.{name}", prop))
        found.extend(_properties(prop, f"{where}.{name}"))
    if "items" in schema:
        found.extend(_properties(schema["items"], f"{where}[]"))
    return found


def test_every_field_and_parameter_has_a_description(spec: dict[str, Any]) -> None:
    """Schemas' properties and every parameter say what they mean."""
    undocumented = [
        where
        for name, schema in spec["components"]["schemas"].items()
        for where, prop in _properties(schema, name)
        if not prop.get("description")
    ]
    undocumented += [
        f"{method.upper()} {path} {parameter['name']}"
        for path, method, operation in _operations(spec)
        for parameter in [
            *operation.get("parameters", []),
            *spec["paths"][path].get("parameters", []),
        ]
        if not parameter.get("description")
    ]
    assert undocumented == []


def test_docs_page_has_no_inline_script_and_serves_its_assets(client: FlaskClient) -> None:
    """/docs loads Swagger UI from this service only, with no inline script."""
    page = client.get("/docs").get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts
    assert all('src="/' in attrs and body.strip() == "" for attrs, body in scripts)
    assert "http" not in page
    for url in re.findall(r'(?:src|href)="(/[^"]+)"', page):
        with client.get(url) as asset:
            assert asset.status_code == 200, url
    assert client.get("/docs/assets/swagger-editor.js").status_code == 404


def test_swagger_ui_is_version_5(client: FlaskClient) -> None:
    """Swagger UI 5 is needed to show OpenAPI 3.1."""
    with client.get("/docs/assets/swagger-ui-bundle.js") as response:
        assert "OpenAPI31" in response.get_data(as_text=True)
