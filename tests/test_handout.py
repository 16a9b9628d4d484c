"""GET /routines/{id}/handout and handout.pdf: the printable sheet, read back as a person and a
PDF reader would (the HTML parsed, the QR code decoded, the PDF's pages and text extracted)."""

from __future__ import annotations

import gc
import io
import re
import threading
import time
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import brotli
import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from service.api import pdf
from service.app import create_app

from .conftest import json_of

PROBLEM = "application/problem+json"
HAS_CHROMIUM = pdf.engine_path("/usr/bin/chromium") is not None
needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not here")
# A person with low pain and some equipment: a programme whose doses climb week by week.
CLIMBING = {"pain": 2, "minutes": 20, "equipment": ["towel", "wall", "marbles", "container"]}


class Page(HTMLParser):
    """The parts of the handout a test reads: text, tables' cells by row class, images, SVGs."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.rows: list[tuple[str, list[str]]] = []  # (class of the tr, texts of its cells)
        self.images: list[dict[str, str]] = []
        self.svgs: list[dict[str, str]] = []
        self.paths: list[str] = []
        self.rects: list[dict[str, str]] = []
        self.links: list[str] = []
        self.scripts = 0
        self._row: tuple[str, list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "tr":
            self._row = (found.get("class", ""), [])
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "img":
            self.images.append(found)
        elif tag == "svg":
            self.svgs.append(found)
        elif tag == "path":
            self.paths.append(found.get("d", ""))
        elif tag == "rect":
            self.rects.append(found)
        elif tag == "link":
            self.links.append(found.get("href", ""))
        elif tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row[1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(body: bytes) -> Page:
    page = Page()
    page.feed(body.decode())
    return page


def make_routine(client: FlaskClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/routines", json=fields)
    assert response.status_code == 200
    routine: dict[str, Any] = json_of(response)
    return routine


def programme_of(client: FlaskClient, routine: dict[str, Any], lang: str = "") -> list[Any]:
    query = f"?lang={lang}" if lang else ""
    weeks: list[Any] = json_of(client.get(f"/routines/{routine['id']}/programme{query}"))["weeks"]
    return weeks


def items_of(week: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for section in week["sections"] for item in section["items"]]


def distinct(weeks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for week in weeks:
        for item in items_of(week):
            found.setdefault(item["id"], item)
    return list(found.values())


def cell(item: dict[str, Any]) -> str:
    """The grid's short dose, as a person writes it: sets x reps and the hold in brackets, or
    sets x seconds."""
    dose = item["dosage"]
    if dose["reps"] is None:
        return f"{dose['sets']}x{dose['duration_seconds']} s"
    if dose["hold_seconds"]:
        return f"{dose['sets']}x{dose['reps']} ({dose['hold_seconds']} s)"
    return f"{dose['sets']}x{dose['reps']}"


def test_the_sheet_holds_every_item_the_notice_and_the_precautions(client: FlaskClient) -> None:
    """Every item of the programme is on the sheet with its steps and cautions; the safety
    notice's words and every precaution's title are there; nothing is scripted and the only
    linked file is the print stylesheet."""
    routine = make_routine(client, **CLIMBING)
    response = client.get(f"/routines/{routine['id']}/handout")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Language"] == "en"
    assert response.headers["Content-Version"] == routine["content_version"]
    page = parse(response.data)
    words = page.words()
    for item in distinct(programme_of(client, routine)):
        assert item["name"] in words
        for text in (*item["steps"], *item["cautions"]):
            assert " ".join(text.split()) in words, text
    for paragraph in routine["safety_notice"]["body"]:
        assert paragraph in words
    for precaution in routine["precautions"]:
        assert precaution["title"] in words
    assert routine["id"] in words
    assert page.scripts == 0
    assert page.links == ["/static/handout.css"]


def test_the_tick_grid_is_days_by_weeks_with_each_weeks_dose(client: FlaskClient) -> None:
    """One column a programme week; one row of empty boxes per session day; one row per item
    with that week's dose in each column, as the programme JSON gives it."""
    routine = make_routine(client, **CLIMBING, days_per_week=4)
    weeks = programme_of(client, routine)
    page = parse(client.get(f"/routines/{routine['id']}/handout").data)
    head = next(cells for kind, cells in page.rows if kind == "")
    assert head[1:] == [str(week["week"]) for week in weeks]
    ticks = [cells for kind, cells in page.rows if kind == "tick-row"]
    assert len(ticks) == 4
    assert all(cells[1:] == [""] * len(weeks) for cells in ticks)
    doses = {cells[0]: cells[1:] for kind, cells in page.rows if kind == "dose-row"}
    for item in distinct(weeks):
        expected = []
        for week in weeks:
            found = [it for it in items_of(week) if it["id"] == item["id"]]
            expected.append(cell(found[0]) if found else "")
        assert doses[item["name"]] == expected
    assert any(len(set(row)) > 1 for row in doses.values()), "no dose climbs: not a test"


def test_the_chart_draws_each_items_dose_by_week(client: FlaskClient) -> None:
    """One bar per item and week, taller where the week's work is larger: a bar never
    shrinks while the dose climbs, and the tallest bar of an item is its last week's."""
    routine = make_routine(client, **CLIMBING)
    weeks = programme_of(client, routine)
    page = parse(client.get(f"/routines/{routine['id']}/handout").data)
    bars = [float(rect["height"]) for rect in page.rects if rect.get("fill") == "#2563eb"]
    items = distinct(weeks)
    assert len(bars) == len(items) * len(weeks)
    for index in range(len(items)):
        row = bars[index * len(weeks) : (index + 1) * len(weeks)]
        assert row == sorted(row)
        assert row[-1] == max(row) > 0
    assert any(bars[i] < bars[i + 1] for i in range(len(bars) - 1)), "flat chart: not a test"


def qr_text(path: str) -> str:
    """Decode segno's QR path (rows of horizontal runs, `M x y h n m dx dy ...`) with zxing."""
    size = 4  # pixels a module
    modules: list[tuple[int, int]] = []
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s+(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            modules += [(int(x) + i, int(y)) for i in range(int(float(a)))]
            x += float(a)
    width = max(mx for mx, _ in modules) + 5
    pixels = bytearray([255]) * (width * size) ** 2
    for mx, my in modules:
        for dy in range(size):
            start = (my * size + dy) * width * size + mx * size
            pixels[start : start + size] = bytes(size)
    view = memoryview(bytes(pixels)).cast("B", (width * size, width * size))
    found = zxingcpp.read_barcodes(view)
    assert len(found) == 1
    return str(found[0].text)


def test_the_qr_code_opens_this_sheet_again(client: FlaskClient) -> None:
    """The QR code decodes (with zxing, not the library that drew it) to this handout's URL,
    in the sheet's language."""
    routine = make_routine(client, **CLIMBING)
    response = client.get(f"/routines/{routine['id']}/handout?lang=es")
    page = parse(response.data)
    qr = next(svg for svg in page.svgs if svg.get("class") == "qr-code")
    assert qr
    assert qr_text(page.paths[0]) == f"http://localhost/routines/{routine['id']}/handout?lang=es"


def test_the_sheet_follows_the_language(client: FlaskClient) -> None:
    """lang=es (or Accept-Language: es) gives the Spanish sheet: its items' Spanish names, the
    Spanish notice, `<html lang="es">`; a language the release lacks is a 422."""
    routine = make_routine(client, **CLIMBING)
    spanish = programme_of(client, routine, "es")
    for response in (
        client.get(f"/routines/{routine['id']}/handout?lang=es"),
        client.get(f"/routines/{routine['id']}/handout", headers={"Accept-Language": "es"}),
    ):
        assert response.status_code == 200
        assert response.headers["Content-Language"] == "es"
        assert b'<html lang="es">' in response.data
        words = parse(response.data).words()
        for item in distinct(spanish):
            assert item["name"] in words
        assert spanish[0]["safety_notice"]["body"][0] in words
    bad = client.get(f"/routines/{routine['id']}/handout?lang=xx")
    assert bad.status_code == 422
    assert bad.mimetype == PROBLEM


def test_the_sheet_is_cached_and_revalidated(client: FlaskClient) -> None:
    """The same id gives the same bytes and strong ETag, cached a year (the id names its
    release); If-None-Match gives 304; the language is part of the validator."""
    routine = make_routine(client, **CLIMBING)
    url = f"/routines/{routine['id']}/handout"
    first, second = client.get(url), client.get(url)
    assert first.data == second.data
    etag = first.headers["ETag"]
    assert etag.startswith('"')
    assert "immutable" in first.headers["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url + "?lang=es").headers["ETag"] != etag


@pytest.mark.parametrize("suffix", ["handout", "handout.pdf"])
def test_no_handout_for_a_see_a_professional_routine(client: FlaskClient, suffix: str) -> None:
    """A routine that sends the person to a professional has no programme to print: 409."""
    flag = json_of(client.get("/screening?page_size=100"))[0]["id"]
    routine = make_routine(client, screening={flag: True})
    assert routine["status"] == "see-a-professional"
    response = client.get(f"/routines/{routine['id']}/{suffix}")
    assert response.status_code == 409
    assert response.mimetype == PROBLEM
    assert "no programme to print" in json_of(response)["detail"]


@pytest.mark.parametrize(
    ("query", "field"), [("paper=a5", "paper"), ("paper=", "paper"), ("x=1", "x")]
)
def test_bad_pdf_queries_are_422(client: FlaskClient, query: str, field: str) -> None:
    """Only a4 and letter are papers; unknown parameters are refused, naming the field."""
    routine = make_routine(client, **CLIMBING)
    response = client.get(f"/routines/{routine['id']}/handout.pdf?{query}")
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert field in response.get_data(as_text=True)


def test_without_chromium_the_pdf_is_a_503_and_the_html_still_works() -> None:
    """PDF_BROWSER naming no executable: the PDF answers 503 problem+json pointing at the HTML
    handout, never a 500; the HTML handout is unaffected."""
    app = create_app({"TESTING": True, "PDF_BROWSER": "/nonexistent/chromium"})
    client = app.test_client()
    routine = make_routine(client, **CLIMBING)
    response = client.get(f"/routines/{routine['id']}/handout.pdf")
    assert response.status_code == 503
    assert response.mimetype == PROBLEM
    detail = json_of(response)["detail"]
    assert f"/routines/{routine['id']}/handout" in detail
    assert "/nonexistent" not in detail
    assert client.get(f"/routines/{routine['id']}/handout").status_code == 200


class FakeChromium:
    """Stands in for playwright's driver: each page load sleeps and counts how many overlap."""

    def __init__(self) -> None:
        self.running = self.most = 0
        self.loads: list[str] = []
        self.guard = threading.Lock()
        self.chromium = self

    def __call__(self) -> FakeChromium:  # sync_playwright()
        return self

    def __enter__(self) -> FakeChromium:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def launch(self, **_: object) -> FakeChromium:
        return self

    def new_page(self) -> FakeChromium:
        return self

    def route(self, *_: object) -> None:
        return None

    def goto(self, url: str, **_: object) -> None:
        with self.guard:
            self.running += 1
            self.most = max(self.most, self.running)
            self.loads.append(url)
        time.sleep(0.05)
        with self.guard:
            self.running -= 1

    def pdf(self, **_: object) -> bytes:
        return b"%PDF-1.4 fake"

    def close(self) -> None:
        return None


def test_renders_are_cached_and_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Four threads asking four different PDFs at once: the renders (the real render_pdf
    around a fake browser) never overlap on a worker; asking one again renders nothing."""
    fake = FakeChromium()
    monkeypatch.setattr("playwright.sync_api.sync_playwright", fake)
    app = create_app({"TESTING": True, "PDF_BROWSER": "/bin/sh"})  # its own cache of fakes
    client = app.test_client()
    ids = [make_routine(client, **{**CLIMBING, "minutes": m})["id"] for m in (10, 20, 30, 40)]
    threads = [
        threading.Thread(target=app.test_client().get, args=(f"/routines/{rid}/handout.pdf",))
        for rid in ids
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert fake.most == 1
    assert len(fake.loads) == 4
    # Another Accept-Language of the same language misses the response cache (fastpath.py),
    # so this asks the render cache.
    again = client.get(f"/routines/{ids[0]}/handout.pdf", headers={"Accept-Language": "en-GB"})
    assert again.status_code == 200
    assert again.data == b"%PDF-1.4 fake"
    assert len(fake.loads) == 4


@pytest.fixture(scope="module")
def printed(app: Flask) -> tuple[dict[str, Any], list[Any], dict[str, bytes]]:
    client = app.test_client()
    routine = make_routine(client, **CLIMBING)
    weeks = programme_of(client, routine)
    pdfs = {
        paper: client.get(f"/routines/{routine['id']}/handout.pdf?paper={paper}").data
        for paper in ("a4", "letter")
    }
    return routine, weeks, pdfs


@needs_chromium
@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_the_pdf_has_the_sheets_pages_and_text(
    printed: tuple[dict[str, Any], list[Any], dict[str, bytes]], paper: str, size: tuple[int, int]
) -> None:
    """Printed by Chromium on the paper asked: page 1 is the head, notice and precautions;
    the items follow, each whole on one page; the last page is the tick grid and the chart.
    So the page count is 2 plus the pages the items take, and every text is there."""
    routine, weeks, pdfs = printed
    assert pdfs[paper].startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdfs[paper]))
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    for page in reader.pages:  # Chromium rounds A4's 595.3 x 841.9 points up
        assert abs(float(page.mediabox.width) - size[0]) <= 1.5
        assert abs(float(page.mediabox.height) - size[1]) <= 1.5
    items = distinct(weeks)
    holding = [  # an item's card is headed "N. name"; the grid names items too, without N.
        [index for index, text in enumerate(pages) if f"{number}. {item['name']}" in text]
        for number, item in enumerate(items, start=1)
    ]
    item_pages = sorted({index for found in holding for index in found})
    assert len(reader.pages) == 2 + len(item_pages)
    assert item_pages == list(range(1, 1 + len(item_pages)))
    assert routine["safety_notice"]["body"][0][:40] in pages[0]
    assert "Tick a box after each session" in pages[-1]
    assert "Your dose, week by week" in pages[-1]
    assert all(len(found) == 1 for found in holding), holding


def test_the_stylesheet_is_compressed_and_its_file_closed(client: FlaskClient) -> None:
    """/static/handout.css, compressed for a client that accepts br, decodes to the file's
    bytes; the file it was read from is closed (no ResourceWarning once collected)."""
    stylesheet = Path(__file__).resolve().parents[1] / "service" / "static" / "handout.css"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = client.get("/static/handout.css", headers={"Accept-Encoding": "br"})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "br"
        assert brotli.decompress(response.data) == stylesheet.read_bytes()
        response.close()
        del response
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
