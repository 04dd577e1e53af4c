"""Real pages in Debian's Chromium through Playwright, against `facilitator serve` on a free port.

Screenshots go to test-artifacts/ (gitignored), to be looked at.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from e2e.server import Server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
EMAIL, PASSWORD = "chair@example.org", "a long enough password"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}

sync_api = pytest.importorskip("playwright.sync_api")
if not shutil.which(CHROMIUM):
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`facilitator serve` with its own SQLite database and an organizer; stopped by pid at the end."""
    srv = Server(tmp_path_factory.mktemp("browser"), {
        "FACILITATOR_SECRET_KEY": "browser-test-secret",
        "FACILITATOR_ASYNC_MODE": os.environ.get("BROWSER_TEST_ASYNC_MODE", "gevent")})
    try:
        srv.start()
        srv.cli("create-organizer", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
        yield srv
    finally:
        srv.stop()
    assert "Traceback" not in srv.output(), srv.output()


def new_workshop(srv, title="Creativity and generative AI") -> dict:
    return json.loads(srv.cli("create-workshop", "--title", title, "--template", "igf-ai-copyright",
                              "--organizer", EMAIL, "--json"))


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


def watch_csp(page) -> list[str]:
    """Collect the page's Content-Security-Policy violations (there must be none)."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text)
            if "Content Security Policy" in message.text else None)
    return seen
