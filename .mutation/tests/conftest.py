"""Fixtures shared by the suite: the app on bundled content, its client, and release copies."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.app import create_app
from service.domain import Release, Rules, load_releases

# The browser tests need Chromium and run under `make verify`, which installs it.
collect_ignore = [] if os.environ.get("BROWSER_TESTS") else ["browser"]

RELEASES = Path(__file__).resolve().parents[1] / "service" / "content" / "releases"
# The newest release folder, found by name: what requests without content_version read.
LATEST = max((p.name for p in RELEASES.iterdir()), key=lambda v: tuple(map(int, v.split("."))))


def latest_with_rules() -> tuple[Release, Rules]:
    """The newest release that makes routines, and its rules: no version written in a test."""
    release = [r for r in load_releases().values() if r.rules][-1]
    assert release.rules is not None
    return release, release.rules


@pytest.fixture(scope="session")
def app() -> Flask:
    return create_app({"TESTING": True})


@pytest.fixture(scope="session")
def first_release_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app serving release 1.0.0 alone, the content the catalogue tests spell out."""
    root = tmp_path_factory.mktemp("releases")
    shutil.copytree(RELEASES / "1.0.0", root / "1.0.0")
    return create_app({"TESTING": True, "CONTENT_DIR": str(root)})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def release() -> Release:
    return load_releases()["1.0.0"]


def raw(file: str, version: str = "1.0.0") -> Any:
    """A content file as the JSON on disk, independent of the loader."""
    return json.loads((RELEASES / version / file).read_text(encoding="utf-8"))


def json_of(response: TestResponse) -> Any:
    """The JSON body of a response that must have one; `response.json` may be None."""
    assert response.is_json, (response.status_code, response.mimetype, response.data[:300])
    return response.json


@pytest.fixture
def release_copy(tmp_path: Path) -> Callable[..., Path]:
    """Copy release 1.0.0 into a temporary releases folder, optionally editing one file."""

    def make(
        file: str | None = None,
        edit: Callable[[Any], Any] | None = None,
        version: str = "1.0.0",
    ) -> Path:
        root = tmp_path / "releases"
        folder = root / version
        if not folder.exists():
            shutil.copytree(RELEASES / "1.0.0", folder)
        if file is not None and edit is not None:
            path = folder / file
            data = json.loads(path.read_text(encoding="utf-8"))
            result = edit(data)
            path.write_text(json.dumps(data if result is None else result), encoding="utf-8")
        return root

    return make
