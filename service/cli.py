"""Command line: ``flask content check|new-release|publish|examples``.

The check needs no app, so it runs on bad content; it then builds the app on the releases,
exactly as start-up does, so content it accepts also starts. ``new-release`` starts a draft
from the latest release; ``publish`` adds a release's checksum to the lock, after which the
loader refuses any change to its files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import click
from flask.cli import AppGroup

from .domain import (
    LOCK_FILE,
    ContentError,
    IdKeys,
    bundled_releases,
    check_history,
    check_lock,
    is_version,
    load_release,
    load_releases,
    read_lock,
    version_key,
)

content = AppGroup("content", help="Content release commands.")


@content.command("check", with_appcontext=False)
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
def check(folders: tuple[Path, ...]) -> None:
    """Check release FOLDERS (default: every bundled release); exit 1 on the first error."""
    from .app import create_app

    try:
        if folders:
            loaded = sorted(map(load_release, folders), key=lambda r: version_key(r.version))
            check_history(loaded)
            releases = {release.version: release for release in loaded}
            for folder in folders:  # a folder beside a lock is held to it, as start-up would
                lock = folder.parent / LOCK_FILE
                if lock.is_file():
                    published = read_lock(lock.read_bytes())
                    mine = {v: c for v, c in published.items() if v == folder.name}
                    check_lock(str(lock), mine, releases)
        else:
            releases = load_releases()
    except ContentError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot read content: {error}") from None
    # Without configured keys, a throwaway key: start-up would make one and warn.
    keys = os.environ.get("ROUTINE_ID_KEYS") or f"check:{IdKeys.new_key()}"
    try:
        create_app({"ROUTINE_ID_KEYS": keys}, releases=releases)
    except Exception as error:
        raise click.ClickException(f"the service would not start: {error!r}") from None
    for release in releases.values():
        counts = ", ".join(f"{count} {kind}" for kind, count in release.counts.items())
        click.echo(f"{release.version}: ok ({counts}; {release.checksum})")


@content.command("examples", with_appcontext=False)
@click.argument("version")
def write_examples(version: str) -> None:
    """Write the API document's examples (service/api/examples.json) from release VERSION."""
    from .api import examples

    try:
        built = examples.build(load_releases(), version)
    except (KeyError, ValueError) as error:
        raise click.ClickException(
            f"cannot make examples from release {version}: {error}"
        ) from None
    target = Path(examples.__file__).with_name(examples.FILE)
    target.write_text(json.dumps(built, ensure_ascii=False, indent=1) + "\n", "utf-8")
    click.echo(f"wrote {target.name} from release {version}")


def _root(root: Path | None) -> Path:
    return Path(str(bundled_releases())) if root is None else root


ROOT = click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    help="The releases folder (default: the bundled one).",
)


@content.command("new-release", with_appcontext=False)
@click.argument("version")
@ROOT
def new_release(version: str, root: Path | None) -> None:
    """Start release VERSION as a copy of the latest, with a manifest stub to fill in."""
    folder = _root(root)
    if not folder.is_dir():
        raise click.ClickException(f"{folder} is not a folder of releases")
    existing = sorted(
        (entry.name for entry in folder.iterdir() if is_version(entry.name)), key=version_key
    )
    if not is_version(version):
        raise click.ClickException(f"{version!r} is not a version such as 1.3.0")
    if not existing:
        raise click.ClickException(f"{folder} holds no release to start from")
    if version_key(version) <= version_key(existing[-1]):
        raise click.ClickException(f"{version} must come after the latest release, {existing[-1]}")
    target = folder / version
    shutil.copytree(folder / existing[-1], target)
    manifest = json.loads((target / "manifest.json").read_text("utf-8"))
    manifest.update(
        version=version,
        released=dt.date.today().isoformat(),
        summary=f"DRAFT: one sentence on what release {version} is.",
        changes=[f"DRAFT: each change since {existing[-1]}, one per line."],
    )
    manifest.pop("removed", None)  # each release declares only what it removes itself
    _write(target / "manifest.json", manifest)
    for translated in sorted((target / "translations").glob("*/manifest.json")):
        stub = json.loads(translated.read_text("utf-8"))
        for key in ("summary", "changes"):
            stub.pop(key, None)  # untranslated until the editor writes them: they fall back
        _write(translated, stub)
    click.echo(
        f"made {target} from {existing[-1]}: edit it, fill in manifest.json, then "
        f"`flask content check` and `flask content publish {version}`"
    )


@content.command("publish", with_appcontext=False)
@click.argument("version")
@ROOT
def publish(version: str, root: Path | None) -> None:
    """Publish release VERSION: check every release, then lock VERSION's checksum."""
    folder = _root(root)
    lock = folder / LOCK_FILE
    try:
        releases = load_releases(folder)
        published = read_lock(lock.read_bytes()) if lock.is_file() else {}
    except ContentError as error:
        raise click.ClickException(str(error)) from None
    if version not in releases:
        raise click.ClickException(f"there is no release {version} in {folder}")
    if version in published:
        click.echo(f"{version} is already published ({published[version]})")
        return
    published[version] = releases[version].checksum
    ordered = dict(sorted(published.items(), key=lambda item: version_key(item[0])))
    _write(lock, {"published": ordered})
    click.echo(f"published {version}: {published[version]}")


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
