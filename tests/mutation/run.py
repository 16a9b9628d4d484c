"""Mutation score of service/domain and service/api/problems.py, given only once a plant is caught.

`make mutation` runs this. mutmut 3 copies the package into mutants/ and runs the fast tests
named by [tool.mutmut] in pyproject.toml against one mutant at a time. If those tests imported
the unmutated package instead (the editable install points at service/), every mutant would
survive or, worse, a broken setup could look like a result. So a planted mutant goes first: the
mutant of `is_version` that turns `is not None` into `is None`, which makes every release folder
look unversioned and that the loading tests must catch. If it is not reported killed, no score
is printed and the run fails.

Counting: a mutant is killed when a test failed on it. A timeout counts as killed: mutmut's limit
is CPU seconds (RLIMIT_CPU, 30 times the covering tests' own time plus a constant), so a busy
machine does not cause one, and a mutant that spins that long would hang the suite until CI's time
limit failed it. Every other outcome (survived, no tests, suspicious, not checked) is a survivor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = ROOT / "mutants"
LOG = MUTANTS / "run.log"
MUTMUT = Path(sys.executable).with_name("mutmut")
# The planted mutant: found by its diff, wherever the lead moves `is_version` in the domain.
PLANT_GLOB = "service.domain.*.x_is_version__mutmut_*"
PLANT_REMOVED = "is not None"
PLANT_ADDED = "is None"
KILLED = frozenset({"killed", "timeout"})


def mutmut(*args: str) -> subprocess.CompletedProcess[str]:
    """Run mutmut in the project root, its output appended to mutants/run.log."""
    # mutmut asks git for HEAD only to key its cache; every score here comes from a fresh copy.
    env = os.environ | {"GIT_DIR": os.devnull}
    result = subprocess.run(
        [str(MUTMUT), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    with LOG.open("a", encoding="utf-8") as log:
        log.write(f"$ mutmut {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    return result


def statuses() -> dict[str, str]:
    """Every mutant's name and mutmut's verdict on it, from the .meta files mutmut writes."""
    found: dict[str, str] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        found |= {name: status_by_exit_code[code] for name, code in codes.items()}
    return found


def is_plant(diff: str) -> bool:
    """Whether a mutant's diff is the planted one: a line's `is not None` become `is None`."""
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and "---" not in line]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and "+++" not in line]
    return any(
        old.replace(PLANT_REMOVED, PLANT_ADDED) == new
        for old in removed
        if PLANT_REMOVED in old
        for new in added
    )


def check_plant() -> None:
    """Run the planted mutant through mutmut; stop the run unless it is reported killed."""
    result = mutmut("run", "--max-children", "1", PLANT_GLOB)
    if result.returncode != 0:
        sys.exit(f"mutmut could not run the planted mutant (exit {result.returncode}); see {LOG}")
    candidates = [name for name in statuses() if name.split(".")[-1].startswith("x_is_version__")]
    plants = [name for name in candidates if is_plant(mutmut("show", name).stdout)]
    if len(plants) != 1:
        sys.exit(f"expected one planted mutant of is_version, found {plants} among {candidates}")
    verdict = statuses()[plants[0]]
    if verdict != "killed":
        sys.exit(
            f"PLANT CHECK FAILED: {plants[0]} ({PLANT_REMOVED!r} -> {PLANT_ADDED!r}) was {verdict}."
            " The tests did not run against mutants/: no score is reported."
        )
    print(f"plant check: {plants[0]} ({PLANT_REMOVED!r} -> {PLANT_ADDED!r}) killed")


def survivors_by_kind(found: dict[str, str]) -> dict[str, list[str]]:
    """Mutants not killed, grouped by verdict, each named by its module and function."""
    kinds: dict[str, list[str]] = defaultdict(list)
    for name, status in sorted(found.items()):
        if status not in KILLED:
            kinds[status].append(name)
    return kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ and its verdicts")
    parser.add_argument("--max-children", default="1", help="mutmut workers (default 1)")
    parser.add_argument("--fail-under", type=float, default=85.0, help="lowest passing score")
    args = parser.parse_args()

    started = time.monotonic()
    if not args.keep:
        shutil.rmtree(MUTANTS, ignore_errors=True)
    MUTANTS.mkdir(exist_ok=True)
    LOG.write_text("", encoding="utf-8")
    check_plant()
    result = mutmut("run", "--max-children", args.max_children)
    if result.returncode != 0:
        sys.exit(f"mutmut run failed (exit {result.returncode}); see {LOG}")

    found = statuses()
    counts = Counter(found.values())
    killed = sum(counts[status] for status in KILLED)
    total = len(found)
    if counts["not checked"] or not total:
        sys.exit(f"{counts['not checked']} of {total} mutants were not checked: no score")
    for status, names in survivors_by_kind(found).items():
        print(f"{status} ({len(names)}):")
        for name in names:
            print(f"    {name}")
    print("verdicts: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
    print(f"took {time.monotonic() - started:.0f} s; mutmut's output is in {LOG.relative_to(ROOT)}")
    score = 100 * killed / total
    print(f"mutation score: {killed} killed / {total} mutants = {score:.1f}%")
    return 0 if score >= args.fail_under else 1


if __name__ == "__main__":
    sys.exit(main())
