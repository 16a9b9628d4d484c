"""Cross-check a built release: every id an entry names exists, every drawing draws an item.

Raises ``ContentError`` (a ``ValueError``) naming the file, the item and the field at fault.
"""

from __future__ import annotations

from collections.abc import Iterable

from .illustrations import ILLUSTRATIONS
from .model import Citation, Kind, Release
from .reading import ContentError, Place


def check_references(folder: str, release: Release) -> None:
    """Every reference of the release resolves; raises ContentError naming the first that
    does not."""
    _check_references(folder, release)
    _check_illustrations(folder, release)


# A flat list of independent checks in the order their errors are reported; split up, they
# would only scatter what one reads down to check a release.
def _check_references(folder: str, release: Release) -> None:  # noqa: C901
    """Every id that one entry names must exist in this release."""
    sources = {source.id for source in release.manifest.sources}
    equipment = {equipment.id for equipment in release.equipment}
    precautions = {precaution.id for precaution in release.precautions}
    guidance = {entry.id for entry in release.guidance}

    def checkcitations(place: Place, path: str, citations: Iterable[Citation]) -> None:
        for index, citation in enumerate(citations):
            if citation.source not in sources:
                raise place.error(
                    f"{path}[{index}].source",
                    f"names source {citation.source!r}, which the manifest does not list",
                )

    for key in ("safety_notice", "professional_advice"):
        name = getattr(release.manifest, key)
        if name not in guidance:
            raise ContentError(
                f"{folder}/manifest.json",
                None,
                key,
                f"names guidance {name!r}, which guidance.json does not hold",
            )
    exercise_ids = {item.id for item in release.exercises}
    for kind, items in ((Kind.EXERCISE, release.exercises), (Kind.STRETCH, release.stretches)):
        for item in items:
            place = Place(f"{folder}/{kind.value}.json", item.id)
            if kind is Kind.STRETCH and item.id in exercise_ids:
                raise place.error("id", "is also the id of an exercise")
            for group_index, group in enumerate(item.equipment):
                for index, name in enumerate(group):
                    if name not in equipment:
                        raise place.error(
                            f"equipment[{group_index}][{index}]",
                            f"names equipment {name!r}, which equipment.json does not hold",
                        )
            for index, name in enumerate(item.precautions):
                if name not in precautions:
                    raise place.error(
                        f"precautions[{index}]",
                        f"names precaution {name!r}, which precautions.json does not hold",
                    )
            checkcitations(place, "sources", item.sources)
            for index, variation in enumerate(item.variations):
                checkcitations(place, f"variations[{index}].sources", variation.sources)
    for kind in (Kind.PRECAUTION, Kind.GUIDANCE, Kind.SCREENING):
        for entry in release.entries(kind):
            place = Place(f"{folder}/{kind.value}.json", entry.id)
            checkcitations(place, "sources", entry.sources)
    _check_removed(folder, release)


def _check_illustrations(folder: str, release: Release) -> None:
    """Each illustration file draws an exercise or a stretch of this release."""
    if not release.illustrations:
        return
    items = {item.id for item in (*release.exercises, *release.stretches)}
    for name in sorted(items - set(release.illustrations)):
        problem = "is missing: every exercise and stretch has an illustration"
        raise ContentError(f"{folder}/{ILLUSTRATIONS}/{name}.svg", None, None, problem)
    for name in sorted(set(release.illustrations) - items):
        raise ContentError(f"{folder}/{ILLUSTRATIONS}/{name}.svg", None, None,
                           "draws no exercise or stretch of this release")  # fmt: skip


def _check_removed(folder: str, release: Release) -> None:
    """A removed entry is gone from the release, and what replaces it is there."""
    place = Place(f"{folder}/manifest.json")
    for index, removal in enumerate(release.manifest.removed):
        if release.find(removal.kind, removal.id) is not None:
            raise place.error(f"removed[{index}].id", f"names {removal.kind.singular} "
                              f"{removal.id!r}, which this release still holds")  # fmt: skip
        for number, name in enumerate(removal.replaced_by):
            if release.find(removal.kind, name) is None:
                raise place.error(
                    f"removed[{index}].replaced_by[{number}]",
                    f"names {removal.kind.singular} {name!r}, which this release does not hold",
                )
