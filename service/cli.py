"""Command line: ``flask content check [FOLDER...]``; needs no app, so it runs on bad content."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .domain import ContentError, load_release, load_releases

content = AppGroup("content", help="Content release commands.")


@content.command("check", with_appcontext=False)
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
def check(folders: tuple[Path, ...]) -> None:
    """Check release FOLDERS (default: every bundled release); exit 1 on the first error."""
    try:
        releases = [load_release(folder) for folder in folders] or list(load_releases().values())
    except ContentError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot read content: {error}") from None
    for release in releases:
        counts = ", ".join(f"{count} {kind}" for kind, count in release.counts.items())
        click.echo(f"{release.version}: ok ({counts}; {release.checksum})")
