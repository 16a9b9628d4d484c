"""Published releases never change: the lock, `content new-release`, `content publish`, removals."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner, Result

from service import cli
from service.cli import content
from service.domain import ContentError, load_releases

from .conftest import (
    ILLUSTRATIONS,
    LATEST,
    RELEASES,
    english_only,
    illustrations,
    release_checksum,
)

LOCK = "releases.lock"


def by_version(names: list[str]) -> list[str]:
    return sorted(names, key=lambda v: tuple(map(int, v.split("."))))


def folders(root: Path) -> list[str]:
    """The release folders under a releases folder, oldest first."""
    return by_version([path.name for path in root.iterdir() if path.is_dir()])


def checksum(folder: Path) -> str:
    return release_checksum(folder)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by its path relative to the folder."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def invoke(*args: str) -> Result:
    return CliRunner().invoke(content, list(args))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the bundled releases folder, the lock included."""
    copy = tmp_path / "releases"
    shutil.copytree(RELEASES, copy)
    return copy


@pytest.fixture
def unlocked(root: Path) -> Path:
    """A copy of the bundled releases without the lock, so that a published release can be
    edited to test what the loader checks after the lock (the history of removals)."""
    (root / LOCK).unlink()
    return root


@pytest.fixture
def draft(root: Path) -> Path:
    """The copy after `content new-release` of the version after the latest: its folder."""
    result = invoke("new-release", next_version(), "--root", str(root))
    assert result.exit_code == 0, result.output
    return root / next_version()


def next_version() -> str:
    major, minor, _ = map(int, LATEST.split("."))
    return f"{major}.{minor + 1}.0"


# ---- the bundled lock


def test_every_bundled_release_is_published_with_its_checksum() -> None:
    """releases.lock lists every bundled release folder, no other, each with the checksum of
    its files as loaded: no unpublished or edited release ships."""
    published = read_json(RELEASES / LOCK)["published"]
    assert list(published) == folders(RELEASES)
    assert published == {version: checksum(RELEASES / version) for version in folders(RELEASES)}
    loaded = load_releases()
    assert {version: release.checksum for version, release in loaded.items()} == published


# ---- a copy of the bundled releases, with the lock


def test_an_unchanged_copy_of_the_releases_loads(root: Path) -> None:
    """A byte-for-byte copy of the releases folder loads every release with its locked
    checksum."""
    loaded = load_releases(root)
    published = read_json(root / LOCK)["published"]
    assert {version: release.checksum for version, release in loaded.items()} == published


def insert_space_in_first_name(path: Path) -> None:
    """Double the first space of the first entry's name: one byte more, inside a string."""
    text = path.read_text("utf-8")
    name = json.loads(text)[0]["name"]
    assert " " in name
    assert text.count(f'"{name}"') == 1
    path.write_text(text.replace(f'"{name}"', f'"{name.replace(" ", "  ", 1)}"'), "utf-8")


def add_space_between_tokens(path: Path) -> None:
    """One space more between two JSON tokens: the same JSON, one byte more on disk."""
    data = path.read_bytes()
    assert data.startswith(b"[")
    path.write_bytes(b"[ " + data[1:])


@pytest.mark.parametrize(
    ("version", "file", "edit"),
    [
        ("1.1.0", "exercises.json", insert_space_in_first_name),
        ("1.1.0", "exercises.json", add_space_between_tokens),
        ("1.2.0", "translations/es/equipment.json", insert_space_in_first_name),
    ],
    ids=["text", "whitespace", "translation"],
)
def test_a_published_release_changed_by_one_byte_is_refused(
    root: Path, version: str, file: str, edit: Callable[[Path], None]
) -> None:
    """One byte more in any file of a published release, a translation included and even
    where the JSON means the same, is refused naming the release, both checksums and the way
    out (a new release)."""
    published = read_json(root / LOCK)["published"][version]
    edit(root / version / file)
    changed = checksum(root / version)
    assert changed != published
    with pytest.raises(ContentError) as error:
        load_releases(root)
    assert str(error.value) == (
        f"{root}/releases.lock: item '{version}': is published and must never change, but "
        f"its files did: checksum {changed}, published as {published}. "
        "Put changes in a new release."
    )


@pytest.mark.parametrize("version", folders(RELEASES))
def test_a_published_release_whose_folder_is_gone_is_refused(root: Path, version: str) -> None:
    """Deleting a published release's folder, the first, a middle one or the latest, is
    refused naming that release."""
    shutil.rmtree(root / version)
    with pytest.raises(ContentError) as error:
        load_releases(root)
    assert str(error.value) == (
        f"{root}/releases.lock: item '{version}': is published, but its folder is missing"
    )


# ---- content new-release


def test_new_release_copies_the_latest_with_a_manifest_stub(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`content new-release` copies the latest release file for file; only its manifest
    changes: the new version, today's date, DRAFT summary and changes, no `removed` (those
    were the latest's own), and the translated manifests lose their summary and changes."""
    version = next_version()
    # Today is set to the day after the latest release, so that a copied date cannot pass
    # for today's (the latest release may well have been made today).
    released = read_json(RELEASES / LATEST / "manifest.json")["released"]
    today = dt.date.fromisoformat(released) + dt.timedelta(days=1)
    # The stub drops the latest's `removed`: give the copy's latest one if it declares none
    # (new-release copies files and loads nothing, so the made-up id is never checked).
    latest_manifest = read_json(root / LATEST / "manifest.json")
    if not latest_manifest.get("removed"):
        removal = {"kind": "exercises", "id": "a-removed-exercise", "replaced_by": []}
        write_json(root / LATEST / "manifest.json", latest_manifest | {"removed": [removal]})

    class Today(dt.date):
        @classmethod
        def today(cls) -> Today:
            return cls(today.year, today.month, today.day)

    monkeypatch.setattr(cli, "dt", SimpleNamespace(date=Today))
    result = invoke("new-release", version, "--root", str(root))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"made {root / version} from {LATEST}: edit it, fill in manifest.json, then "
        f"`flask content check` and `flask content publish {version}`\n"
    )
    assert folders(root) == [*folders(RELEASES), version]
    latest, made = files_under(root / LATEST), files_under(root / version)
    assert sorted(made) == sorted(latest)
    manifests = ["manifest.json", "translations/es/manifest.json"]
    assert {name: data for name, data in made.items() if name not in manifests} == {
        name: data for name, data in latest.items() if name not in manifests
    }
    manifest = read_json(root / version / "manifest.json")
    expected = read_json(root / LATEST / "manifest.json") | {
        "version": version,
        "released": today.isoformat(),
        "summary": f"DRAFT: one sentence on what release {version} is.",
        "changes": [f"DRAFT: each change since {LATEST}, one per line."],
    }
    del expected["removed"]
    assert manifest == expected
    assert "removed" not in manifest
    spanish = read_json(RELEASES / LATEST / "translations/es/manifest.json")
    del spanish["summary"], spanish["changes"]
    assert read_json(root / version / "translations/es/manifest.json") == spanish
    assert (root / LOCK).read_bytes() == (RELEASES / LOCK).read_bytes()


def test_a_new_release_loads_as_a_draft_whose_spanish_manifest_falls_back(draft: Path) -> None:
    """The releases load with the draft, which the lock does not list; its Spanish summary
    and changes, left untranslated, fall back to the English stub, and nothing else does."""
    loaded = load_releases(draft.parent)
    assert list(loaded) == [*folders(RELEASES), draft.name]
    assert draft.name not in read_json(draft.parent / LOCK)["published"]
    release = loaded[draft.name]
    spanish = release.in_language("es")
    assert spanish.fallbacks == ("manifest/summary", "manifest/changes")
    assert spanish.manifest.summary == release.manifest.summary
    assert spanish.manifest.summary == f"DRAFT: one sentence on what release {draft.name} is."
    assert release.fallbacks == ()


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (LATEST, f"{LATEST} must come after the latest release, {LATEST}"),
        ("1.1.0", f"1.1.0 must come after the latest release, {LATEST}"),
        ("1.1.9", f"1.1.9 must come after the latest release, {LATEST}"),
        ("1.3", "'1.3' is not a version such as 1.3.0"),
        ("1.03.0", "'1.03.0' is not a version such as 1.3.0"),
        ("v1.3.0", "'v1.3.0' is not a version such as 1.3.0"),
    ],
    ids=["latest", "existing", "before-latest", "two-parts", "leading-zero", "prefixed"],
)
def test_new_release_refuses_a_version_not_after_the_latest(
    root: Path, version: str, message: str
) -> None:
    """`content new-release` refuses an existing version, one before the latest and a
    malformed one, saying why, and makes no folder."""
    result = invoke("new-release", version, "--root", str(root))
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert files_under(root) == files_under(RELEASES)


# ---- content publish


def test_publish_locks_the_draft_checksum(draft: Path) -> None:
    """`content publish` adds the release's checksum to the lock, in version order, and keeps
    the releases already published."""
    root, version = draft.parent, draft.name
    locked = checksum(draft)
    result = invoke("publish", version, "--root", str(root))
    assert (result.exit_code, result.output) == (0, f"published {version}: {locked}\n")
    published = read_json(RELEASES / LOCK)["published"]
    lock = read_json(root / LOCK)
    assert lock == {"published": {**published, version: locked}}
    assert list(lock["published"]) == [*folders(RELEASES), version]
    assert load_releases(root)[version].checksum == locked


def test_publishing_twice_says_it_is_already_published(draft: Path) -> None:
    """A second `content publish` of the same release changes nothing and says it is
    already published, with its checksum."""
    root, version = draft.parent, draft.name
    assert invoke("publish", version, "--root", str(root)).exit_code == 0
    lock = (root / LOCK).read_bytes()
    result = invoke("publish", version, "--root", str(root))
    assert (result.exit_code, result.output) == (
        0,
        f"{version} is already published ({checksum(draft)})\n",
    )
    assert (root / LOCK).read_bytes() == lock


def test_a_published_draft_can_no_longer_change(draft: Path) -> None:
    """A draft can be edited until it is published; after `content publish`, the same edit
    makes loading fail."""
    root, version = draft.parent, draft.name
    path = draft / "manifest.json"
    manifest = read_json(path)
    stub = manifest["summary"]
    manifest["summary"] = "Fourth release."
    write_json(path, manifest)
    assert load_releases(root)[version].manifest.summary == "Fourth release."
    assert invoke("publish", version, "--root", str(root)).exit_code == 0
    locked = checksum(draft)
    manifest["summary"] = stub
    write_json(path, manifest)
    with pytest.raises(ContentError) as error:
        load_releases(root)
    assert str(error.value) == (
        f"{root}/releases.lock: item '{version}': is published and must never change, but "
        f"its files did: checksum {checksum(draft)}, published as {locked}. "
        "Put changes in a new release."
    )


def test_publish_refuses_a_release_that_is_not_there(root: Path) -> None:
    """`content publish` of a version with no folder exits 1 naming it, and leaves the lock."""
    result = invoke("publish", "9.9.9", "--root", str(root))
    assert (result.exit_code, result.output) == (1, f"Error: there is no release 9.9.9 in {root}\n")
    assert (root / LOCK).read_bytes() == (RELEASES / LOCK).read_bytes()


def test_publish_refuses_while_a_published_release_has_changed(draft: Path) -> None:
    """`content publish` checks every release first: an edited published release stops it
    with the loader's message, and the draft stays unpublished."""
    root, version = draft.parent, draft.name
    published = read_json(root / LOCK)["published"]["1.1.0"]
    add_space_between_tokens(root / "1.1.0" / "exercises.json")
    result = invoke("publish", version, "--root", str(root))
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {root}/releases.lock: item '1.1.0': is published and must never change, but "
        f"its files did: checksum {checksum(root / '1.1.0')}, published as {published}. "
        "Put changes in a new release.\n",
    )
    assert (root / LOCK).read_bytes() == (RELEASES / LOCK).read_bytes()


# ---- removals: each release declares what it drops from the one before


def first_exercise(folder: Path) -> str:
    identifier: str = read_json(folder / "exercises.json")[0]["id"]
    return identifier


def drop_first_exercise(folder: Path) -> str:
    """Remove the first exercise from a release folder; its id."""
    # The Spanish exercises.json translates that exercise by id, and would be refused for
    # naming an id its file lacks before the history is checked: English only, the release
    # drops the entry and nothing else.
    english_only(folder)
    exercises = read_json(folder / "exercises.json")
    dropped: str = exercises.pop(0)["id"]
    write_json(folder / "exercises.json", exercises)
    # A release with illustrations draws each of its items and nothing else: its drawing goes.
    drawing = illustrations(folder).get(dropped)
    if (folder / ILLUSTRATIONS).is_dir():
        assert drawing is not None
        drawing.unlink()
    return dropped


def declare(folder: Path, *removals: dict[str, Any]) -> int:
    """Append removals to a release's manifest; the index of the first."""
    manifest = read_json(folder / "manifest.json")
    manifest.setdefault("removed", [])
    index = len(manifest["removed"])
    manifest["removed"] += removals
    write_json(folder / "manifest.json", manifest)
    return index


def test_dropping_an_entry_without_declaring_it_is_refused(unlocked: Path) -> None:
    """A release that drops an entry of the release before, without declaring it in
    `removed`, is refused naming the entry and both releases."""
    previous = folders(unlocked)[-2]
    dropped = drop_first_exercise(unlocked / LATEST)
    with pytest.raises(ContentError) as error:
        load_releases(unlocked)
    assert str(error.value) == (
        f"{LATEST}/manifest.json: field 'removed': must declare exercise {dropped!r}: "
        f"release {previous} holds it and this one does not"
    )


def test_dropping_an_entry_and_declaring_it_loads(unlocked: Path) -> None:
    """The same drop, declared with an exercise that replaces it, loads: the refusal above
    is about the missing declaration only."""
    folder = unlocked / LATEST
    dropped = drop_first_exercise(folder)
    replacement = first_exercise(folder)
    declare(folder, {"kind": "exercises", "id": dropped, "replaced_by": [replacement]})
    release = load_releases(unlocked)[LATEST]
    assert [(r.kind.value, r.id, r.replaced_by) for r in release.manifest.removed][-1] == (
        "exercises",
        dropped,
        (replacement,),
    )


def test_declaring_an_entry_the_previous_release_lacked_is_refused(unlocked: Path) -> None:
    """A removal of an id that the release before does not hold is refused: a release
    declares only what it drops itself."""
    previous = folders(unlocked)[-2]
    index = declare(unlocked / LATEST, {"kind": "exercises", "id": "never-was", "replaced_by": []})
    with pytest.raises(ContentError) as error:
        load_releases(unlocked)
    assert str(error.value) == (
        f"{LATEST}/manifest.json: field 'removed[{index}].id': names exercise 'never-was', "
        f"which release {previous} does not hold"
    )


def test_a_replacement_the_release_lacks_is_refused(unlocked: Path) -> None:
    """A removal replaced by an id the release does not hold is refused, naming the
    position of that id."""
    folder = unlocked / LATEST
    dropped = drop_first_exercise(folder)
    index = declare(
        folder,
        {"kind": "exercises", "id": dropped, "replaced_by": [first_exercise(folder), "never-was"]},
    )
    with pytest.raises(ContentError) as error:
        load_releases(unlocked)
    assert str(error.value) == (
        f"{LATEST}/manifest.json: field 'removed[{index}].replaced_by[1]': names exercise "
        "'never-was', which this release does not hold"
    )


def test_declaring_an_entry_the_release_still_holds_is_refused(unlocked: Path) -> None:
    """A removal of an id the release still holds is refused: it is not removed."""
    folder = unlocked / LATEST
    kept = first_exercise(folder)
    index = declare(folder, {"kind": "exercises", "id": kept, "replaced_by": []})
    with pytest.raises(ContentError) as error:
        load_releases(unlocked)
    assert str(error.value) == (
        f"{LATEST}/manifest.json: field 'removed[{index}].id': names exercise {kept!r}, "
        "which this release still holds"
    )


def test_checking_named_folders_holds_them_to_the_lock_beside_them(root: Path) -> None:
    """`content check FOLDER...` refuses a published folder whose files changed, as start-up
    would, naming the lock; the other folders need not be named."""
    published = read_json(root / LOCK)["published"]["1.1.0"]
    insert_space_in_first_name(root / "1.1.0" / "exercises.json")
    result = invoke("check", str(root / "1.0.0"), str(root / "1.1.0"))
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {root}/releases.lock: item '1.1.0': is published and must never change, but "
        f"its files did: checksum {checksum(root / '1.1.0')}, published as {published}. "
        "Put changes in a new release.\n",
    )
    assert invoke("check", str(root / "1.0.0")).exit_code == 0


def test_new_release_in_a_folder_that_is_not_there_says_so(tmp_path: Path) -> None:
    """`content new-release --root` of a missing folder exits 1 with a message, no traceback."""
    missing = tmp_path / "nowhere"
    result = invoke("new-release", "9.0.0", "--root", str(missing))
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {missing} is not a folder of releases\n",
    )
