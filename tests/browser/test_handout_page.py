"""The printable handout in a real browser: it loads nothing from elsewhere, breaks no rule of
the CSP, shows every drawing, and prints to a page a person can read."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from .test_docs import ARTIFACTS, CSP_MESSAGE, Watch


def make_routine(base_url: str, **fields: object) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310  # our own server on 127.0.0.1
        f"{base_url}/routines",
        data=json.dumps(fields).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        found: dict[str, object] = json.load(response)
    return found


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_handout_is_whole_offline_and_within_the_csp(
    browser: Browser, base_url: str, lang: str
) -> None:
    """Every request the page makes goes to the service (the page and its stylesheet; the
    drawings are inline), none is refused by the CSP, every drawing has decoded with its alt
    text, the QR code and the chart are drawn, and the stylesheet applied."""
    routine = make_routine(base_url, pain=2, minutes=20, equipment=["towel", "wall"])
    page = browser.new_page()
    watch = Watch(page)
    response = page.goto(f"{base_url}/routines/{routine['id']}/handout?lang={lang}")
    assert response is not None
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert watch.foreign() == []
    assert sorted({url.split("?")[0] for url in watch.requests}) == sorted(
        {f"{base_url}/routines/{routine['id']}/handout", f"{base_url}/static/handout.css"}
    )
    assert page.evaluate("window.__violations") == []
    assert [line for line in watch.console if CSP_MESSAGE.search(line)] == []
    drawings = page.eval_on_selector_all(
        "img.drawing", "els => els.map(e => [e.naturalWidth, e.alt])"
    )
    assert drawings
    assert all(width > 0 and alt for width, alt in drawings)
    assert page.eval_on_selector("svg.qr-code", "e => e.getBoundingClientRect().width") > 50
    assert page.eval_on_selector_all("svg.dose-chart rect", "els => els.length") > 0
    border = page.eval_on_selector(".notice", "e => getComputedStyle(e).borderTopStyle")
    assert border == "solid"  # from handout.css: the stylesheet applied
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"handout-{lang}.png"), full_page=True)
    page.pdf(path=str(Path(ARTIFACTS / f"handout-{lang}.pdf")), format="A4")
    page.close()
