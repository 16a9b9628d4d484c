"""The printable handout of a programme: one HTML page, with its QR code and dose chart.

Built from the JSON the API serves (the routine of the id and its programme's weeks), so the
sheet says what the API says. Every picture is inline: the drawings as data: URIs with their
text alternative, the QR code and the chart as SVG elements with presentation attributes
only, so the page needs nothing but its stylesheet and passes the service's CSP.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import jinja2
import segno
from markupsafe import Markup, escape

from .wording import dose_text, labels, short_dose, volume

STYLESHEET = "/static/handout.css"
CHART_WIDTH = 640
CHART_ROW = 30
CHART_LABEL = 200  # width of the item names
CHART_NAME = 32  # characters of a name that fit in it at the chart's font size
CHART_NOTE = 110  # width of the first and last dose, on the right


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("service", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def handout_html(
    routine: Mapping[str, Any],
    weeks: Sequence[Mapping[str, Any]],
    *,
    drawings: Mapping[str, tuple[bytes, str]],
    language: str,
    link: str,
) -> str:
    """The handout page of a ready routine and its programme's weeks (JSON as served).

    `drawings` maps an item id to its SVG and text alternative; `link` is the absolute URL the
    QR code opens (this handout).
    """
    words = labels(language)
    items = _items(routine, weeks)
    return (
        _templates()
        .get_template("handout.html")
        .render(
            language=language,
            words=words,
            stylesheet=STYLESHEET,
            routine=routine,
            weeks=weeks,
            items=[
                {
                    **item,
                    "dose": dose_text(item, words),
                    "picture": _data_uri(drawings[item["id"]][0])
                    if item["id"] in drawings
                    else None,
                    "alt": drawings[item["id"]][1] if item["id"] in drawings else "",
                }
                for item in items
            ],
            grid=_grid(items, weeks, words),
            days=range(1, routine["schedule"]["days_per_week"] + 1),
            qr=qr_svg(link),
            chart=dose_chart(items, weeks, words),
        )
    )


def _items(
    routine: Mapping[str, Any], weeks: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The items of the routine, then any other item of the programme, each once, in order."""
    found: dict[str, Mapping[str, Any]] = {}
    for week in (routine, *weeks):
        for section in week["sections"]:
            for item in section["items"]:
                found.setdefault(item["id"], item)
    return list(found.values())


def _doses(item_id: str, week: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The item as a week holds it, None when that week does not."""
    return next(
        (it for section in week["sections"] for it in section["items"] if it["id"] == item_id),
        None,
    )


def _grid(
    items: Sequence[Mapping[str, Any]], weeks: Sequence[Mapping[str, Any]], words: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One row per item: its name and its short dose in each week ('' where a week lacks it)."""
    rows = []
    for item in items:
        cells = []
        for week in weeks:
            found = _doses(item["id"], week)
            cells.append("" if found is None else short_dose(found, words))
        rows.append({"name": item["name"], "cells": cells})
    return rows


def qr_svg(link: str) -> Markup:
    """The QR code of `link` as an inline SVG element (segno, error correction M)."""
    code = segno.make(link, error="m")
    # segno's own SVG markup of our URL: nothing in it comes from a person.
    svg = code.svg_inline(scale=2, dark="#000", svgclass="qr-code", omitsize=False)
    return Markup(svg)  # noqa: S704  # nosec B704


def dose_chart(
    items: Sequence[Mapping[str, Any]], weeks: Sequence[Mapping[str, Any]], words: Mapping[str, str]
) -> Markup:
    """Each item's dose by week as bars (height: the week's work against the item's most),
    with its first and last dose in figures; an inline SVG element."""
    count = len(weeks)
    width = CHART_WIDTH - CHART_LABEL - CHART_NOTE
    step = width / max(count, 1)
    height = CHART_ROW * len(items) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'class="dose-chart" role="img" aria-label="{escape(words["chart"])}">'
    ]
    for number in range(count):
        x = CHART_LABEL + number * step + step / 2
        parts.append(
            f'<text x="{x:.1f}" y="12" font-size="9" text-anchor="middle">{number + 1}</text>'
        )
    for row, item in enumerate(items):
        top = 20 + row * CHART_ROW
        doses = [_doses(item["id"], week) for week in weeks]
        work = [0 if dose is None else volume(dose) for dose in doses]
        most = max(work) or 1
        name = escape(_cut(item["name"]))
        parts.append(f'<text x="0" y="{top + 18}" font-size="10">{name}</text>')
        for number, amount in enumerate(work):
            bar = (CHART_ROW - 8) * amount / most
            left, base = CHART_LABEL + number * step + 2, top + CHART_ROW - 4
            parts.append(
                f'<rect x="{left:.1f}" y="{base - bar:.1f}" '
                f'width="{step - 4:.1f}" height="{bar:.1f}" fill="#2563eb" fill-opacity="0.6"/>'
            )
        given = [dose for dose in doses if dose is not None]
        note = f"{short_dose(given[0], words)} → {short_dose(given[-1], words)}" if given else ""
        parts.append(
            f'<text x="{CHART_WIDTH - CHART_NOTE + 8}" y="{top + 18}" font-size="10">'
            f"{escape(note)}</text>"
        )
    parts.append("</svg>")
    # Every text above is escaped; the rest is markup written here.
    return Markup("".join(parts))  # noqa: S704  # nosec B704


def _cut(name: str) -> str:
    """A name cut to fit the chart's label column, with an ellipsis when cut."""
    return name if len(name) <= CHART_NAME else name[: CHART_NAME - 1].rstrip() + "…"


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
