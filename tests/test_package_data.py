"""Every file the service reads at run time ships in its wheel (pyproject's package-data)."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_data_file_of_the_package_is_in_package_data() -> None:
    """A file under service/ that is not Python (content, examples.json, templates, static
    assets) matches a package-data pattern, or the wheel and the Docker image lack it: the
    image refused to start without api/examples.json until this test."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["service"]
    tracked = subprocess.run(
        ["git", "ls-files", "service"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    data = [Path(name).relative_to("service").as_posix() for name in tracked]
    data = [name for name in data if not name.endswith(".py")]
    assert data  # the releases at least
    missing = [
        name for name in data if not any(_glob(pattern).fullmatch(name) for pattern in patterns)
    ]
    assert missing == []


def _glob(pattern: str) -> re.Pattern[str]:
    """A package-data glob as setuptools reads it: `*` stays within one folder."""
    return re.compile("[^/]*".join(map(re.escape, pattern.split("*"))))
