"""Versions and the rules between releases: the published lock, and declared removals.

Raises ``ContentError`` (a ``ValueError``) naming the file and the release at fault.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping

from .model import Kind, Release, Removed
from .reading import ContentError, Object, Place, parse_json

LOCK_FILE = "releases.lock"  # in the releases folder: the published releases' checksums
VERSION_PATTERN = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


def version_key(version: str) -> tuple[int, ...]:
    """The sort key of a semantic version such as ``1.10.0``."""
    return tuple(int(part) for part in version.split("."))


def is_version(text: str) -> bool:
    """Whether `text` is a release version: three numbers without leading zeros."""
    return VERSION_PATTERN.fullmatch(text) is not None


def read_lock(data: bytes) -> dict[str, str]:
    """The published releases a lock file lists: version to checksum.

    Raises ContentError when the file is not a lock.
    """
    parsed = parse_json(LOCK_FILE, data)
    obj = Object(Place(LOCK_FILE), parsed, "", ("published",))
    published = obj.get("published")
    if not isinstance(published, dict) or not all(
        is_version(version) and isinstance(checksum, str) for version, checksum in published.items()
    ):
        raise ContentError(
            LOCK_FILE, None, "published", "must map each release version to its checksum"
        )
    return dict(published)


def check_lock(file: str, published: Mapping[str, str], releases: Mapping[str, Release]) -> None:
    """Every published release is here, byte for byte. Raises ContentError naming the first
    that is missing or changed."""
    for version, checksum in published.items():
        release = releases.get(version)
        if release is None:
            raise ContentError(file, version, None, "is published, but its folder is missing")
        if release.checksum != checksum:
            raise ContentError(
                file,
                version,
                None,
                f"is published and must never change, but its files did: checksum "
                f"{release.checksum}, published as {checksum}. Put changes in a new release.",
            )


def check_history(releases: Iterable[Release]) -> None:
    """Each release, oldest first, declares the entries it drops from the one before.

    Raises ContentError naming the first that does not.
    """
    for before, after in itertools.pairwise(releases):
        _check_removals(before, after)


def removals(releases: Iterable[Release]) -> dict[str, dict[tuple[Kind, str], Removed]]:
    """For each release (oldest first), the entries an earlier one held and it does not:
    where each was removed and what replaces it there (as that release's manifest says)."""
    found: dict[str, dict[tuple[Kind, str], Removed]] = {}
    gone: dict[tuple[Kind, str], Removed] = {}
    for release in releases:
        declared = {
            (removal.kind, removal.id): Removed(release.version, removal.replaced_by)
            for removal in release.manifest.removed
        }
        gone = {
            key: removed for key, removed in (gone | declared).items() if release.find(*key) is None
        }
        found[release.version] = gone
    return found


def _check_removals(before: Release, after: Release) -> None:
    """An entry of one release that the next drops is declared in the next's `removed`."""
    declared = {(removal.kind, removal.id) for removal in after.manifest.removed}
    for kind in Kind:
        for entry in before.entries(kind):
            if after.find(kind, entry.id) is None and (kind, entry.id) not in declared:
                raise ContentError(
                    f"{after.version}/manifest.json",
                    None,
                    "removed",
                    f"must declare {kind.singular} {entry.id!r}: release {before.version} "
                    "holds it and this one does not",
                )
    for index, removal in enumerate(after.manifest.removed):
        if before.find(removal.kind, removal.id) is None:
            raise ContentError(
                f"{after.version}/manifest.json",
                None,
                f"removed[{index}].id",
                f"names {removal.kind.singular} {removal.id!r}, which release "
                f"{before.version} does not hold",
            )
