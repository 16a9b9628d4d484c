"""Command line: ``flask content check [FOLDER...]`` and ``flask content examples VERSION``.

The check needs no app, so it runs on bad content; it then builds the app on the releases,
exactly as start-up does, so content it accepts also starts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from flask.cli import AppGroup

from .domain import ContentError, IdKeys, load_release, load_releases, version_key

content = AppGroup("content", help="Content release commands.")


@content.command("check", with_appcontext=False)
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
def check(folders: tuple[Path, ...]) -> None:
    """Check release FOLDERS (default: every bundled release); exit 1 on the first error."""
    from .app import create_app

    try:
        if folders:
            loaded = sorted(map(load_release, folders), key=lambda r: version_key(r.version))
            releases = {release.version: release for release in loaded}
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
