"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

Playwright's own browser download does not work on these machines; the system Chromium is used
with the flags of ARCHITECTURE.md. Screenshots land in ``test-artifacts/screenshots/`` so a person
can look at what the pages show. In CI (CHENGXIN_REQUIRE_ALL_SUITES=1) a missing browser is a
failure, not a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = Path(os.environ.get("CHENGXIN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path("test-artifacts") / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it
# are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (scripts/ensure-browser.sh)"
        if os.environ.get("CHENGXIN_REQUIRE_ALL_SUITES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server, request):
    """A page of a fresh browser context; every HTML document it is served (pages and htmx
    fragments) is kept under test-artifacts/pages/ for the leak scan (tests/leakscan.py)."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.on("response", _html_keeper(name=request.node.name))
    yield page
    context.close()


def _html_keeper(*, name: str):
    """A response handler that writes each HTML body at once (a page's earlier documents are
    gone once it navigates on)."""
    from tests.leakscan import PAGES

    PAGES.mkdir(parents=True, exist_ok=True)
    safe = "".join(
        character if character.isalnum() or character in "-_" else "_" for character in name
    )
    served = iter(range(1_000_000))

    def keep(response) -> None:
        if "text/html" not in (response.headers.get("content-type") or ""):
            return
        try:
            body = response.body()
        except PlaywrightError:
            return  # a redirect, whose body the browser does not keep
        (PAGES / f"{safe}-{next(served):03d}.html").write_bytes(body)

    return keep


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/screenshots/NAME.png."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
