"""Mutation score of service/domain and service/api/problems.py, given only once a plant is caught.

`make mutation` runs this. It copies pyproject.toml, service/ and tests/ into .mutation/, so
that a run of half an hour measures the tree as it was when it started, and runs mutmut 3 there:
mutmut copies the package again into .mutation/mutants/ and runs the fast tests named by
[tool.mutmut] in pyproject.toml against one mutant at a time.

If those tests imported the unmutated package instead (the editable install points at
service/), every mutant would survive, and a broken setup could pass for a result. So a
planted mutant goes first: the mutant of `is_version` that turns `is not None` into `is None`,
which makes every release folder look unversioned, and which the loading tests must catch.
If mutmut does not report it killed, no score is printed and the run fails.

Counting: a mutant is killed when a test failed on it. A timeout counts as killed: mutmut
stops a run after 30 times its covering tests' own time (plus 30 s) in CPU seconds, or half
that in wall time, so only a mutant that spins gets there (the ones seen are ladder loops whose
step was turned round), and such a mutant would hang the suite until CI's time limit failed it.
The timeouts are listed with their diffs, to be checked. Every other verdict (survived, no
tests, suspicious, not checked) is a survivor.

`--keep` reuses .mutation/ after the tests grew: it maps every test to the functions it calls
again, checks mutants of changed code, then re-tests every mutant that was not killed. Adding
tests can only kill more, so the score is the one a fresh run would give, unless a test was
removed or weakened, or the code changed since: then run it fresh.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".mutation"
MUTANTS = WORK / "mutants"
LOG = WORK / "run.log"
SURVIVORS = WORK / "survivors.diff"
COPIED = ("pyproject.toml", "service", "tests")
MUTMUT = Path(sys.executable).with_name("mutmut")
# The planted mutant: found by its diff, wherever `is_version` moves inside the domain.
PLANT_GLOB = "service.domain.*.x_is_version__mutmut_*"
PLANT_REMOVED = "is not None"
PLANT_ADDED = "is None"
KILLED = frozenset({"killed", "timeout"})


def snapshot() -> None:
    """Copy the files mutmut reads into .mutation/, replacing an earlier copy of them."""
    WORK.mkdir(exist_ok=True)
    for name in COPIED:
        target = WORK / name
        if target.is_dir():
            shutil.rmtree(target)
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", "*.pyc")
            shutil.copytree(ROOT / name, target, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, target)


def mutmut(*args: str) -> None:
    """Run mutmut in .mutation/, its output appended to .mutation/run.log; stop if it fails."""
    # mutmut asks git for HEAD only to key its cache; the copy in .mutation/ has no history.
    env = os.environ | {"GIT_DIR": os.devnull}
    with LOG.open("a", encoding="utf-8") as log:
        log.write(f"$ mutmut {' '.join(args)[:200]}\n")
        log.flush()
        code = subprocess.run(
            [str(MUTMUT), *args], cwd=WORK, env=env, stdout=log, stderr=log, check=False
        ).returncode
    if code != 0:
        sys.exit(f"mutmut {args[0]} failed (exit {code}): see {LOG.relative_to(ROOT)}")


def verdicts() -> dict[str, tuple[Path, str]]:
    """Every mutant by name: the source file it mutates and mutmut's verdict on it."""
    found: dict[str, tuple[Path, str]] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        source = meta.relative_to(MUTANTS).with_suffix("")
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        found |= {name: (source, status_by_exit_code[code]) for name, code in codes.items()}
    return found


def diff(name: str, source: Path) -> str:
    """The mutant's change to its function, as mutmut shows it."""
    cwd = Path.cwd()
    os.chdir(WORK)  # mutmut reads the mutated file from mutants/ under the working directory
    try:
        return get_diff_for_mutant(name, path=source)
    finally:
        os.chdir(cwd)


def is_plant(text: str) -> bool:
    """Whether a diff is the planted mutant's: one line's `is not None` become `is None`."""
    lines = text.splitlines()[2:]  # after the --- and +++ headers
    removed = [line[1:] for line in lines if line.startswith("-")]
    added = {line[1:] for line in lines if line.startswith("+")}
    return any(
        old.replace(PLANT_REMOVED, PLANT_ADDED) in added for old in removed if PLANT_REMOVED in old
    )


def check_plant() -> None:
    """Run the planted mutant through mutmut; stop the run unless it is reported killed."""
    mutmut("run", "--max-children", "1", PLANT_GLOB)
    found = verdicts()
    candidates = [name for name in found if fnmatch.fnmatch(name, PLANT_GLOB)]
    plants = [name for name in candidates if is_plant(diff(name, found[name][0]))]
    if len(plants) != 1:
        sys.exit(f"expected one planted mutant of is_version, found {plants} among {candidates}")
    verdict = found[plants[0]][1]
    if verdict != "killed":
        sys.exit(
            f"PLANT CHECK FAILED: {plants[0]} ({PLANT_REMOVED!r} -> {PLANT_ADDED!r}) {verdict}:"
            " the tests did not run against the mutants, so no score is reported."
        )
    print(f"plant check: {plants[0]} ({PLANT_REMOVED!r} -> {PLANT_ADDED!r}) killed")


def report(found: dict[str, tuple[Path, str]]) -> None:
    """Print the mutants not killed, and the timeouts, by verdict and function; write their
    diffs to a file."""
    by_function: dict[str, Counter[str]] = defaultdict(Counter)
    with SURVIVORS.open("w", encoding="utf-8") as out:
        for name, (source, status) in sorted(found.items()):
            if status == "killed":
                continue
            by_function[name.rpartition("__mutmut_")[0]][status] += 1
            out.write(f"# {name}: {status}\n{diff(name, source)}\n\n")
    print("not killed (and timeouts, counted as killed), by function:")
    for function, counts in sorted(by_function.items()):
        print(f"    {function}: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    print(f"their diffs: {SURVIVORS.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="re-test only what was not killed")
    parser.add_argument("--max-children", default="1", help="mutmut workers (default 1)")
    parser.add_argument("--fail-under", type=float, default=85.0, help="lowest passing score")
    args = parser.parse_args()

    started = time.monotonic()
    if not args.keep:
        shutil.rmtree(WORK, ignore_errors=True)
    snapshot()
    LOG.write_text("", encoding="utf-8")
    # Without its record of which test calls which function, mutmut maps all the tests again,
    # changed ones included; the verdicts stay.
    (MUTANTS / "mutmut-stats.json").unlink(missing_ok=True)
    check_plant()
    mutmut("run", "--max-children", args.max_children)
    if args.keep:
        again = [name for name, (_, status) in verdicts().items() if status not in KILLED]
        if again:
            mutmut("run", "--max-children", args.max_children, *again)

    found = verdicts()
    counts = Counter(status for _, status in found.values())
    if counts["not checked"] or not found:
        sys.exit(f"{counts['not checked']} of {len(found)} mutants were not checked: no score")
    report(found)
    killed = sum(counts[status] for status in KILLED)
    print("verdicts: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
    print(f"took {time.monotonic() - started:.0f} s; mutmut's output: {LOG.relative_to(ROOT)}")
    score = 100 * killed / len(found)
    print(f"mutation score: {killed} killed / {len(found)} mutants = {score:.1f}%")
    return 0 if score >= args.fail_under else 1


if __name__ == "__main__":
    sys.exit(main())
