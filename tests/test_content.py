"""The releases against their seed article: the ids, equipment and numbers it states, own words."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.domain import LOCK_FILE, Basis, Item, Range, Release, load_releases

from .conftest import RELEASES

SEED = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "seed"
    / "metatarsalgia-exercises-and-stretches.txt"
)
# The seed's runs as hashes, committed so that the check runs where the seed is not beside the
# checkout (CI's clean clone). When the seed changes, rebuild it from the repository root with
#   python -c "from tests.test_content import *; FINGERPRINT.write_text(fingerprint_file())"
FINGERPRINT = Path(__file__).resolve().parent / "data" / "seed-runs.txt"
RUN = 8  # words: longer than the condition's set phrases ("pain in the ball of the foot" is 7)
HASH_CHARS = 16
# Where a published release already holds a run of the seed: releases are never edited, so
# each is listed here, (version, file, path): the runs. A new release adds its own lines only
# for the same reasons.
PUBLISHED_RUNS = {
    # The cited article's title, which is how a citation names it.
    ("1.0.0", "manifest.json", "sources[seed].title"): [
        "say goodbye to metatarsalgia with these exercises stretches"
    ],
    ("1.1.0", "manifest.json", "sources[seed].title"): [
        "say goodbye to metatarsalgia with these exercises stretches"
    ],
    ("1.2.0", "manifest.json", "sources[seed].title"): [
        "say goodbye to metatarsalgia with these exercises stretches"
    ],
    ("1.3.0", "manifest.json", "sources[seed].title"): [
        "say goodbye to metatarsalgia with these exercises stretches"
    ],
    # An attributed claim in the seed's phrase; 1.1.0 rewords both ("take some pressure off").
    ("1.0.0", "guidance.json", "about-metatarsalgia.body[3]"): [
        "reduce pressure on the ball of the foot"
    ],
    ("1.0.0", "stretches.json", "calf-stretch.purpose"): [
        "reduce pressure on the ball of the foot"
    ],
}


def test_ids_are_the_stable_ones(release: Release) -> None:
    """Every entry has the id the design fixes, in the seed's order."""
    assert [item.id for item in release.exercises] == [
        "heel-raises",
        "towel-curls",
        "foot-roll",
        "marble-pick-ups",
        "single-leg-balance",
        "toe-scrunch",
        "heel-walks",
        "toe-spread",
    ]
    assert [item.id for item in release.stretches] == ["toe-stretch", "calf-stretch"]
    assert [entry.id for entry in release.precautions] == [
        "proper-footwear",
        "start-slowly",
        "avoid-high-impact",
        "stretch-before-and-after",
    ]
    assert {entry.id for entry in release.guidance} >= {
        "about-metatarsalgia",
        "exercising-with-metatarsalgia",
        "when-to-see-a-professional",
        "safety-notice",
    }
    assert release.safety_notice.id == "safety-notice"


def test_equipment_groups_follow_the_seed(release: Release) -> None:
    """Foot roll: roller or towel; marbles and a container; towel curls: towel; calf: wall."""
    groups = {item.id: item.equipment for item in (*release.exercises, *release.stretches)}
    assert groups == {
        "heel-raises": (),
        "towel-curls": (("towel",),),
        "foot-roll": (("foam-roller", "towel"),),
        "marble-pick-ups": (("marbles",), ("container",)),
        "single-leg-balance": (),
        "toe-scrunch": (("towel", "cloth"),),
        "heel-walks": (),
        "toe-spread": (("towel", "cloth"),),
        "toe-stretch": (("towel", "cloth"),),
        "calf-stretch": (("wall",),),
    }


def _source_numbers(item: Item) -> dict[str, tuple[int, int]]:
    dosage = item.dosage
    ranges = {
        "sets": dosage.sets,
        "reps": dosage.reps,
        "hold_seconds": dosage.hold_seconds,
        "duration_seconds": dosage.duration_seconds,
    }
    return {
        name: (value.min, value.max)
        for name, value in ranges.items()
        if isinstance(value, Range) and value.basis is Basis.SOURCE
    }


def test_only_numbers_the_seed_states_are_marked_as_the_source(release: Release) -> None:
    """Balance 30 s and stretch holds 15-30 s are the seed's; every other number is a default."""
    marked = {
        item.id: numbers
        for item in (*release.exercises, *release.stretches)
        if (numbers := _source_numbers(item))
    }
    assert marked == {
        "single-leg-balance": {"hold_seconds": (30, 30)},
        "toe-spread": {"hold_seconds": (15, 30)},
        "toe-stretch": {"hold_seconds": (15, 30)},
        "calf-stretch": {"hold_seconds": (15, 30)},
    }
    for item in (*release.exercises, *release.stretches):
        assert item.dosage.rest_seconds.basis is Basis.DEFAULT, item.id
        assert item.dosage.sets.basis is Basis.DEFAULT, item.id


def test_variations_are_only_the_seeds(release: Release) -> None:
    """Eyes closed and unstable surface for balance; circles for heel walks and foot roll."""
    counts = {
        item.id: len(item.variations)
        for item in (*release.exercises, *release.stretches)
        if item.variations
    }
    assert counts == {"single-leg-balance": 2, "heel-walks": 1, "foot-roll": 1}


def test_positions_follow_the_seed(release: Release) -> None:
    """Standing where the seed says stand; the toe work is done seated."""
    standing = {
        item.id for item in (*release.exercises, *release.stretches) if item.position == "standing"
    }
    assert standing == {"heel-raises", "single-leg-balance", "heel-walks", "calf-stretch"}


def test_screening_covers_the_red_flags(release: Release) -> None:
    """The six red flags of the clinical notes are all asked."""
    assert [question.id for question in release.screening] == [
        "recent-injury-or-cannot-bear-weight",
        "swelling-redness-or-warmth",
        "numbness-or-tingling",
        "diabetes-with-foot-pain",
        "exercises-make-pain-worse",
        "severe-or-persistent-pain",
    ]


def _words(text: str) -> list[str]:
    """Lower-case words and numbers; a typographic apostrophe is a plain one."""
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def _runs(text: str) -> Iterator[str]:
    """Every run of RUN words of the text, normalised."""
    words = _words(text)
    for i in range(len(words) - RUN + 1):
        yield " ".join(words[i : i + RUN])


def _hash(run: str) -> str:
    return hashlib.sha256(run.encode("utf-8")).hexdigest()[:HASH_CHARS]


def fingerprint_file(seed: Path = SEED) -> str:
    """The fingerprint file of the seed: a comment, then the sorted hashes of its runs."""
    hashes = sorted({_hash(run) for run in _runs(seed.read_text("utf-8"))})
    header = (
        f"# sha256 of every {RUN}-word run of shared/seed/{seed.name}, first {HASH_CHARS} hex\n"
        "# digits, sorted; words lower-cased, [a-z0-9'] only, joined by one space.\n"
    )
    return header + "".join(f"{line}\n" for line in hashes)


def _fingerprint() -> frozenset[str]:
    lines = FINGERPRINT.read_text("utf-8").splitlines()
    return frozenset(line for line in lines if not line.startswith("#"))


def _strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) of every string in a JSON document; a list item with an id is named by it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for index, element in enumerate(value):
            name = element.get("id") if isinstance(element, dict) else None
            step = f"{name}" if isinstance(name, str) and not path else f"[{name or index}]"
            yield from _strings(element, f"{path}{step}")
    elif isinstance(value, dict):
        for key, element in value.items():
            yield from _strings(element, f"{path}.{key}" if path else key)


def copied_runs(root: Path, fingerprint: frozenset[str]) -> dict[tuple[str, str, str], list[str]]:
    """Every string of every release the loader loads from `root` that holds a run whose hash
    is in the fingerprint: (version, file, path) -> the runs, in the string's order."""
    copied: dict[tuple[str, str, str], list[str]] = {}
    for version in load_releases(root):
        for file in sorted((root / version).glob("*.json")):
            document = json.loads(file.read_text("utf-8"))
            for path, text in _strings(document):
                runs = [run for run in _runs(text) if _hash(run) in fingerprint]
                if runs:
                    copied[(version, file.name, path)] = runs
    return copied


def test_content_is_in_our_own_words() -> None:
    """No string of any release holds a run of eight words of the seed article, but for the
    runs already published, each listed with its reason."""
    assert copied_runs(RELEASES, _fingerprint()) == PUBLISHED_RUNS


def test_the_fingerprint_is_the_seeds() -> None:
    """The committed fingerprint is the one the seed article gives, where the seed is here."""
    if not SEED.exists():
        pytest.skip(f"the seed article is not beside this checkout ({SEED})")
    assert FINGERPRINT.read_text("utf-8") == fingerprint_file()


@pytest.mark.parametrize("version", sorted(load_releases(RELEASES)))
def test_a_run_of_the_seed_pasted_into_any_release_is_found(tmp_path: Path, version: str) -> None:
    """Ten words of the seed pasted into an exercise's summary of a copy of any release are
    reported by the committed fingerprint: three runs of eight, at that string."""
    if not SEED.exists():
        pytest.skip(f"the seed article is not beside this checkout ({SEED})")
    seed = _words(SEED.read_text("utf-8"))
    pasted = " ".join(seed[200:210])
    root = tmp_path / "releases"
    shutil.copytree(RELEASES, root, ignore=shutil.ignore_patterns(LOCK_FILE))  # drafts
    exercises = root / version / "exercises.json"
    items = json.loads(exercises.read_text("utf-8"))
    items[1]["summary"] = f"{items[1]['summary']} Also {pasted}."
    exercises.write_text(json.dumps(items), "utf-8")
    copied = copied_runs(root, _fingerprint())
    assert copied.pop((version, "exercises.json", f"{items[1]['id']}.summary")) == [
        " ".join(seed[200 + i : 200 + i + RUN]) for i in range(3)
    ]
    assert copied == PUBLISHED_RUNS


@pytest.mark.parametrize("version", sorted(load_releases(RELEASES)))
def test_a_run_in_any_string_of_any_release_is_found(tmp_path: Path, version: str) -> None:
    """Without the seed: a fingerprint of a made-up sentence finds it in a note nested in a
    dosage and in a step of a copy of any release, and nowhere else."""
    sentence = "purple otters juggle seven lanterns above the quiet harbour tonight"
    made_up = frozenset(_hash(run) for run in _runs(sentence))
    root = tmp_path / "releases"
    shutil.copytree(RELEASES, root, ignore=shutil.ignore_patterns(LOCK_FILE))  # drafts
    stretches = root / version / "stretches.json"
    items = json.loads(stretches.read_text("utf-8"))
    items[0]["dosage"]["rest_seconds"]["note"] = f"As They Say, {sentence}!"
    items[-1]["steps"][-1] = sentence.upper()
    stretches.write_text(json.dumps(items), "utf-8")
    first, last = items[0]["id"], items[-1]["id"]
    steps = len(items[-1]["steps"]) - 1
    assert copied_runs(root, made_up) == {
        (version, "stretches.json", f"{first}.dosage.rest_seconds.note"): list(_runs(sentence)),
        (version, "stretches.json", f"{last}.steps[{steps}]"): list(_runs(sentence)),
    }
