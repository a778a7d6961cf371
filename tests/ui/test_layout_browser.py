"""The base layout in Chromium: labels, keyboard, themes, language, narrow screens."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import DownloadFactory

pytestmark = pytest.mark.browser

PAGES = ["/ui/", "/ui/downloads", "/ui/artists", "/ui/activity", "/ui/settings"]

UNLABELLED = """() => Array.from(document.querySelectorAll("input, select, textarea, button"))
    .filter((el) => el.type !== "hidden" && !el.closest("[hidden]"))
    .filter((el) => {
        const named = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
        const labelled = el.labels && el.labels.length > 0;
        const text = el.tagName === "BUTTON" && el.textContent.trim();
        return !(named || labelled || text);
    })
    .map((el) => el.outerHTML.slice(0, 120))"""

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_every_control_has_a_label_and_nothing_overflows_at_375px(browser):
    DownloadFactory(filename="Music\\" + "Very Long Folder Name " * 6 + "\\track.mp3")
    for path in PAGES:
        browser.open(path)
        browser.page.wait_for_timeout(300)
        assert browser.page.evaluate(UNLABELLED) == [], path
        browser.page.set_viewport_size({"width": 375, "height": 812})
        assert browser.page.evaluate(OVERFLOW) <= 0, path
        browser.page.set_viewport_size({"width": 1440, "height": 900})
    browser.assert_no_script_errors()


def test_skip_link_and_keyboard_navigation(browser):
    browser.open("/ui/")

    browser.page.keyboard.press("Tab")
    skip = browser.page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    browser.page.keyboard.press("Enter")
    expect(browser.page.locator("#main")).to_be_focused()

    browser.page.get_by_role("link", name="Downloads").focus()
    browser.page.keyboard.press("Enter")
    expect(browser.page).to_have_url(browser.base_url + "/ui/downloads")
    expect(browser.page.get_by_role("link", name="Downloads")).to_have_attribute(
        "aria-current", "page"
    )


def test_theme_follows_the_system_and_the_toggle(browser):
    browser.page.emulate_media(color_scheme="dark")
    browser.open("/ui/")
    background = "() => getComputedStyle(document.body).backgroundColor"
    dark = browser.page.evaluate(background)
    toggle = browser.page.get_by_role("button", name="Dunkles Design")
    expect(toggle).to_have_attribute("aria-pressed", "true")

    toggle.click()

    expect(toggle).to_have_attribute("aria-pressed", "false")
    light = browser.page.evaluate(background)
    assert light != dark
    browser.page.reload()
    assert browser.page.evaluate(background) == light
    expect(browser.page.locator("html")).to_have_attribute("data-theme", "light")
    browser.screenshots("dashboard-light", docs=False)
    toggle = browser.page.get_by_role("button", name="Dunkles Design")
    toggle.click()
    browser.screenshots("dashboard-dark")


def test_language_switch_to_english_localises_texts_and_dates(browser):
    DownloadFactory(filename="Music\\A\\song.mp3")
    browser.open("/ui/downloads")
    expect(browser.page.locator("#downloads-body time").first).to_have_text(
        re.compile(r"^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d$")
    )

    browser.page.get_by_label("Sprache").select_option("en")
    browser.page.get_by_role("button", name="Wechseln").click()

    expect(browser.page.get_by_role("heading", name="Test download")).to_be_visible()
    expect(browser.page.locator("html")).to_have_attribute("lang", "en")
    expect(browser.page.locator("#downloads-body time").first).to_have_text(
        re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d:\d\d$")
    )
    browser.page.goto(browser.base_url + "/ui/")
    expect(browser.page.locator('.worker-card[data-worker="sync"]')).to_contain_text(
        "Last seen: No data"
    )
    browser.assert_clean()


def test_login_page(browser):
    browser.page.context.clear_cookies()
    browser.open("/ui/downloads")

    expect(browser.page).to_have_url(browser.base_url + "/accounts/login?next=/ui/downloads")
    expect(browser.page.get_by_role("heading", name="Anmelden")).to_be_visible()
    browser.screenshots("login")
    browser.page.get_by_label("Benutzername").fill("operator")
    browser.page.get_by_label("Passwort").fill("wrong password")
    browser.page.get_by_role("button", name="Anmelden").click()
    expect(browser.page.get_by_role("alert")).to_be_visible()
    browser.assert_no_script_errors()
