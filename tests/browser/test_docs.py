"""Swagger UI in a real browser: it works offline, under the strict CSP, and runs requests."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page

from service.api.examples import examples

RELEASES = Path(__file__).resolve().parents[2] / "service" / "content" / "releases"

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CSP_MESSAGE = re.compile(r"content security policy|refused to", re.IGNORECASE)


class Watch:
    """Every request the page makes, its console, and CSP violation events."""

    def __init__(self, page: Page) -> None:
        self.requests: list[str] = []
        self.console: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: self.console.append(message.text))
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__violations.push(e.effectiveDirective + ' ' + e.blockedURI));"
        )

    def foreign(self) -> list[str]:
        return [
            url
            for url in self.requests
            if not url.startswith(("data:", "blob:")) and urlsplit(url).hostname != "127.0.0.1"
        ]


def _example_exercise_name() -> str:
    """The example exercise's name in the example language, from the translation file."""
    found = examples()
    folder = RELEASES / found["release"]
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    name = found["entries"]["exercises"]["name"]
    if found["language"] == manifest.get("languages", [found["language"]])[0]:
        return str(name)
    translated = folder / "translations" / found["language"] / "exercises.json"
    entries = json.loads(translated.read_text("utf-8"))
    return str(next(e["name"] for e in entries if e["id"] == found["ids"]["exercises"]))


def _execute(page: Page, operation: str) -> tuple[str, str]:
    """Expand an operation, press Try it out then Execute; the status and body it shows."""
    block = page.locator(f"#{operation}")
    block.locator(".opblock-summary").first.click()
    block.locator(".try-out__btn").click()
    if operation.endswith("getExercise"):
        # The id is a plain text field, filled from the document's example.
        block.locator("tr[data-param-name='exercise_id'] input").first.fill(
            examples()["ids"]["exercises"]
        )
    block.locator("button.execute").click()
    live = block.locator(".live-responses-table tbody tr.response")
    status = live.locator(".response-col_status").first
    status.wait_for()
    body = live.locator(".response-col_description .highlight-code pre").first
    body.wait_for()
    return status.inner_text().strip(), body.inner_text()


def test_swagger_ui_runs_requests_offline_under_the_csp(base_url: str, browser: Browser) -> None:
    """Open /docs, run GET /exercises/{id} and POST /routines; nothing leaves 127.0.0.1."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(20_000)
    watch = Watch(page)
    response = page.goto(f"{base_url}/docs")
    assert response is not None
    assert response.status == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]

    status, body = _execute(page, "operations-exercises-getExercise")
    assert status.startswith("200")
    # Try it out fills `lang` with its example, so the exercise comes in that language.
    assert f'"name": "{_example_exercise_name()}"' in body

    status, body = _execute(page, "operations-routines-createRoutine")
    assert status.startswith("200")
    assert '"name": "warm-up"' in body
    assert '"safety_notice"' in body

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs.png"), full_page=True)
    violations = page.evaluate("window.__violations")
    page.close()
    assert watch.foreign() == []
    assert [message for message in watch.console if CSP_MESSAGE.search(message)] == []
    assert violations == []
