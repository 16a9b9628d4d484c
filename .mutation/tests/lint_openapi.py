"""Lints the served OpenAPI document with a pinned Redocly CLI: any error or warning fails.

    .venv/bin/python tests/lint_openapi.py

tests/test_openapi.py runs the same check in `make test`. It needs Node.js in the range the
pinned CLI declares (NODE_RANGE) and npx; the first run downloads the CLI from npm. The rules
are redocly.yaml's, at the root of the repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REDOCLY = "@redocly/cli@2.77.0"
# The `engines.node` of @redocly/cli 2.77.0: ">=22.12.0 || >=20.19.0 <21.0.0".
NODE_RANGE = ">=20.19.0 <21 or >=22.12.0"
# A cold npm cache downloads the CLI first.
TIMEOUT_SECONDS = 300


class LintUnavailable(Exception):
    """The linter could not run: Node.js or npx missing or too old, or the CLI not fetched."""


def node_problem(version: str | None) -> str | None:
    """Why `node --version` output cannot run the pinned CLI, or None when it can."""
    if version is None:
        return f"Node.js is not installed (or not on PATH); {REDOCLY} needs Node.js {NODE_RANGE}."
    match = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)", version.strip())
    if match is None:
        return f"cannot read the Node.js version {version.strip()!r}; {REDOCLY} needs {NODE_RANGE}."
    major, minor, patch = (int(part) for part in match.groups())
    if (major == 20 and (minor, patch) >= (19, 0)) or (major, minor) >= (22, 12):
        return None
    return f"Node.js {version.strip()} is not supported by {REDOCLY}, which needs {NODE_RANGE}."


def _node_version() -> str | None:
    node = shutil.which("node")
    if node is None:
        return None
    return subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout


def lint(spec: dict[str, Any]) -> dict[str, Any]:
    """Redocly's JSON report on `spec`: {"totals": {"errors", "warnings", "ignored"}, "problems"}.

    Raises LintUnavailable when Node.js or npx is missing or too old, or the CLI cannot run.
    """
    problem = node_problem(_node_version())
    if problem is not None:
        raise LintUnavailable(problem)
    npx = shutil.which("npx")
    if npx is None:
        raise LintUnavailable(f"npx is not on PATH; it comes with npm, which {REDOCLY} needs.")
    env = {
        **os.environ,
        "REDOCLY_TELEMETRY": "off",
        "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
        "NO_UPDATE_NOTIFIER": "1",
    }
    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / "openapi.json"
        document.write_text(json.dumps(spec), encoding="utf-8")
        try:
            run = subprocess.run(
                [
                    npx,
                    "--yes",
                    REDOCLY,
                    "lint",
                    str(document),
                    f"--config={ROOT / 'redocly.yaml'}",
                    "--lint-config=error",
                    "--format=json",
                    "--max-problems=1000",
                ],
                capture_output=True,
                text=True,
                env=env,
                cwd=folder,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise LintUnavailable(
                f"{REDOCLY} did not finish in {TIMEOUT_SECONDS} s (npm registry unreachable?)"
            ) from None
    try:
        report: dict[str, Any] = json.loads(run.stdout)
    except json.JSONDecodeError:
        raise LintUnavailable(
            f"{REDOCLY} gave no report (exit {run.returncode}); its output:\n"
            f"{run.stdout}{run.stderr}"
        ) from None
    return report


def problems(report: dict[str, Any]) -> list[str]:
    """One line per error or warning: severity, rule, JSON pointer, message."""
    return [
        f"{problem['severity']} {problem['ruleId']} at "
        f"{problem['location'][0]['pointer'] if problem['location'] else '#'}: "
        f"{problem['message']}"
        for problem in report["problems"]
        if problem["severity"] in ("error", "warn")
    ]


def served_spec() -> dict[str, Any]:
    """The document the app serves at /openapi.json."""
    from service.app import create_app

    response = create_app().test_client().get("/openapi.json")
    document: dict[str, Any] = json.loads(response.get_data(as_text=True))
    return document


def main() -> int:
    try:
        report = lint(served_spec())
    except LintUnavailable as error:
        print(f"lint_openapi FAILED, nothing was checked: {error}", file=sys.stderr)
        return 2
    found = problems(report)
    for line in found:
        print(line, file=sys.stderr)
    totals = report["totals"]
    if found:
        print(
            f"lint_openapi FAILED: {totals['errors']} errors, {totals['warnings']} warnings "
            f"under redocly.yaml ({REDOCLY}).",
            file=sys.stderr,
        )
        return 1
    print(f"lint_openapi: 0 errors, 0 warnings ({REDOCLY}, {totals['ignored']} ignored).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
