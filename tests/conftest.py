"""Fixtures shared by the suite: the app on bundled content, its client, and release copies."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from gunicorn.config import Config
from werkzeug.test import TestResponse

from service.app import create_app
from service.domain import Release, Rules, load_releases
from service.logs import GunicornLogger, json_formatter

# The browser tests need Chromium and the front's tests nginx: `make verify` runs them, and
# installs both when missing.
collect_ignore = [
    *([] if os.environ.get("BROWSER_TESTS") else ["browser"]),
    *([] if os.environ.get("FRONT_TESTS") else ["front"]),
]

RELEASES = Path(__file__).resolve().parents[1] / "service" / "content" / "releases"
# The newest release folder, found by name: what requests without content_version read.
LATEST = max(
    (p.name for p in RELEASES.iterdir() if p.is_dir()), key=lambda v: tuple(map(int, v.split(".")))
)


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


def access_logger(accesslog: str | None = "-") -> tuple[Any, io.StringIO]:
    """service.logs.GunicornLogger as gunicorn sets it up, its access lines going to a string."""
    config = Config()
    if accesslog is not None:
        config.set("accesslog", accesslog)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logger = GunicornLogger(config)
    finally:
        root.handlers, root.level = saved[0], saved[1]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    logger.access_log.handlers = [handler]
    return logger, stream


def start_wsgi(
    env: Mapping[str, str], code: str = "import service.wsgi"
) -> subprocess.CompletedProcess[str]:
    """Import service.wsgi (gunicorn's entry point) in a fresh interpreter with this environment."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def english_only(folder: Path) -> Path:
    """A copied release folder reduced to its first language: no translations to keep in step
    with an edit of its files."""
    shutil.rmtree(folder / "translations", ignore_errors=True)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest.pop("languages", None)
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return folder


# A release's files in the order its checksum reads them, as FORMAT.md and the loader's
# docstring describe it; rules.json is optional.
CHECKSUM_ORDER = (
    "manifest.json",
    "equipment.json",
    "exercises.json",
    "stretches.json",
    "precautions.json",
    "guidance.json",
    "screening.json",
    "rules.json",
)


def release_checksum(folder: Path) -> str:
    """A release's checksum computed from its files: SHA-256 over each file as name, NUL,
    bytes, NUL, the release's files first, then each language's translation files, then each
    illustration as `illustrations/<id>.svg`, by item id (the loader's docstring)."""
    digest = hashlib.sha256()
    for name in CHECKSUM_ORDER:
        if (folder / name).exists():
            digest.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    for language in manifest.get("languages", ["en"])[1:]:  # FORMAT.md: absent is English
        for name in CHECKSUM_ORDER:
            path = folder / "translations" / language / name
            if path.exists():
                named = f"translations/{language}/{name}".encode()
                digest.update(named + b"\0" + path.read_bytes() + b"\0")
    for item_id, path in sorted(illustrations(folder).items()):
        named = f"{ILLUSTRATIONS}/{item_id}.svg".encode()
        digest.update(named + b"\0" + path.read_bytes() + b"\0")
    return f"sha256:{digest.hexdigest()}"


# A release folder's drawings (since 1.3.0): one `<item id>.svg` for each exercise and stretch.
ILLUSTRATIONS = "illustrations"
SVG = "image/svg+xml"


def illustrations(folder: Path) -> dict[str, Path]:
    """A release folder's illustration files by item id; none when it has no such folder."""
    return {path.stem: path for path in (folder / ILLUSTRATIONS).glob("*.svg")}


def served_item(collection: str, entry: dict[str, Any], version: str) -> dict[str, Any]:
    """An exercise or a stretch (`collection` "exercises" or "stretches") as GET
    /{collection}/{id} of release `version` sends it, from its JSON: with its `kind`, without
    a null `similar` (ItemSchema omits it), and its `illustration` (`{alt}` in the file) as a
    link to the SVG of that release, with its media type and the alt text."""
    kind = {"exercises": "exercise", "stretches": "stretch"}[collection]
    served: dict[str, Any] = {"kind": kind}
    for key, value in entry.items():
        if key == "illustration":
            href = f"/{collection}/{entry['id']}/illustration.svg?content_version={version}"
            served[key] = {"href": href, "type": SVG, "alt": value["alt"]}
        elif key != "similar" or value:
            served[key] = value
    return served


def lang_problem(message: str) -> dict[str, Any]:
    """The 422 problem of a `lang` the release is not written in (or no language tag)."""
    return {
        "type": "about:blank",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": f"Invalid query field 'lang': {message}",
        "errors": [{"location": "query", "field": "lang", "message": message}],
    }


def recording_app(*, direct: bool, keys: str, **config: Any) -> tuple[Flask, list[bool]]:
    """An app, with its direct path for new routines on or off, and a record of what that
    path answered."""
    from service.routine_path import RoutinePath

    app = create_app({"TESTING": True, "ROUTINE_ID_KEYS": keys, **config})
    layer = app.extensions["routine_path"]
    assert isinstance(layer, RoutinePath)
    answered: list[bool] = []
    inner = layer.direct

    def record(*args: Any) -> Any:
        found = inner(*args) if direct else None
        answered.append(found is not None)
        return found

    layer.direct = record
    return app, answered
