"""Serve an exercise's or a stretch's drawing: the release's SVG bytes, as they were checked."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response

from ..domain import Kind
from .problems import fail
from .representations import Representation, current_store, release_headers, send

SVG = "image/svg+xml"


def illustration_response(kind: Kind, args: dict[str, Any], entry_id: str) -> Response:
    """The drawing of one item of the release the request reads: 404 when the item is unknown
    or its release has no drawings (410 when removed). Cached a year when pinned. A drawing
    holds no words, so it has no Content-Language and does not vary by language."""
    store = current_store()
    resolved = store.resolve(args.get("content_version"), None)
    release = resolved.release
    if release.find(kind, entry_id) is None:
        store.missing(release, kind, entry_id)
    data = release.illustrations.get(entry_id)
    if data is None:
        fail(
            404,
            f"Content release {release.version} has no illustrations; they start with a later "
            "release (see /content/releases).",
            headers={"Content-Version": release.version},
        )

    def build() -> Representation:
        digest = hashlib.blake2b(release.version.encode() + b"\0" + data, digest_size=16)
        return Representation(data, f'"{digest.hexdigest()}"')

    found = store.once((release.version, "svg", kind, entry_id), build)
    headers = [
        (name, value)
        for name, value in release_headers(store, release, pinned=resolved.pinned)
        if name != "Content-Language"
    ]
    return send(found, mimetype=SVG, headers=headers)
