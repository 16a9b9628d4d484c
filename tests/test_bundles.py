"""Offline content: whole-release bundles, the JSON Patch between them, and release diffs."""

from __future__ import annotations

import copy
import gzip
import json
import re
from typing import Any

import brotli
import jsonpatch
import pytest
from flask.testing import FlaskClient
from hypothesis import example, given, settings
from hypothesis import strategies as st

from service.domain.patch import make_patch

from .conftest import RELEASES, json_of, lang_problem, raw

ETAG = re.compile(r'"[0-9a-f]{32}"')  # strong: no W/ prefix
PINNED_CACHE = "public, max-age=31536000, immutable"
PATCH = "application/json-patch+json"
PROBLEM = "application/problem+json"
COLLECTIONS = ("exercises", "stretches", "precautions", "guidance", "screening")
VERSIONS = sorted(
    (p.name for p in RELEASES.iterdir() if p.is_dir()),
    key=lambda v: tuple(map(int, v.split("."))),
)
# FORMAT.md: a manifest without `languages` is in English.
LANGUAGES = {v: raw("manifest.json", v).get("languages", ["en"]) for v in VERSIONS}


def _canonical(document: Any) -> str:
    """JSON text that tells true from 1 and ignores key order, which JSON does not fix."""
    return json.dumps(document, sort_keys=True)


def _listed(client: FlaskClient, collection: str, version: str, lang: str) -> Any:
    """A whole collection as its own endpoint serves it for a release and language."""
    response = client.get(f"/{collection}?content_version={version}&lang={lang}&page_size=100")
    assert response.status_code == 200
    body = json_of(response)
    assert json.loads(response.headers["X-Pagination"])["total"] == len(body)  # one page: all
    return body


def _manifest(client: FlaskClient, version: str, lang: str) -> Any:
    """The release's manifest as GET /content/releases/{version} serves it, without `latest`."""
    response = client.get(f"/content/releases/{version}?lang={lang}")
    assert response.status_code == 200
    body = json_of(response)
    del body["latest"]
    return body


def _catalogue(client: FlaskClient, version: str, lang: str) -> dict[str, Any]:
    """What a bundle should hold for one language, read from the catalogue endpoints."""
    return {
        "manifest": _manifest(client, version, lang),
        **{name: _listed(client, name, version, lang) for name in COLLECTIONS},
    }


def _bundle(client: FlaskClient, version: str, lang: str | None) -> Any:
    query = "" if lang is None else f"?lang={lang}"
    response = client.get(f"/content/releases/{version}/bundle{query}")
    assert response.status_code == 200
    return json_of(response)


# ---- the bundle


@pytest.mark.parametrize("version", VERSIONS)
def test_bundle_is_every_language_as_the_catalogue_serves_it(
    client: FlaskClient, version: str
) -> None:
    """A bundle holds, for each language of the release, its manifest and every collection."""
    response = client.get(f"/content/releases/{version}/bundle")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert ETAG.fullmatch(response.headers["ETag"])
    assert response.headers["Cache-Control"] == PINNED_CACHE
    assert response.headers["Content-Version"] == version
    assert response.headers["Content-Language"] == ", ".join(LANGUAGES[version])
    assert json_of(response) == {
        "version": version,
        "languages": LANGUAGES[version],
        "content": {lang: _catalogue(client, version, lang) for lang in LANGUAGES[version]},
    }


@pytest.mark.parametrize(
    ("version", "lang"), [(version, lang) for version in VERSIONS for lang in LANGUAGES[version]]
)
def test_bundle_in_one_language(client: FlaskClient, version: str, lang: str) -> None:
    """`lang` keeps that language's content alone and says so in Content-Language."""
    response = client.get(f"/content/releases/{version}/bundle?lang={lang}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert ETAG.fullmatch(response.headers["ETag"])
    assert response.headers["Cache-Control"] == PINNED_CACHE
    assert response.headers["Content-Language"] == lang
    assert json_of(response) == {
        "version": version,
        "languages": LANGUAGES[version],
        "content": {lang: _catalogue(client, version, lang)},
    }


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_compressed_bundle_decompresses_to_the_same_bytes(client: FlaskClient, coding: str) -> None:
    """Asked for gzip or br, the bundle comes compressed, with its own strong ETag."""
    url = f"/content/releases/{VERSIONS[-1]}/bundle"
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": coding})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == coding
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["Cache-Control"] == PINNED_CACHE
    assert re.fullmatch(r'"[0-9a-f]{32}-' + coding + '"', packed.headers["ETag"])
    assert packed.headers["ETag"] != plain.headers["ETag"]
    decompress = gzip.decompress if coding == "gzip" else brotli.decompress
    assert len(packed.data) < len(plain.data)
    assert decompress(packed.data) == plain.data


@pytest.mark.parametrize("coding", [None, "gzip"])
def test_bundle_revalidates_with_304(client: FlaskClient, coding: str | None) -> None:
    """If-None-Match holding the ETag sent gets 304, no body, the same validators."""
    url = f"/content/releases/{VERSIONS[-1]}/bundle"
    headers = {} if coding is None else {"Accept-Encoding": coding}
    first = client.get(url, headers=headers)
    again = client.get(url, headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == PINNED_CACHE
    stale = client.get(url, headers={**headers, "If-None-Match": '"stale"'})
    assert stale.status_code == 200
    assert stale.data == first.data


# ---- the patch from one bundle to another


@pytest.mark.parametrize(
    ("since", "version", "lang"),
    [
        (since, version, lang)
        for since in VERSIONS
        for version in VERSIONS
        for lang in (None, *(name for name in LANGUAGES[version] if name in LANGUAGES[since]))
    ],
)
def test_patch_turns_the_older_bundle_into_this_one(
    client: FlaskClient, since: str, version: str, lang: str | None
) -> None:
    """Applied with jsonpatch to the bundle of `since`, the patch gives exactly this bundle."""
    query = "" if lang is None else f"&lang={lang}"
    response = client.get(f"/content/releases/{version}/bundle?since={since}{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == PATCH
    assert ETAG.fullmatch(response.headers["ETag"])
    assert response.headers["Cache-Control"] == PINNED_CACHE
    assert response.headers["Content-Version"] == version
    assert response.headers["Content-Language"] == (lang or ", ".join(LANGUAGES[version]))
    patch = json_of(response)
    source, target = _bundle(client, since, lang), _bundle(client, version, lang)
    assert _canonical(jsonpatch.apply_patch(source, patch)) == _canonical(target)
    assert (patch == []) is (since == version)


def test_patch_since_an_unknown_release_is_404(client: FlaskClient) -> None:
    """`since` naming no release is a 404 problem listing the releases there are."""
    response = client.get(f"/content/releases/{VERSIONS[-1]}/bundle?since=0.0.0")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert json_of(response) == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Content version '0.0.0' is not available. "
        f"Available versions: {', '.join(VERSIONS)}.",
    }


def test_patch_since_a_release_without_the_language_is_422(client: FlaskClient) -> None:
    """A Spanish patch from 1.1.0, which has no Spanish bundle, is refused naming `lang`."""
    assert "es" in LANGUAGES["1.2.0"]
    assert "es" not in LANGUAGES["1.1.0"]
    response = client.get("/content/releases/1.2.0/bundle?since=1.1.0&lang=es")
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    message = f"Release 1.1.0 is written in: {', '.join(LANGUAGES['1.1.0'])}."
    assert json_of(response) == lang_problem(message)


# ---- make_patch on any JSON documents

# Few names and values, so that documents drawn apart still share keys, ids and elements; the
# names hold the characters a JSON Pointer escapes, and the values both 1 and true.
NAMES = st.sampled_from(["a", "b", "name", "", "~", "/", "a/b~1"])
IDS = st.sampled_from(["x", "y", "z", "w"])
SCALARS = st.none() | st.booleans() | st.integers(-2, 2) | st.sampled_from(["", "x", "id:x"])


def _nested(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    entries = st.builds(
        lambda ident, rest: {"id": ident, **rest},
        IDS,
        st.dictionaries(NAMES, children, max_size=3),
    )
    return (
        st.lists(children, max_size=4)
        | st.dictionaries(NAMES | st.just("id"), children, max_size=4)
        | st.lists(entries, max_size=5)
    )


DOCUMENTS = st.recursive(SCALARS, _nested, max_leaves=24)


@st.composite
def _edited(draw: st.DrawFn, document: Any) -> Any:
    """The document with some of its parts dropped, added, moved or replaced."""
    way = draw(st.integers(0, 5))
    if way == 0:
        return draw(DOCUMENTS)
    if isinstance(document, dict):
        changed = {
            key: draw(_edited(value))
            for key, value in document.items()
            if way > 1 or draw(st.booleans())
        }
        return changed | draw(st.dictionaries(NAMES, DOCUMENTS, max_size=1 if way > 2 else 0))
    if isinstance(document, list):
        kept = [draw(_edited(value)) for value in document if way > 1 or draw(st.booleans())]
        for _ in range(draw(st.integers(0, 2 if way > 2 else 0))):
            kept.insert(draw(st.integers(0, len(kept))), draw(DOCUMENTS))
        return draw(st.permutations(kept)) if way == 5 else kept
    return document


PAIRS = st.tuples(DOCUMENTS, DOCUMENTS) | DOCUMENTS.flatmap(
    lambda document: st.tuples(st.just(document), _edited(document))
)


@given(PAIRS)
@example(({"a": 1}, {"a": True}))
@example(([0, False], [False, 0]))
@example(([{"id": "x", "a": 1}, {"id": "y"}], [{"id": "y"}, {"id": "z"}, {"id": "x", "a": 2}]))
@example(({"a/b~1": {"~": 1}}, {"a/b~1": {"~": 2, "/": None}}))
@example((1, [1]))
@settings(max_examples=400, deadline=None)
def test_make_patch_turns_one_document_into_the_other(pair: tuple[Any, Any]) -> None:
    """jsonpatch applying make_patch(a, b) to a gives b, true and 1 told apart."""
    source, target = pair
    before = _canonical(source)
    patch = make_patch(source, target)
    assert _canonical(source) == before  # the source is read, not changed
    sent = json.loads(json.dumps(patch))  # as a client receives it
    assert _canonical(jsonpatch.apply_patch(source, sent)) == _canonical(target)


@given(DOCUMENTS)
@settings(max_examples=200, deadline=None)
def test_make_patch_between_equal_documents_is_empty(document: Any) -> None:
    """A document and an equal copy of it need no operation."""
    assert make_patch(document, copy.deepcopy(document)) == []


# ---- the diff between releases

OLD, NEW = "1.1.0", "1.2.0"
OLD_GUIDANCE = {entry["id"]: entry for entry in raw("guidance.json", OLD)}
NEW_GUIDANCE = {entry["id"]: entry for entry in raw("guidance.json", NEW)}
(REMOVAL,) = raw("manifest.json", NEW)["removed"]
CHANGED = "exercising-with-metatarsalgia"


def _collections(guidance: dict[str, Any]) -> list[dict[str, Any]]:
    """Every collection with no change, but guidance."""
    empty: dict[str, list[Any]] = {"added": [], "removed": [], "changed": []}
    return [
        {"collection": name, **(guidance if name == "guidance" else empty)}
        for name in (*COLLECTIONS, "equipment")
    ]


def _named(entry_id: str, entries: dict[str, Any]) -> dict[str, Any]:
    return {"id": entry_id, "label": entries[entry_id]["title"]}


def test_raw_releases_change_guidance_as_the_diff_tests_expect() -> None:
    """The diff tests' premise, from the raw files: in guidance 1.2.0 drops self-care for the
    ids that replace it and changes only the body of one entry; nothing else differs."""
    assert REMOVAL["kind"] == "guidance"
    assert [i for i in OLD_GUIDANCE if i not in NEW_GUIDANCE] == [REMOVAL["id"]]
    assert [i for i in NEW_GUIDANCE if i not in OLD_GUIDANCE] == REMOVAL["replaced_by"]
    differing = [
        (i, key)
        for i in OLD_GUIDANCE.keys() & NEW_GUIDANCE.keys()
        for key in OLD_GUIDANCE[i].keys() | NEW_GUIDANCE[i].keys()
        if OLD_GUIDANCE[i].get(key) != NEW_GUIDANCE[i].get(key)
    ]
    assert differing == [(CHANGED, "body")]
    for file in ("exercises.json", "stretches.json", "precautions.json", "screening.json"):
        assert raw(file, OLD) == raw(file, NEW), file
    assert raw("equipment.json", OLD) == raw("equipment.json", NEW)


def test_diff_to_the_release_that_split_self_care(client: FlaskClient) -> None:
    """1.1.0 to 1.2.0 in English: six self-care items added, self-care removed naming them,
    one body changed, every other collection unchanged."""
    response = client.get(f"/content/releases/{OLD}/diff/{NEW}?lang=en")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert ETAG.fullmatch(response.headers["ETag"])
    assert response.headers["Content-Language"] == "en"
    assert response.headers["Content-Version"] == NEW
    assert response.headers["Cache-Control"] == PINNED_CACHE
    assert json_of(response) == {
        "from": OLD,
        "to": NEW,
        "language": "en",
        "collections": _collections({
            "added": [_named(i, NEW_GUIDANCE) for i in REMOVAL["replaced_by"]],
            "removed": [
                {**_named(REMOVAL["id"], OLD_GUIDANCE), "replaced_by": REMOVAL["replaced_by"]}
            ],
            "changed": [{
                **_named(CHANGED, NEW_GUIDANCE),
                "fields": [{
                    "field": "body",
                    "from": OLD_GUIDANCE[CHANGED]["body"],
                    "to": NEW_GUIDANCE[CHANGED]["body"],
                }],
            }],
        }),
    }  # fmt: skip


def test_diff_back_is_the_mirror(client: FlaskClient) -> None:
    """1.2.0 to 1.1.0: self-care added, the six removed with nothing replacing them (1.1.0
    declares no removal), the body changed back."""
    response = client.get(f"/content/releases/{NEW}/diff/{OLD}")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert response.headers["Content-Version"] == OLD
    assert response.headers["Cache-Control"] == PINNED_CACHE
    assert json_of(response) == {
        "from": NEW,
        "to": OLD,
        "language": "en",
        "collections": _collections({
            "added": [_named(REMOVAL["id"], OLD_GUIDANCE)],
            "removed": [
                {**_named(i, NEW_GUIDANCE), "replaced_by": []} for i in REMOVAL["replaced_by"]
            ],
            "changed": [{
                **_named(CHANGED, OLD_GUIDANCE),
                "fields": [{
                    "field": "body",
                    "from": NEW_GUIDANCE[CHANGED]["body"],
                    "to": OLD_GUIDANCE[CHANGED]["body"],
                }],
            }],
        }),
    }  # fmt: skip


@pytest.mark.parametrize(("source", "target"), [(OLD, NEW), (NEW, OLD)])
def test_diff_in_a_language_the_releases_do_not_share_is_422(
    client: FlaskClient, source: str, target: str
) -> None:
    """Spanish between 1.1.0 (English only) and 1.2.0 is refused, naming what both are in."""
    response = client.get(f"/content/releases/{source}/diff/{target}?lang=es")
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    shared = [name for name in LANGUAGES[target] if name in LANGUAGES[source]]
    message = f"Releases {source} and {target} are both written in: {', '.join(shared)}."
    assert json_of(response) == lang_problem(message)


def test_diff_of_a_release_with_itself_in_spanish_is_empty(client: FlaskClient) -> None:
    """A release compared with itself, in a language it has, changes nothing."""
    response = client.get(f"/content/releases/{NEW}/diff/{NEW}?lang=es")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "es"
    assert json_of(response) == {
        "from": NEW,
        "to": NEW,
        "language": "es",
        "collections": _collections({"added": [], "removed": [], "changed": []}),
    }
