"""Fixtures of the page tests: the `/ui/` URLconf, a logged-in client, and a Playwright browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
CHROMIUM = os.environ.get("HARMONY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"
DOCS_SCREENSHOTS = Path(django_settings.BASE_DIR) / "docs" / "screenshots"
VIEWPORTS = {1440: 900, 375: 812}
PAGE_BUDGET_BYTES = 200_000
POLL_MS = 300


@pytest.fixture
def user(db, settings):
    # A fast hasher: every browser test logs in through the form (PBKDF2 costs ~1 s per check).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return UserFactory(username="operator")


@pytest.fixture
def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class BrowserLog:
    """What the page reported: console errors, uncaught exceptions and failed HTTP responses."""

    console_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)

    def script_errors(self) -> list[str]:
        """Console errors except Chromium's "Failed to load resource" lines (see failed_responses)."""
        return [e for e in self.console_errors if "Failed to load resource" not in e]


@dataclass
class Browser:
    """A logged-in Chromium page against the live server, with helpers for the tests."""

    page: object
    base_url: str
    log: BrowserLog

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("load")

    def toast(self, text: str):
        """The toast containing `text` (waits for it)."""
        locator = self.page.locator("#toasts .toast", has_text=text).first
        locator.wait_for(state="visible", timeout=5000)
        return locator

    def transferred_bytes(self) -> int:
        """Bytes of the document and every non-image resource loaded so far (Performance API)."""
        return self.page.evaluate(
            """() => {
                const size = (e) => e.transferSize || e.encodedBodySize || 0;
                const nav = performance.getEntriesByType("navigation")[0];
                const resources = performance.getEntriesByType("resource")
                    .filter((r) => r.initiatorType !== "img");
                return size(nav) + resources.reduce((sum, r) => sum + size(r), 0);
            }"""
        )

    def screenshots(self, name: str, *, docs: bool = True) -> None:
        """Full-page screenshots at 1440 and 375 px; with HARMONY_UPDATE_SCREENSHOTS=1 the
        1440 px one is also copied to docs/screenshots/<name>.png (unless `docs` is False)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        # No toasts over the content, and the sticky sidebar in its place at the top.
        self.page.evaluate(
            "document.getElementById('toasts')?.replaceChildren(); window.scrollTo(0, 0)"
        )
        for width, height in VIEWPORTS.items():
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.wait_for_timeout(100)
            self.page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        self.page.set_viewport_size({"width": 1440, "height": 900})
        if docs and os.environ.get("HARMONY_UPDATE_SCREENSHOTS") == "1":
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ARTIFACTS / f"{name}-1440.png", DOCS_SCREENSHOTS / f"{name}.png")

    def assert_no_script_errors(self) -> None:
        assert self.log.script_errors() == []

    def assert_clean(self) -> None:
        """No console errors and no failed requests at all (a fully working page)."""
        assert self.log.console_errors == []
        assert self.log.failed_responses == []


@pytest.fixture
def browser(live_server, transactional_db, settings, monkeypatch, user) -> Iterator[Browser]:
    """A Chromium page logged in through the login form, polling every 300 ms.

    Playwright's sync API keeps an event loop in this thread; the ORM calls the test itself makes
    are still synchronous, so Django's async-safety check is switched off for the test only.
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.HARMONY_UI_POLL_MS = POLL_MS
    log = BrowserLog()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(
            viewport={"width": 1440, "height": 900},
            locale="de-DE",
            timezone_id="Europe/Berlin",
            accept_downloads=True,
        )
        context.set_default_timeout(8000)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and log.console_errors.append(m.text))
        page.on("pageerror", lambda e: log.console_errors.append(f"uncaught: {e}"))
        page.on(
            "response",
            lambda r: r.status >= 400 and log.failed_responses.append(f"{r.status} {r.url}"),
        )
        page.goto(live_server.url + "/accounts/login")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/ui/")
        page.wait_for_load_state("load")
        # Park on a blank page: the dashboard would keep polling while the test seeds data.
        page.goto("about:blank")
        try:
            yield Browser(page=page, base_url=live_server.url, log=log)
        finally:
            context.close()
            chromium.close()
