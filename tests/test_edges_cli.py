"""`flask content` at its edges, and requests whose framing is wrong before any JSON is read."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from service.api import examples
from service.cli import content
from service.logs import REQUEST_ID_KEY, ROUTE_KEY

from .conftest import RELEASES, access_logger

COMMITTED_EXAMPLES = Path(examples.__file__).with_name(examples.FILE)


def test_check_of_a_folder_that_cannot_be_read_says_so(tmp_path: Path) -> None:
    """`flask content check FOLDER` "exits non-zero on any error", a missing folder too, and
    says what it could not read rather than failing with a traceback."""
    missing = tmp_path / "1.1.0"
    result = CliRunner().invoke(content, ["check", str(missing)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot read content: [Errno 2] No such file or directory: '{missing}'\n"
    )


def test_examples_command_writes_the_committed_examples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`flask content examples VERSION` writes service/api/examples.json from that release:
    run for the release the committed file names, it writes the committed file, byte for
    byte (here into a temporary folder)."""
    committed = COMMITTED_EXAMPLES.read_text(encoding="utf-8")
    version = json.loads(committed)["release"]
    monkeypatch.setattr(examples, "__file__", str(tmp_path / "examples.py"))
    result = CliRunner().invoke(content, ["examples", version])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {examples.FILE} from release {version}\n"
    assert (tmp_path / examples.FILE).read_text(encoding="utf-8") == committed


@pytest.mark.parametrize(
    ("version", "reason"),
    [
        ("1.0.0", "release 1.0.0 makes no routines: examples need one that does"),
        ("9.9.9", None),
    ],
)
def test_examples_command_refuses_a_release_it_cannot_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str, reason: str | None
) -> None:
    """A release without rules, or none at all, cannot give the examples: exit 1, naming the
    release, and nothing is written."""
    monkeypatch.setattr(examples, "__file__", str(tmp_path / "examples.py"))
    result = CliRunner().invoke(content, ["examples", version])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot make examples from release {version}: ")
    if reason is not None:
        assert result.output == f"Error: cannot make examples from release {version}: {reason}\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("length", "status"), [("abc", 400), ("-5", 400), ("99999999", 413)])
def test_a_body_with_a_wrong_content_length_is_refused_as_a_problem(
    client: FlaskClient, length: str, status: int
) -> None:
    """Bad input never gets a 500: a Content-Length that is not a number, is negative, or is
    larger than the limit gets its 4xx problem, not a routine."""
    response = client.post(
        "/routines",
        data="{}",
        content_type="application/json",
        environ_overrides={"CONTENT_LENGTH": length},
    )
    assert (response.status_code, response.mimetype) == (status, "application/problem+json")


def test_the_access_line_is_written_only_when_gunicorn_keeps_an_access_log() -> None:
    """README: "one access line per request" with gunicorn.conf.py's `accesslog = "-"`;
    without an access log gunicorn writes none, and nor does the JSON logger."""
    environ = {"REQUEST_METHOD": "GET", ROUTE_KEY: "/exercises", REQUEST_ID_KEY: "r"}
    answer = SimpleNamespace(status_code=200, sent=10)
    lines = []
    for accesslog in ("-", None):
        logger, stream = access_logger(accesslog)
        logger.access(answer, None, environ, timedelta(milliseconds=1))
        lines.append(len(stream.getvalue().splitlines()))
    assert lines == [1, 0]


def test_check_prints_each_release_its_counts_and_checksum(client: FlaskClient) -> None:
    """README "Content": `flask content check` prints, per release, "ok", the number of
    entries of each file (counted here from the JSON files) and the checksum that
    /content/releases publishes."""
    result = CliRunner().invoke(content, ["check"])
    assert result.exit_code == 0, result.output
    published = {r["version"]: r["checksum"] for r in client.get("/content/releases").json or []}
    expected = []
    for version in sorted(published, key=lambda v: tuple(map(int, v.split(".")))):
        folder = RELEASES / version
        counts = ", ".join(
            f"{len(json.loads((folder / f'{kind}.json').read_text(encoding='utf-8')))} {kind}"
            for kind in ("exercises", "stretches", "precautions", "guidance", "screening")
        )
        expected.append(f"{version}: ok ({counts}; {published[version]})")
    assert result.output.splitlines() == expected
