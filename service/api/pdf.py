"""Print a page to PDF with Chromium, driven by playwright: one render at a time per worker.

The page is loaded from a made-up origin that only this process answers: its HTML, and the
files under /static/ it links, come from the package; every other request is aborted, so a
render never reaches the network. Raises ``PdfUnavailable`` when Chromium or playwright is
missing or the render fails; the API answers 503 then.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

ORIGIN = "http://handout.invalid"  # .invalid never resolves (RFC 2606): only our route answers
PAPERS = {"a4": "A4", "letter": "Letter"}
TIMEOUT_MS = 30_000
BROWSER_ARGS = [
    "--no-sandbox",  # the service may run as root in a container, where the sandbox cannot
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_one_at_a_time = threading.Lock()


class PdfUnavailable(RuntimeError):
    """No PDF can be made here: the engine is missing, or it failed."""


def engine_path(configured: str) -> str | None:
    """The Chromium executable to use, None when there is none."""
    return configured if configured and os.access(configured, os.X_OK) else None


def render_pdf(
    html: str, path: str, assets: Callable[[str], bytes | None], *, paper: str, browser: str
) -> bytes:
    """The PDF of `html`, served at `path` of the made-up origin; `assets` answers the other
    paths it links (None: 404). Raises PdfUnavailable."""
    executable = engine_path(browser)
    if executable is None:
        raise PdfUnavailable(f"no Chromium at {browser or '(unset)'}")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:  # pragma: no cover - a dependency of the package
        raise PdfUnavailable("playwright is not installed") from error

    def route(found: object) -> None:
        request = found.request  # type: ignore[attr-defined]
        parts = urlsplit(request.url)
        if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
            found.abort()  # type: ignore[attr-defined]
        elif parts.path == path:
            found.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)  # type: ignore[attr-defined]
        else:
            data = assets(parts.path)
            if data is None:
                found.fulfill(status=404, body="")  # type: ignore[attr-defined]
            else:
                found.fulfill(status=200, content_type=_type(parts.path), body=data)  # type: ignore[attr-defined]

    with _one_at_a_time:
        try:
            with sync_playwright() as driver:
                chromium = driver.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
                try:
                    page = chromium.new_page()
                    page.route("**/*", route)
                    page.goto(ORIGIN + path, wait_until="load", timeout=TIMEOUT_MS)
                    return page.pdf(format=PAPERS[paper], print_background=True)
                finally:
                    chromium.close()
        except Error as error:
            raise PdfUnavailable(f"Chromium could not print the page: {error.message}") from None


def _type(path: str) -> str:
    return {"css": "text/css", "js": "text/javascript", "svg": "image/svg+xml"}.get(
        path.rpartition(".")[2], "application/octet-stream"
    )
