"""Translations of a release: which strings are text, and merging a language over the source.

A translation file mirrors the release file it translates but holds only text: entries by
`id`, other lists by position, a list of strings whole. What it leaves out falls back to the
release's first language, and the merge records each such field. Raises ``ContentError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .reading import ContentError, describe

# The keys whose strings (or lists of strings) are text for people; every other string is a
# code, an id, a date or a citation and never translated.
TEXT_KEYS = frozenset(
    {
        "advice",
        "alt",
        "body",
        "cautions",
        "changes",
        "description",
        "incomplete_advice",
        "meaning",
        "name",
        "note",
        "purpose",
        "question",
        "reason",
        "steps",
        "summary",
        "title",
        "unknown_advice",
    }
)
TEXT_MAPS = frozenset({"reasons", "urgency"})  # objects whose every value is text
# Inside a list of sources a title names a published document: it stays as published.
NAMES = {"sources": frozenset({"title"})}
MISSING: Any = object()


class _Merge:
    def __init__(self, file: str) -> None:
        self.file = file
        self.fallbacks: list[tuple[str, ...]] = []

    def error(self, path: tuple[str, ...], problem: str) -> ContentError:
        return ContentError(self.file, path[0] if path else None, "/".join(path[1:]) or None,
                            problem)  # fmt: skip

    def value(self, source: Any, given: Any, path: tuple[str, ...], text: bool, key: str) -> Any:
        if isinstance(source, dict):
            return self.object(source, given, path, key)
        if isinstance(source, list):
            return self.sequence(source, given, path, text, key)
        if isinstance(source, str) and text:
            if given is MISSING:
                self.fallbacks.append(path)
                return source
            if not isinstance(given, str):
                raise self.error(path, f"must be a translated string, got {describe(given)}")
            return given
        if given is not MISSING:
            raise self.error(path, "is not text and cannot be translated")
        return source

    def object(self, source: dict[str, Any], given: Any, path: tuple[str, ...], key: str) -> Any:
        if given is MISSING:
            given = {}
        if not isinstance(given, dict):
            raise self.error(path, f"must be an object, got {describe(given)}")
        for name in given:
            if name not in source:
                raise self.error((*path, name), "is not a key of the translated file")
        names = NAMES.get(key, frozenset())
        return {
            name: self.value(
                value,
                given.get(name, MISSING),
                (*path, name),
                key in TEXT_MAPS or (name in TEXT_KEYS and name not in names),
                name,
            )
            for name, value in source.items()
        }

    def sequence(
        self, source: list[Any], given: Any, path: tuple[str, ...], text: bool, key: str
    ) -> Any:
        if source and all(isinstance(value, str) for value in source) and text:
            if given is MISSING:
                self.fallbacks.append(path)
                return source
            if not (isinstance(given, list) and len(given) == len(source)):
                raise self.error(path, f"must be a list of {len(source)} translated strings")
            if not all(isinstance(value, str) for value in given):
                raise self.error(path, "must hold only strings")
            return given
        if source and all(isinstance(value, dict) and "id" in value for value in source):
            return self.entries(source, given, path, key)
        if given is MISSING:
            given = [MISSING] * len(source)
        if not (isinstance(given, list) and len(given) == len(source)):
            raise self.error(path, f"must be a list of {len(source)} entries, as translated")
        return [
            self.value(value, other, (*path, str(index)), text, key)
            for index, (value, other) in enumerate(zip(source, given, strict=True))
        ]

    def entries(
        self, source: list[dict[str, Any]], given: Any, path: tuple[str, ...], key: str
    ) -> Any:
        if given is MISSING:
            given = []
        if not isinstance(given, list):
            raise self.error(path, f"must be a list of entries, got {describe(given)}")
        by_id: dict[object, Any] = {}
        ids = {value["id"] for value in source}
        for index, entry in enumerate(given):
            ident = entry.get("id") if isinstance(entry, dict) else None
            if ident not in ids or ident in by_id:
                raise self.error((*path, f"#{index + 1}"), "must name, once, an id of the file")
            by_id[ident] = {name: value for name, value in entry.items() if name != "id"}
        return [
            self.object(value, by_id.get(value["id"], MISSING), (*path, value["id"]), key)
            for value in source
        ]


def translate(file: str, source: Any, given: Any) -> tuple[Any, tuple[tuple[str, ...], ...]]:
    """The file's JSON with the translation's text put in, and the paths that fell back.

    A path starts with the entry's id in a file of entries. Raises ContentError when the
    translation names a key or id the file lacks, translates what is not text, or does not
    match the file's shape.
    """
    merge = _Merge(file)
    merged = merge.value(source, given, (), False, "")
    return merged, tuple(merge.fallbacks)


def text_pairs(source: Any, translated: Any) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """Every text string of a file with its counterpart in a merged translation, by path."""
    yield from _pairs(source, translated, (), False, "")


def _pairs(
    source: Any, other: Any, path: tuple[str, ...], text: bool, key: str
) -> Iterator[tuple[tuple[str, ...], str, str]]:
    if isinstance(source, dict):
        names = NAMES.get(key, frozenset())
        for name, value in source.items():
            inner = key in TEXT_MAPS or (name in TEXT_KEYS and name not in names)
            yield from _pairs(value, other[name], (*path, name), inner, name)
    elif isinstance(source, list):
        for index, (value, counterpart) in enumerate(zip(source, other, strict=True)):
            step = value["id"] if isinstance(value, dict) and "id" in value else str(index)
            yield from _pairs(value, counterpart, (*path, step), text, key)
    elif isinstance(source, str) and text:
        yield path, source, other


def skeleton(source: Any, text: bool = False, key: str = "") -> Any:
    """A translation file to fill in: the source's text in the translation's shape."""
    if isinstance(source, dict):
        names = NAMES.get(key, frozenset())
        found = {}
        for name, value in source.items():
            inner = key in TEXT_MAPS or (name in TEXT_KEYS and name not in names)
            made = skeleton(value, inner, name)
            if made is not MISSING:
                found[name] = made
        return found or MISSING
    if isinstance(source, list):
        if source and all(isinstance(value, str) for value in source):
            return list(source) if text else MISSING
        made = [skeleton(value, text, key) for value in source]
        if all(value is MISSING for value in made):
            return MISSING
        if source and all(isinstance(value, dict) and "id" in value for value in source):
            return [
                {"id": value["id"], **found}
                for value, found in zip(source, made, strict=True)
                if found is not MISSING
            ]
        return [{} if value is MISSING else value for value in made]
    return source if isinstance(source, str) and text else MISSING
