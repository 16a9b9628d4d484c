"""Illustrations: the SVG check, how a release's drawings load, and how the API serves them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.domain import ContentError, load_releases
from service.domain.illustrations import check_svg

from .conftest import (
    ILLUSTRATIONS,
    LATEST,
    RELEASES,
    SVG,
    illustrations,
    json_of,
    raw,
    served_item,
)

LOCK = "releases.lock"
FILE = "9.9.9/illustrations/a-drawing.svg"  # the name check_svg puts in its errors
NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'
ALLOWED = "circle, defs, ellipse, g, line, marker, path, polygon, polyline, rect, svg"
COLLECTIONS = ("exercises", "stretches")
VERSIONS = sorted(
    (p.name for p in RELEASES.iterdir() if p.is_dir()), key=lambda v: tuple(map(int, v.split(".")))
)
# The newest release without drawings, found by its folder: its items link none.
UNDRAWN = [v for v in VERSIONS if not (RELEASES / v / ILLUSTRATIONS).is_dir()][-1]
SPANISH = raw("manifest.json", LATEST)["languages"][1]
# README "Security headers on every response", word for word.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
LATEST_CACHE = "public, max-age=300"
PINNED_CACHE = "public, max-age=31536000, immutable"
STRONG_ETAG = re.compile(r'"[^"]+"')


def svg(inner: str = "", attributes: str = 'viewBox="0 0 100 50"') -> bytes:
    """An SVG document of the SVG namespace around `inner`."""
    return f"<svg {NAMESPACE} {attributes}>{inner}</svg>".encode()


# A drawing of everything the subset allows that a test might doubt: a marker referred to by
# a fragment url(), groups, transforms and presentation attributes.
GOOD = svg(
    '<defs><marker id="arrow" markerWidth="10" markerHeight="10" refX="5" refY="5" '
    'orient="auto" markerUnits="userSpaceOnUse"><polygon points="0,0 10,5 0,10" '
    'fill="#dc2626"/></marker></defs>\n'
    '<g transform="translate(10 0)" opacity="0.9"><rect x="0" y="0" width="20" height="10" '
    'rx="2" fill="none" stroke="#1f2937" stroke-width="2"/><circle cx="5" cy="5" r="3"/>'
    '<ellipse cx="5" cy="5" rx="3" ry="2"/><polyline points="0,0 5,5"/>'
    '<path d="M0 0 L10 10" stroke-linecap="round" stroke-linejoin="round" '
    'stroke-dasharray="2 4" fill-opacity="0.3" stroke-opacity="0.5"/></g>\n'
    '<line x1="0" y1="40" x2="90" y2="40" stroke="#dc2626" marker-start="url(#arrow)" '
    'marker-end="url(#arrow)"/>'
)


# ---- the SVG check


def test_a_drawing_in_the_subset_passes() -> None:
    """Shapes, groups, markers and a fragment url() are a drawing: no error."""
    check_svg(FILE, GOOD)


def test_a_drawing_of_exactly_16_kb_passes() -> None:
    """The size limit is 16 KB inclusive: whitespace between elements counts, and is allowed."""
    padded = GOOD.replace(b"\n", b"\n" + b" " * (16_384 - len(GOOD)), 1)
    assert len(padded) == 16_384
    check_svg(FILE, padded)


def _element(name: str) -> str:
    return f"field '{name}': is not an allowed drawing element (allowed: {ALLOWED})"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (svg("<script>alert(1)</script>"), _element("script")),
        (svg('<rect width="1" height="1"/>', 'viewBox="0 0 1 1" onload="alert(1)"'),
         "field 'svg@onload': is not an allowed attribute"),
        (svg('<path d="M0 0" href="https://example.org/"/>'),
         "field 'path@href': is not an allowed attribute"),
        (svg('<path d="M0 0" xlink:href="#a"/>',
             'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 1 1"'),
         "field 'path@{http://www.w3.org/1999/xlink}href': is not an allowed attribute"),
        (svg('<rect width="1" height="1" style="fill: red"/>'),
         "field 'rect@style': is not an allowed attribute"),
        (svg("<style>rect { fill: red }</style>"), _element("style")),
        (svg('<text x="0" y="10">Lift</text>'), _element("text")),
        (svg("<g>Lift the heels</g>"),
         "field 'g': holds text: an illustration carries no words"),
        (svg('<g/>Lift the heels<rect width="1" height="1"/>'),
         "field 'g': holds text: an illustration carries no words"),
        (svg("Lift the heels"), "field 'svg': holds text: an illustration carries no words"),
        (svg('<image href="photo.png" width="1" height="1"/>'), _element("image")),
        (svg("<foreignObject><p>hi</p></foreignObject>"), _element("foreignObject")),
        (svg('<g xmlns="http://www.w3.org/1999/xhtml"/>'), _element("g")),
        (svg('<rect width="1" height="1" fill="url(http://x/y#a)"/>'),
         "field 'rect@fill': may only refer to a fragment of the same file, as url(#id)"),
        (svg('<line x1="0" y1="0" x2="1" y2="1" marker-end="url(other.svg#arrow)"/>'),
         "field 'line@marker-end': may only refer to a fragment of the same file, as url(#id)"),
        (svg('<rect width="1" height="1" fill="URL( #a)"/>'),
         "field 'rect@fill': may only refer to a fragment of the same file, as url(#id)"),
    ],
    ids=[
        "script", "onload", "href", "xlink-href", "style-attribute", "style-element", "text",
        "text-content", "text-tail", "text-in-root", "image", "foreign-object",
        "other-namespace", "url-to-another-file", "marker-url-to-another-file",
        "url-not-a-plain-fragment",
    ],
)  # fmt: skip
def test_what_could_run_fetch_style_or_speak_is_refused(data: bytes, problem: str) -> None:
    """Scripts, event and link attributes, styles, words, images, foreign objects, elements
    of another namespace and url() beyond the file itself are refused, each named."""
    with pytest.raises(ContentError) as error:
        check_svg(FILE, data)
    assert str(error.value) == f"{FILE}: {problem}"


DOCUMENT = "must be an <svg> element of the SVG namespace, with a viewBox"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'<!DOCTYPE svg [<!ENTITY word "Lift">]>' + svg("&word;"),
         "is not well-formed SVG: DTDForbidden(name='svg', system_id=None, public_id=None)"),
        (b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
         b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">' + svg(),
         "is not well-formed SVG: DTDForbidden(name='svg', "
         "system_id='http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd', "
         "public_id='-//W3C//DTD SVG 1.1//EN')"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml" viewBox="0 0 1 1"/>', DOCUMENT),
        (b'<svg viewBox="0 0 1 1"><rect width="1" height="1"/></svg>', DOCUMENT),
        (svg('<rect width="1" height="1"/>', 'width="10" height="10"'), DOCUMENT),
        (svg("", 'viewBox=""'), DOCUMENT),
        (b"<svg", "is not well-formed SVG: unclosed token: line 1, column 0"),
        (svg("<g>"), "is not well-formed SVG: mismatched tag: line 1, column 66"),
        (b"", "is not well-formed SVG: no element found: line 1, column 0"),
    ],
    ids=[
        "entity", "doctype", "html-root", "no-namespace", "no-viewbox", "empty-viewbox",
        "unclosed", "mismatched", "empty",
    ],
)  # fmt: skip
def test_what_is_not_an_svg_document_is_refused(data: bytes, problem: str) -> None:
    """A DOCTYPE (so no entity either), a root that is not SVG's <svg>, no viewBox, and
    malformed XML are refused, saying which."""
    with pytest.raises(ContentError) as error:
        check_svg(FILE, data)
    assert str(error.value) == f"{FILE}: {problem}"


def test_a_drawing_over_16_kb_is_refused_before_it_is_parsed() -> None:
    """One byte over 16 KB is refused with both sizes, whatever it holds."""
    padded = GOOD.replace(b"\n", b"\n" + b" " * (16_385 - len(GOOD)), 1)
    assert len(padded) == 16_385
    with pytest.raises(ContentError) as error:
        check_svg(FILE, padded)
    assert str(error.value) == f"{FILE}: is 16385 bytes, more than 16384"
    with pytest.raises(ContentError) as error:
        check_svg(FILE, b"<" * 20_000)  # not XML at all: the size is what is reported
    assert str(error.value) == f"{FILE}: is 20000 bytes, more than 16384"


# ---- loading a release's drawings


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """A copy of the bundled releases whose lock no longer lists the latest, so that it is a
    draft that may be edited: the latest's folder."""
    root = tmp_path / "releases"
    shutil.copytree(RELEASES, root)
    lock = json.loads((root / LOCK).read_text("utf-8"))
    del lock["published"][LATEST]
    (root / LOCK).write_text(json.dumps(lock), "utf-8")
    return root / LATEST


def refusal(folder: Path) -> str:
    with pytest.raises(ContentError) as error:
        load_releases(folder.parent)
    return str(error.value)


def first_item(folder: Path) -> str:
    item_id: str = json.loads((folder / "exercises.json").read_text("utf-8"))[0]["id"]
    return item_id


def test_the_unchanged_draft_loads_with_a_drawing_per_item(draft: Path) -> None:
    """The fixture's premise: the draft loads, its drawings the bytes of its files, one for
    each exercise and stretch."""
    release = load_releases(draft.parent)[LATEST]
    files = illustrations(draft)
    items = {e["id"] for name in COLLECTIONS for e in raw(f"{name}.json", LATEST)}
    assert set(files) == items
    assert dict(release.illustrations) == {name: path.read_bytes() for name, path in files.items()}


def test_a_bad_drawing_is_refused_naming_its_file(draft: Path) -> None:
    """A drawing with a script stops the release, naming the file and the element."""
    name = first_item(draft)
    (draft / ILLUSTRATIONS / f"{name}.svg").write_bytes(svg("<script>alert(1)</script>"))
    assert refusal(draft) == f"{LATEST}/{ILLUSTRATIONS}/{name}.svg: {_element('script')}"


def test_an_item_without_its_drawing_is_refused(draft: Path) -> None:
    """Every exercise and stretch of a release with drawings has one."""
    name = first_item(draft)
    (draft / ILLUSTRATIONS / f"{name}.svg").unlink()
    assert refusal(draft) == (
        f"{LATEST}/{ILLUSTRATIONS}/{name}.svg: is missing: every exercise and stretch has an "
        "illustration"
    )


def test_a_drawing_of_no_item_is_refused(draft: Path) -> None:
    """A drawing whose name is no exercise or stretch of the release is refused."""
    shutil.copyfile(draft / ILLUSTRATIONS / f"{first_item(draft)}.svg",
                    draft / ILLUSTRATIONS / "no-such-item.svg")  # fmt: skip
    assert refusal(draft) == (
        f"{LATEST}/{ILLUSTRATIONS}/no-such-item.svg: draws no exercise or stretch of this release"
    )


def test_a_file_that_is_not_an_svg_is_refused(draft: Path) -> None:
    """The folder holds `<item id>.svg` files only."""
    (draft / ILLUSTRATIONS / "notes.txt").write_text("to do", "utf-8")
    assert refusal(draft) == (
        f"{LATEST}/{ILLUSTRATIONS}/notes.txt: is not an illustration: <item id>.svg"
    )


def test_an_item_without_an_illustration_key_is_refused(draft: Path) -> None:
    """In a release with drawings, each item's `illustration` (its alt text) is required."""
    path = draft / "exercises.json"
    items = json.loads(path.read_text("utf-8"))
    del items[0]["illustration"]
    path.write_text(json.dumps(items), "utf-8")
    assert refusal(draft) == (
        f"{LATEST}/exercises.json: item '{items[0]['id']}': field 'illustration': is required"
    )


def test_an_illustration_key_without_drawings_is_refused(draft: Path) -> None:
    """In a release without an illustrations folder, `illustration` is not a known key."""
    shutil.rmtree(draft / ILLUSTRATIONS)
    assert refusal(draft) == (
        f"{LATEST}/exercises.json: item '{first_item(draft)}': field 'illustration': is not a "
        "known key"
    )


# ---- the API


def latest_items() -> list[tuple[str, dict[str, Any]]]:
    return [(name, entry) for name in COLLECTIONS for entry in raw(f"{name}.json", LATEST)]


def test_every_item_of_the_latest_release_links_its_drawing(client: FlaskClient) -> None:
    """Each exercise and stretch, read alone and in its list, carries its illustration: the
    SVG's address pinned to the release, its media type and the alt text of its file."""
    for name, entry in latest_items():
        link = {
            "href": f"/{name}/{entry['id']}/illustration.svg?content_version={LATEST}",
            "type": SVG,
            "alt": entry["illustration"]["alt"],
        }
        assert served_item(name, entry, LATEST)["illustration"] == link
        alone = client.get(f"/{name}/{entry['id']}")
        assert json_of(alone)["illustration"] == link
    for name in COLLECTIONS:
        listed = json_of(client.get(f"/{name}?page_size=100"))
        assert [e["illustration"]["alt"] for e in listed] == [
            e["illustration"]["alt"] for e in raw(f"{name}.json", LATEST)
        ]


def test_each_link_answers_the_bytes_of_its_file(client: FlaskClient) -> None:
    """GET of each link: 200, image/svg+xml, the file's bytes exactly, a strong ETag, a year
    and immutable (the link is pinned), no Content-Language, and the service's CSP."""
    files = illustrations(RELEASES / LATEST)
    for name, entry in latest_items():
        href = json_of(client.get(f"/{name}/{entry['id']}"))["illustration"]["href"]
        response = client.get(href)
        assert response.status_code == 200, href
        assert response.mimetype == SVG
        assert response.data == files[entry["id"]].read_bytes()
        assert STRONG_ETAG.fullmatch(response.headers["ETag"])
        assert response.headers["Cache-Control"] == PINNED_CACHE
        assert response.headers["Content-Version"] == LATEST
        assert "Content-Language" not in response.headers
        assert response.headers["Content-Security-Policy"] == CSP


def test_a_drawing_revalidates_and_does_not_vary_by_language(client: FlaskClient) -> None:
    """Unpinned, a drawing is cached briefly; its ETag answers 304; in Spanish it is the same
    bytes and ETag, with no Content-Language, and it varies on encoding only."""
    name = first_item(RELEASES / LATEST)
    url = f"/exercises/{name}/illustration.svg"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == LATEST_CACHE
    assert response.headers["Content-Version"] == LATEST
    assert response.headers["Vary"] == "Accept-Encoding"
    etag = response.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", etag)
    spanish = client.get(url, headers={"Accept-Language": SPANISH})
    assert (spanish.data, spanish.headers["ETag"]) == (response.data, etag)
    assert "Content-Language" not in spanish.headers


def test_a_spanish_item_has_the_spanish_alt_and_the_same_link(client: FlaskClient) -> None:
    """`lang=es`: the alt text of translations/es, the same href and type as in English."""
    translated = {
        e["id"]: e
        for name in COLLECTIONS
        for e in raw(f"translations/{SPANISH}/{name}.json", LATEST)
    }
    for name, entry in latest_items():
        english = json_of(client.get(f"/{name}/{entry['id']}"))["illustration"]
        response = client.get(f"/{name}/{entry['id']}?lang={SPANISH}")
        assert response.headers["Content-Language"] == SPANISH
        spanish = json_of(response)["illustration"]
        alt = translated[entry["id"]]["illustration"]["alt"]
        assert alt != entry["illustration"]["alt"]
        assert spanish == {"href": english["href"], "type": SVG, "alt": alt}


def test_a_release_without_drawings_has_none_to_link_or_serve(client: FlaskClient) -> None:
    """Items of a release without drawings have no `illustration`, and its drawing URLs are
    404 problems that say drawings start later."""
    for name in COLLECTIONS:
        for entry in raw(f"{name}.json", UNDRAWN):
            assert "illustration" not in entry
            url = f"/{name}/{entry['id']}"
            assert "illustration" not in json_of(client.get(f"{url}?content_version={UNDRAWN}"))
            response = client.get(f"{url}/illustration.svg?content_version={UNDRAWN}")
            assert response.status_code == 404
            assert response.mimetype == "application/problem+json"
            assert response.headers["Content-Security-Policy"] == CSP
            assert json_of(response) == {
                "type": "about:blank",
                "title": "Not Found",
                "status": 404,
                "detail": f"Content release {UNDRAWN} has no illustrations; they start with a "
                "later release (see /content/releases).",
            }


@pytest.mark.parametrize(
    ("url", "kind", "item"),
    [
        ("/exercises/no-such-item/illustration.svg", "exercise", "no-such-item"),
        # a stretch's id is no exercise's
        (f"/exercises/{raw('stretches.json', LATEST)[0]['id']}/illustration.svg", "exercise",
         raw("stretches.json", LATEST)[0]["id"]),
        ("/stretches/no-such-item/illustration.svg", "stretch", "no-such-item"),
    ],
    ids=["exercise", "stretch-as-exercise", "stretch"],
)  # fmt: skip
def test_an_unknown_item_has_no_drawing(
    client: FlaskClient, url: str, kind: str, item: str
) -> None:
    """An id the release does not hold under that kind is a 404 problem naming it."""
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert json_of(response)["detail"] == (
        f"Content release {LATEST} has no {kind} with id '{item}'."
    )
