"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, for the pages the
gateway serves: what a visitor's browser asks for, logs and shows."""

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As the machine notes say: without the background-networking flags Chromium tries to reach
# Google's hosts at every start, which is a request leaving the machine.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    """Chromium's path. Missing on a developer's machine: skipped, with the command to get it.
    Missing in CI (CI=true, .ci/run installs it): a failure, never a silent skip."""
    if shutil.which(CHROMIUM):
        return CHROMIUM
    message = f"{CHROMIUM} not found: apt-get install chromium"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Visit:
    """What one page load did: every request, console message and uncaught error."""

    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def outside(self, origin: str) -> list[str]:
        """Requests to anything but the page's own origin (blob: and data: stay in the browser)."""
        own = urlsplit(origin).netloc
        parts = [urlsplit(url) for url in self.requests]
        return [part.geturl() for part in parts if part.scheme not in ("blob", "data") and part.netloc != own]


@pytest.fixture(scope="module")
def browser_context():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="lotr-chromium-")  # a fresh --user-data-dir
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=executable, headless=True, args=FLAGS, viewport={"width": 1200, "height": 900}
            )
            yield context
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def visit(browser_context):
    """visit(url) → a Visit, the page loaded and the network quiet."""
    pages = []

    def load(url: str, settle_ms: int = 500) -> Visit:
        page = browser_context.new_page()
        pages.append(page)
        seen = Visit(page)
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on("requestfailed", lambda request: seen.failed.append(f"{request.url}: {request.failure}"))
        page.on("console", lambda message: message.type == "error" and seen.console_errors.append(message.text))
        page.on("pageerror", lambda error: seen.console_errors.append(str(error)))
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(settle_ms)
        return seen

    yield load
    for page in pages:
        page.close()
