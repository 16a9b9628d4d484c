"""Content stays out of the code and the contract; what `content check` accepts also starts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from service.api import examples
from service.app import create_app
from service.cli import content
from service.domain import LOCK_FILE, IdKeys, Kind, load_releases

from .conftest import LATEST, RELEASES, illustrations, json_of, start_wsgi

ROOT = Path(__file__).resolve().parents[1]
KEYS = f"test:{IdKeys.new_key()}"


def spec_of(content_dir: Path | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {"TESTING": True, "ROUTINE_ID_KEYS": KEYS}
    if content_dir is not None:
        config["CONTENT_DIR"] = str(content_dir)
    spec: dict[str, Any] = json_of(create_app(config).test_client().get("/openapi.json"))
    return spec


def copy_releases(tmp_path: Path) -> Path:
    root = tmp_path / "releases"
    shutil.copytree(RELEASES, root, ignore=shutil.ignore_patterns(LOCK_FILE))  # drafts
    return root


def edit(path: Path, change: Callable[[Any], Any]) -> None:
    data = json.loads(path.read_text("utf-8"))
    result = change(data)
    path.write_text(json.dumps(data if result is None else result), "utf-8")


def test_the_examples_are_what_the_service_answers_for_their_release() -> None:
    """examples.json holds real answers of a published release, not hand-written ones."""
    shown = examples.examples()
    built = examples.build(load_releases(), shown["release"])
    assert json.loads(json.dumps(built)) == shown


def test_the_document_does_not_change_with_the_content(tmp_path: Path) -> None:
    """Another summary, another exercise and a new release leave /openapi.json as it is."""
    root = copy_releases(tmp_path)
    latest = root / LATEST

    added = "a-new-exercise-for-this-test"

    def reword(items: list[dict[str, Any]]) -> None:
        items[0]["summary"] = "A reworded summary, for this test only."
        extra = dict(items[-1], id=added)  # its `illustration` alt text too, where it has one
        items.append(extra)
        if "illustration" in extra:  # a release with illustrations draws every item
            drawing = illustrations(latest)[items[-2]["id"]]
            shutil.copyfile(drawing, drawing.with_name(f"{added}.svg"))

    edit(latest / "exercises.json", reword)
    newer = root / "99.0.0"
    shutil.copytree(latest, newer)
    edit(newer / "manifest.json", lambda manifest: manifest.update(version="99.0.0", removed=[]))
    assert spec_of(root) == spec_of()


def _strings_outside_examples(node: object, key: str = "") -> Iterator[tuple[str, str]]:
    if key in ("example", "examples"):
        return
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _strings_outside_examples(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from _strings_outside_examples(value, key)
    elif isinstance(node, str):
        yield key, node


def test_the_document_names_no_content_outside_its_examples() -> None:
    """No release version and no hyphenated content id in a schema, an enum or a text."""
    releases = load_releases()
    facts = set(releases)
    for release in releases.values():
        facts |= {e.id for kind in Kind for e in release.entries(kind) if "-" in e.id}
        facts |= {e.id for e in release.equipment if "-" in e.id}
    facts -= {"self-care"}  # an English word the descriptions use, as well as a guidance id
    spec = spec_of()
    del spec["info"]["version"]  # the API's own version, which may look like a release's
    found = {
        (key, fact)
        for key, text in _strings_outside_examples(spec)
        for fact in facts
        if fact in text
    }
    assert found == set()
    enums = [
        value
        for key, value in _strings_outside_examples(spec_of())
        if key == "enum" and value in {e.id for r in releases.values() for e in r.equipment}
    ]
    assert enums == []


def _check(*folders: Path) -> int:
    result = CliRunner().invoke(content, ["check", *map(str, folders)])
    return result.exit_code


def _start(root: Path) -> subprocess.CompletedProcess[str]:
    return start_wsgi(dict(os.environ, CONTENT_DIR=str(root), ROUTINE_ID_KEYS=KEYS))


PLANTED: dict[str, tuple[str, Callable[[Any], Any]] | None] = {
    "as published": None,
    "empty screening": ("screening.json", lambda _: []),
    "no equipment the defaults name": (
        "rules.json",
        lambda rules: rules["request_defaults"].update(equipment=["trampoline"]),
    ),
    "an unknown rules key": ("rules.json", lambda rules: rules.update(surprise=1)),
    "a pain band gap": ("rules.json", lambda rules: rules["pain"]["bands"][1].update(min=9)),
}


@pytest.mark.parametrize("case", PLANTED)
def test_content_check_accepts_exactly_what_starts(tmp_path: Path, case: str) -> None:
    """For each planted fault, `content check` fails if and only if start-up refuses, and a
    refusal is one JSON line on stderr."""
    root = copy_releases(tmp_path)
    planted = PLANTED[case]
    if planted is not None:
        edit(root / LATEST / planted[0], planted[1])
    checked = _check(*sorted(root.iterdir()))
    started = _start(root)
    assert (checked == 0) == (started.returncode == 0), (case, started.stderr)
    assert (checked == 0) == (planted is None)
    if planted is not None:
        lines = started.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert json.loads(lines[0])["message"].startswith("refusing to start: ")
        assert started.returncode == 3


def test_a_start_up_failure_that_is_not_content_is_one_json_line() -> None:
    """Malformed ROUTINE_ID_KEYS stops start-up with one JSON line naming the error."""
    started = start_wsgi(dict(os.environ, ROUTINE_ID_KEYS="k1:short"))
    lines = started.stderr.strip().splitlines()
    assert started.returncode == 3
    assert len(lines) == 1, lines
    record = json.loads(lines[0])
    assert "ValueError" in record["message"]
    assert "Traceback" not in started.stderr


def test_content_check_builds_the_service_as_start_up_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check builds the app: a configuration start-up would refuse fails the check too."""
    monkeypatch.setenv("ROUTINE_ID_KEYS", "k1:short")
    result = CliRunner().invoke(content, ["check"])
    assert result.exit_code == 1
    assert "would not start" in result.output
