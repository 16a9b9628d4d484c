"""RFC 6902 JSON Patch: the operations that turn one JSON document into another.

Objects are compared key by key. Lists are aligned by difflib on each element's identity (an
object's `id` when it has one, else the element itself), so an entry added in the middle of a
list is one `add`, and an entry whose id stays is patched field by field where it changed.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

Operation = dict[str, Any]


def make_patch(source: Any, target: Any) -> list[Operation]:
    """The operations that, applied in order to `source`, give exactly `target`."""
    operations: list[Operation] = []
    _diff(source, target, "", operations)
    return operations


def pointer(*parts: str | int) -> str:
    """The JSON Pointer (RFC 6901) of a path: `~` and `/` escaped."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _diff(source: Any, target: Any, path: str, operations: list[Operation]) -> None:
    if _same(source, target):
        return
    if isinstance(source, dict) and isinstance(target, dict):
        for key in source:
            if key not in target:
                operations.append({"op": "remove", "path": path + pointer(key)})
        for key, value in target.items():
            if key in source:
                _diff(source[key], value, path + pointer(key), operations)
            else:
                operations.append({"op": "add", "path": path + pointer(key), "value": value})
    elif isinstance(source, list) and isinstance(target, list):
        _diff_list(source, target, path, operations)
    else:
        operations.append({"op": "replace", "path": path, "value": target})


def _diff_list(
    source: list[Any], target: list[Any], path: str, operations: list[Operation]
) -> None:
    matcher = difflib.SequenceMatcher(
        None, [_identity(value) for value in source], [_identity(value) for value in target],
        autojunk=False,
    )  # fmt: skip
    # From the end backwards, so that the indices of what is still to patch do not move.
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            for offset in reversed(range(i2 - i1)):
                _diff(source[i1 + offset], target[j1 + offset], path + pointer(i1 + offset),
                      operations)  # fmt: skip
            continue
        for index in reversed(range(i1, i2)):
            operations.append({"op": "remove", "path": path + pointer(index)})
        for offset, value in enumerate(target[j1:j2]):
            operations.append({"op": "add", "path": path + pointer(i1 + offset), "value": value})


def _identity(value: Any) -> str:
    """What aligns list elements: an entry's id, else the whole element."""
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return f"id:{value['id']}"
    return json.dumps(value, sort_keys=True)


def _same(source: Any, target: Any) -> bool:
    """JSON equality: 1 and 1.0 are equal, true and 1 are not."""
    if isinstance(source, bool) or isinstance(target, bool):
        return source is target
    if type(source) is not type(target) and not (
        isinstance(source, int | float) and isinstance(target, int | float)
    ):
        return False
    return bool(source == target) if not isinstance(source, dict | list) else _deep(source, target)


def _deep(source: Any, target: Any) -> bool:
    if isinstance(source, dict):
        return source.keys() == target.keys() and all(_same(source[k], target[k]) for k in source)
    return len(source) == len(target) and all(map(_same, source, target))
