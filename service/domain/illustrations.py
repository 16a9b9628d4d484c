"""Check an illustration's SVG: a drawing only, safe to serve and to inline under a strict CSP.

An illustration is a line drawing in a small subset of SVG: shapes and paths with presentation
attributes, and arrowhead markers. Anything that could run, fetch, or style from outside is
refused: scripts, event attributes, links, images, foreign objects, `style`, a DOCTYPE, a
`url()` other than a fragment of the same file. It carries no words either: its text
alternative is content, translated like any other text. Raises ``ContentError``.
"""

from __future__ import annotations

import re

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from .reading import ContentError

ILLUSTRATIONS = "illustrations"  # in a release folder: one SVG drawing per exercise and stretch
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
MAX_BYTES = 16_384
ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "marker",
        "path",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "rect",
    ]
)
ATTRIBUTES = frozenset(
    [
        "viewBox",
        "id",
        "d",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "width",
        "height",
        "points",
        "transform",
        "fill",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-dasharray",
        "opacity",
        "fill-opacity",
        "stroke-opacity",
        "marker-start",
        "marker-end",
        "markerWidth",
        "markerHeight",
        "refX",
        "refY",
        "orient",
        "markerUnits",
    ]
)
_URL = re.compile(r"url\s*\(", re.IGNORECASE)
_FRAGMENT = re.compile(r"url\(#[A-Za-z][\w-]*\)")


def check_svg(file: str, data: bytes) -> None:
    """Refuse `data` unless it is an SVG drawing in the allowed subset; `file` names it."""
    if len(data) > MAX_BYTES:
        raise ContentError(file, None, None, f"is {len(data)} bytes, more than {MAX_BYTES}")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException) as error:
        raise ContentError(file, None, None, f"is not well-formed SVG: {error}") from None
    if root.tag != f"{{{SVG_NAMESPACE}}}svg" or not root.get("viewBox"):
        raise ContentError(file, None, None, "must be an <svg> element of the SVG namespace, "
                           "with a viewBox")  # fmt: skip
    for element in root.iter():
        namespace, _, name = str(element.tag).rpartition("}")
        if namespace != "{" + SVG_NAMESPACE or name not in ELEMENTS:
            raise ContentError(file, None, name, "is not an allowed drawing element (allowed: "
                               f"{', '.join(sorted(ELEMENTS))})")  # fmt: skip
        if (element.text or "").strip() or (element.tail or "").strip():
            raise ContentError(file, None, name, "holds text: an illustration carries no words")
        for attribute, value in element.attrib.items():
            _check_attribute(file, name, attribute, value)


def _check_attribute(file: str, element: str, attribute: str, value: str) -> None:
    if attribute not in ATTRIBUTES:
        raise ContentError(file, None, f"{element}@{attribute}", "is not an allowed attribute")
    if _URL.search(value) and not _FRAGMENT.fullmatch(value.strip()):
        problem = "may only refer to a fragment of the same file, as url(#id)"
        raise ContentError(file, None, f"{element}@{attribute}", problem)
