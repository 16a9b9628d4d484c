"""What changed between two releases' entries, for people: added, removed, changed by field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LABELS = ("name", "title", "question")  # the field that names an entry to a person


def compare(
    source: Sequence[Mapping[str, Any]],
    target: Sequence[Mapping[str, Any]],
    replaced: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The entries (JSON objects with an `id`) added, removed and changed from `source` to
    `target`, in content order; a removed one lists what replaces it (`replaced`, by id)."""
    before = {entry["id"]: entry for entry in source}
    after = {entry["id"]: entry for entry in target}
    replaced = replaced or {}
    changed = []
    for ident, entry in after.items():
        old = before.get(ident)
        if old is None or old == entry:
            continue
        fields = [
            {"field": key, "from": old.get(key), "to": entry.get(key)}
            for key in [*entry, *(key for key in old if key not in entry)]
            if old.get(key) != entry.get(key)
        ]
        changed.append({**_named(entry), "fields": fields})
    return {
        "added": [_named(entry) for ident, entry in after.items() if ident not in before],
        "removed": [
            {**_named(entry), "replaced_by": list(replaced.get(ident, ()))}
            for ident, entry in before.items()
            if ident not in after
        ],
        "changed": changed,
    }


def _named(entry: Mapping[str, Any]) -> dict[str, Any]:
    label = next((entry[key] for key in LABELS if isinstance(entry.get(key), str)), entry["id"])
    return {"id": entry["id"], "label": label}
