"""The API document's examples: answers of one published release, kept in examples.json.

The examples are real answers, so a client generated from the document sees real shapes;
they are read from a file rather than from the content served, so the document changes only
when the API does. `flask content examples VERSION` writes the file anew from a release
(tests check that it still equals what the service answers for that release).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from ..domain import (
    Effort,
    Feedback,
    IdKeys,
    Kind,
    Release,
    decide,
    generate_routine,
    make_patch,
    programme,
    request_for,
)

FILE = "examples.json"
# Routine ids in the examples are made with this key, not the service's: they are
# documentation and decode nowhere.
EXAMPLE_KEYS = IdKeys.parse("example:" + "A" * 86)
EXAMPLE_BASE_URL = "http://127.0.0.1:8000"  # where `make run` serves


@cache
def examples() -> dict[str, Any]:
    """The examples the API document shows, from examples.json beside this module."""
    loaded: dict[str, Any] = json.loads(resources.files(__package__).joinpath(FILE).read_text())
    return loaded


def build(releases: dict[str, Release], version: str) -> dict[str, Any]:
    """The examples from release `version`, as the service answers with it as the latest.

    Raises ValueError for an unknown version or a release that makes no routines.
    """
    from .bundles import bundle_of, diff_of
    from .catalogue import SCHEMAS
    from .releases import manifest, summaries
    from .representations import Store
    from .routine_json import present, present_outcome

    if version not in releases:
        raise ValueError(f"no release {version}; the releases are {', '.join(releases)}")
    served = dict(list(releases.items())[: list(releases).index(version) + 1])
    release = served[version]
    if release.rules is None:
        raise ValueError(f"release {version} makes no routines: examples need one that does")
    store = Store(served, 0)
    default = request_for(release, {})
    since = list(served)[-2] if len(served) > 1 else version
    bundle = bundle_of(store, release, [release.manifest.languages[-1]])
    for content in bundle["content"].values():  # one entry a collection: the example is short
        for kind in Kind:
            content[kind.value] = content[kind.value][:1]
    flag = max(release.screening, key=lambda q: q.urgency.rank if q.urgency else -1)
    ready = present(generate_routine(release, default), release, EXAMPLE_KEYS)
    flagged = request_for(release, {"screening": [flag.id]})
    outcome = decide(release, default, Feedback(1, 1, Effort.RIGHT, completed=True))
    following = generate_routine(release, outcome.next) if outcome.next else None
    return {
        "release": version,
        "language": release.manifest.languages[-1],
        "since": since,
        "ids": {
            **{kind.value: release.entries(kind)[0].id for kind in Kind},
            "equipment": [equipment.id for equipment in release.equipment[:2]],
        },
        "entries": {kind.value: SCHEMAS[kind].dump(release.entries(kind)[0]) for kind in Kind},
        "releases": summaries(served),
        "manifest": manifest(release, release),
        "routine": ready,
        "flagged": present(generate_routine(release, flagged), release, EXAMPLE_KEYS),
        "feedback": present_outcome(outcome, following, release, EXAMPLE_KEYS),
        "bundle": bundle,
        "patch": make_patch(
            bundle_of(store, served[since], list(served[since].manifest.languages)),
            bundle_of(store, release, list(release.manifest.languages)),
        )[:4],
        "diff": diff_of(store, served[since], release),
        "illustration": release.illustrations.get(release.exercises[0].id, b"").decode() or None,
        "fhir": _fhir(release, ready, default),
    }


def _fhir(release: Release, ready: dict[str, Any], default: Any) -> dict[str, Any]:
    """The FHIR examples: the first exercise, the default routine and its programme, as served
    at EXAMPLE_BASE_URL."""
    from .catalogue import SCHEMAS
    from .content_schemas import SourceSchema
    from .fhir import activity_definition, care_plan, plan_definition
    from .routine_json import present_programme

    language = release.language
    weeks = present_programme(ready["id"], programme(release, default), release, EXAMPLE_KEYS)
    return {
        "activity": activity_definition(
            SCHEMAS[Kind.EXERCISE].dump(release.exercises[0]),
            collection=Kind.EXERCISE.value,
            version=release.version,
            language=language,
            base_url=EXAMPLE_BASE_URL,
            sources=SourceSchema(many=True).dump(release.manifest.sources),
        ),
        "plan": plan_definition(
            ready, version=release.version, language=language, base_url=EXAMPLE_BASE_URL
        ),
        "care": care_plan(
            weeks, version=release.version, language=language, base_url=EXAMPLE_BASE_URL
        ),
    }
