"""Content responses: serialised once per release and representation, then served as bytes.

Releases are immutable, so a representation (body, ETag, headers) never changes once built:
the hot path looks it up and the 304 path does no serialisation at all.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import brotli
import orjson
from flask import Response, current_app, request

from ..domain import Filters, Kind, Release, Removed, paginate, removals, select
from ..fastpath import CACHEABLE_KEY, best_coding
from .languages import choose_language
from .problems import fail

JSON = "application/json"
CONTENT_VARY = "Accept-Encoding, Accept-Language"
ACCEPT_VARY = CONTENT_VARY + ", Accept"  # where Accept chooses JSON or FHIR (negotiation.py)
FALLBACK_HEADER = "Language-Fallback"
PINNED_MAX_AGE = 365 * 24 * 3600
ROUTINE_CACHE_BYTES = 2 * 1024 * 1024  # per worker: distinct routines must not grow memory
# Best first. Content representations are compressed once per release and kept, so they take
# the smallest output; one built per request (a new routine) takes an encoder about thirty
# times faster for 1% more bytes (brotli 9: 4.8 ms a routine, brotli 5: 0.15 ms).
ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "br": lambda body: brotli.compress(body, quality=9),
    "gzip": lambda body: gzip.compress(body, compresslevel=9, mtime=0),
}
PER_REQUEST_ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "br": lambda body: brotli.compress(body, quality=5),
    "gzip": lambda body: gzip.compress(body, compresslevel=6, mtime=0),
}


@dataclass(frozen=True, slots=True)
class Representation:
    """A response body read from a release: its bytes, strong ETag and headers."""

    body: bytes
    etag: str  # quoted, strong
    headers: tuple[tuple[str, str], ...] = ()
    per_request: bool = False  # built for one request: compressed fast rather than small
    _encoded: dict[str, tuple[bytes, str]] = field(default_factory=dict, compare=False, repr=False)

    def encoded(self, coding: str) -> tuple[bytes, str]:
        """The body compressed with `coding`, and its own strong ETag; compressed once."""
        found = self._encoded.get(coding)
        if found is None:
            encoders = PER_REQUEST_ENCODERS if self.per_request else ENCODERS
            found = self._encoded[coding] = (
                encoders[coding](self.body),
                f'{self.etag[:-1]}-{coding}"',
            )
        return found


def to_json(data: Any) -> bytes:
    """Compact UTF-8 JSON, keys in schema order: the bytes of the standard library's
    json.dumps(data, ensure_ascii=False, separators=(",", ":")), four times faster."""
    return orjson.dumps(data)


def represent(
    release: Release,
    data: Any,
    headers: Sequence[tuple[str, str]] = (),
    *,
    per_request: bool = False,
) -> Representation:
    """The representation of data from a release, with a strong ETag over release and bytes.

    `per_request`: built for a request (a routine) rather than once per release.
    """
    body = to_json(data)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{release.checksum}\0{release.language}".encode())
    for name, value in headers:
        digest.update(f"\0{name}:{value}".encode())
    digest.update(b"\0")
    digest.update(body)
    return Representation(body, f'"{digest.hexdigest()}"', tuple(headers), per_request)


@dataclass(frozen=True, slots=True)
class Resolved:
    """The release a request reads, and whether the request named it (pinned)."""

    release: Release
    pinned: bool


class Store:
    """The loaded releases and their cached representations, for one app."""

    def __init__(self, releases: dict[str, Release], latest_max_age: int) -> None:
        self.releases = releases
        self.latest = list(releases.values())[-1]
        self.latest_max_age = latest_max_age
        self._dumped: dict[tuple[str, str, Kind], list[dict[str, Any]]] = {}
        self.listing = functools.lru_cache(maxsize=4096)(self._listing)
        self._routines: OrderedDict[tuple[str, str, object], Representation] = OrderedDict()
        self._routine_bytes = 0
        self._routines_lock = threading.Lock()
        self._once: dict[object, Representation] = {}
        self.removed: dict[str, dict[tuple[Kind, str], Removed]] = removals(releases.values())

    def once(self, key: object, build: Callable[[], Representation]) -> Representation:
        """The representation built for `key`, built on first use and kept."""
        found = self._once.get(key)
        if found is None:
            found = self._once[key] = build()
        return found

    def routine(
        self, release: Release, key: object, build: Callable[[], Representation]
    ) -> Representation:
        """A routine's (or programme's) representation, built once per release and key.

        The most recently used are kept, up to ROUTINE_CACHE_BYTES of bodies.
        """
        cache_key = (*release.edition, key)
        with self._routines_lock:
            found = self._routines.get(cache_key)
            if found is not None:
                self._routines.move_to_end(cache_key)
        if found is None:
            found = build()  # outside the lock: generation is pure, a race only repeats it
            with self._routines_lock:
                if cache_key not in self._routines:
                    self._routines[cache_key] = found
                    self._routine_bytes += len(found.body)
                while self._routine_bytes > ROUTINE_CACHE_BYTES:
                    _, dropped = self._routines.popitem(last=False)
                    self._routine_bytes -= len(dropped.body)
        return found

    def resolve(self, version: str | None, lang: str | None = None) -> Resolved:
        """The release a request asks for (the latest when it names none), in the language
        it asks for (`lang`, else its Accept-Language), and whether pinned.

        Aborts with 404, listing the available versions, when the version is unknown, and
        with 422 when `lang` is not a language of the release.
        """
        release = self.release(version)
        if release is None:
            available = ", ".join(self.releases)
            fail(
                404,
                f"Content version {version!r} is not available. Available versions: {available}.",
            )
        language = choose_language(
            release.manifest.languages, lang, request.headers.get("Accept-Language"),
            f"Release {release.version} is",
        )  # fmt: skip
        return Resolved(release.in_language(language), version is not None)

    def release(self, version: str | None) -> Release | None:
        """The release a request asks for (the latest when it names none), or None."""
        return self.latest if version is None else self.releases.get(version)

    def dumped(self, release: Release, kind: Kind, dump: Callable[[Any], Any]) -> list[Any]:
        """Every entry of a kind, dumped once per release."""
        key = (*release.edition, kind)
        if key not in self._dumped:
            self._dumped[key] = [dump(entry) for entry in release.entries(kind)]
        return self._dumped[key]

    def entity(
        self, release: Release, kind: Kind, entry_id: str, dump: Callable[[Any], Any]
    ) -> Representation:
        """The representation of one entry. Aborts with 404 when the release has no such entry."""

        def build() -> Representation:
            entry = release.find(kind, entry_id)
            if entry is None:
                self.missing(release, kind, entry_id)
            return represent(
                release, dump(entry), fallback_headers(release.fallbacks_of(kind, entry_id))
            )

        return self.once((*release.edition, kind, entry_id), build)

    def missing(self, release: Release, kind: Kind, entry_id: str) -> NoReturn:
        """Abort with 410 for an entry the release removed (naming what replaces it), else 404."""
        headers = {"Content-Version": release.version}
        removal = self.removed[release.version].get((kind, entry_id))
        if removal is None:
            fail(
                404,
                f"Content release {release.version} has no {kind.singular} "
                f"with id {entry_id[:100]!r}.",
                headers=headers,
            )
        replaced = [f"/{kind.value}/{name}" for name in removal.replaced_by]
        fail(
            410,
            f"The {kind.singular} {entry_id!r} was removed in content release "
            f"{removal.version}" + (": replaced_by lists what replaces it." if replaced else "."),
            headers=headers,
            **({"replaced_by": replaced} if replaced else {}),
        )

    def _listing(
        self,
        version: str,
        language: str,
        kind: Kind,
        filters: Filters,
        page: int,
        page_size: int,
        dump: Callable[[Any], Any],
    ) -> Representation:
        release = self.releases[version].in_language(language)
        entries = release.entries(kind)
        dumped = dict(zip(entries, self.dumped(release, kind, dump), strict=True))
        selected = [dumped[entry] for entry in select(entries, filters)]
        current = paginate(selected, page, page_size)
        header = {
            "total": current.total,
            "total_pages": current.total_pages,
            "first_page": 1,
            "last_page": current.total_pages,
            "page": page,
        }
        if page > 1:
            header["previous_page"] = min(page - 1, current.total_pages)
        if page < current.total_pages:
            header["next_page"] = page + 1
        fallbacks = (
            path
            for entry in select(entries, filters)[(page - 1) * page_size : page * page_size]
            for path in release.fallbacks_of(kind, entry.id)
        )
        return represent(
            release,
            list(current.entries),
            [("X-Pagination", to_json(header).decode()), *fallback_headers(fallbacks)],
        )


def current_store() -> Store:
    """The app's store of releases and representations."""
    store: Store = current_app.extensions["content_store"]
    return store


def respond(
    store: Store,
    representation: Representation,
    resolved: Resolved,
    *,
    mimetype: str = JSON,
    vary: str = CONTENT_VARY,
) -> Response:
    """A content response: the representation with its release's headers and caching."""
    return send(
        representation,
        mimetype=mimetype,
        headers=release_headers(store, resolved.release, pinned=resolved.pinned),
        vary=vary,
    )


def release_headers(store: Store, release: Release, *, pinned: bool) -> list[tuple[str, str]]:
    """Content-Version, Content-Language and caching: a year and immutable when pinned,
    briefly for the latest."""
    max_age = PINNED_MAX_AGE if pinned else store.latest_max_age
    return [
        ("Content-Version", release.version),
        ("Content-Language", release.language),
        ("Cache-Control", f"public, max-age={max_age}" + (", immutable" if pinned else "")),
    ]


def fallback_headers(paths: Iterable[str]) -> list[tuple[str, str]]:
    """The Language-Fallback header naming text fields sent in the release's first language,
    as `file/id/field` (none when every field is translated)."""
    listed = ", ".join(paths)
    return [(FALLBACK_HEADER, listed)] if listed else []


def send(
    representation: Representation,
    *,
    mimetype: str,
    headers: list[tuple[str, str]],
    vary: str = "Accept-Encoding",
) -> Response:
    """A 200 with the representation, compressed when the client accepts it and it is worth it.

    The hot path (service/fastpath.py) keeps these bytes for the same request again, and turns
    a GET or HEAD whose If-None-Match holds the ETag of the variant sent into a 304.
    """
    headers, body = answer(
        representation,
        headers,
        negotiate(representation, request.headers.get("Accept-Encoding"), current_app.config),
        vary,
    )
    request.environ[CACHEABLE_KEY] = True
    return Response(body, status=200, headers=headers, mimetype=mimetype)


def negotiate(
    representation: Representation, accept_encoding: str | None, config: Mapping[str, Any]
) -> str | None:
    """The encoding to send: the client's best of ours, for a body worth compressing."""
    if len(representation.body) < config["COMPRESS_MIN_SIZE"]:
        return None
    return best_coding(accept_encoding, tuple(ENCODERS))


def answer(
    representation: Representation,
    headers: list[tuple[str, str]],
    coding: str | None,
    vary: str = CONTENT_VARY,
) -> tuple[list[tuple[str, str]], bytes]:
    """The headers and body of a 200 with the representation, compressed with `coding`."""
    body, etag = representation.body, representation.etag
    if coding is not None:
        body, etag = representation.encoded(coding)
    found = [("ETag", etag), *headers, ("Vary", vary), *representation.headers]
    if coding is not None:
        found.append(("Content-Encoding", coding))
    return found, body
