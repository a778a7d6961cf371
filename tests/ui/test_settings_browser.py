"""Settings page in Chromium: save per service, secrets masked, 422 at the field, health tests."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.models import Setting, SettingHistory
from tests.ui.conftest import PAGE_BUDGET_BYTES

pytestmark = pytest.mark.browser

SECRET = "plex-secret-token-1a2b"


def test_saving_plex_settings_masks_the_token(browser):
    browser.open("/ui/settings")
    browser.page.get_by_role("tab", name="Plex").click()
    panel = browser.page.locator("#panel-plex")

    panel.get_by_label("Base URL").fill("http://plex.local:32400")
    panel.get_by_label("Token").fill(SECRET)
    panel.get_by_role("button", name="Speichern").click()

    browser.toast("Plex-Einstellungen gespeichert")
    token = panel.get_by_label("Token")
    expect(token).to_have_value("")
    expect(token).to_have_attribute("placeholder", "••••1a2b")
    assert Setting.objects.get(key="PLEX_TOKEN").value == SECRET
    assert Setting.objects.get(key="PLEX_BASE_URL").value == "http://plex.local:32400"
    assert SECRET not in browser.page.content()

    browser.page.locator("#history summary").click()
    history = browser.page.locator("#history-body")
    expect(history).to_contain_text("PLEX_TOKEN")
    expect(history).to_contain_text("••••1a2b")
    assert SECRET not in history.inner_text()

    browser.page.reload()
    browser.page.get_by_role("tab", name="Plex").click()
    expect(panel.get_by_label("Token")).to_have_attribute("placeholder", "••••1a2b")
    expect(panel.get_by_label("Base URL")).to_have_value("http://plex.local:32400")
    assert SECRET not in browser.page.content()
    browser.screenshots("settings")
    browser.assert_clean()
    assert browser.transferred_bytes() < PAGE_BUDGET_BYTES


def test_an_untouched_secret_is_not_sent(browser):
    Setting.objects.create(key="PLEX_TOKEN", value=SECRET, source=Setting.Source.USER)
    browser.open("/ui/settings")
    browser.page.get_by_role("tab", name="Plex").click()
    panel = browser.page.locator("#panel-plex")

    panel.get_by_label("Bibliotheksname").fill("Musik")
    panel.get_by_role("button", name="Speichern").click()

    browser.toast("Plex-Einstellungen gespeichert")
    assert Setting.objects.get(key="PLEX_TOKEN").value == SECRET
    assert list(SettingHistory.objects.values_list("key", flat=True)) == ["PLEX_LIBRARY"]


def test_validation_error_is_shown_at_the_field(browser):
    browser.open("/ui/settings")
    browser.page.get_by_role("tab", name="Plex").click()
    panel = browser.page.locator("#panel-plex")

    panel.get_by_label("Base URL").fill("ftp://plex.local")
    panel.get_by_role("button", name="Speichern").click()

    browser.toast("Plex-Einstellungen nicht gespeichert")
    field = panel.get_by_label("Base URL")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(panel.locator("#setting-plex-base-url-error")).to_contain_text("http(s) URL")
    assert not Setting.objects.filter(key="PLEX_BASE_URL").exists()
    browser.assert_no_script_errors()


def test_connection_tests_report_missing_values(browser, monkeypatch):
    monkeypatch.setenv("PLEX_BASE_URL", "http://plex.local:32400")
    monkeypatch.setenv("PLEX_TOKEN", "token")
    browser.open("/ui/settings")

    browser.page.get_by_role("tab", name="Plex").click()
    browser.page.locator("#panel-plex").get_by_role("button", name="Verbindung testen").click()
    ok = browser.toast("✅ Plex-Verbindung erfolgreich")
    expect(ok).to_contain_text("Optional: PLEX_LIBRARY")

    browser.page.get_by_role("tab", name="Soulseek").click()
    browser.page.locator("#panel-soulseek").get_by_role("button", name="Verbindung testen").click()
    browser.toast("❌ Soulseek-Verbindung fehlgeschlagen — Fehlende Werte: SLSKD_URL")
    browser.assert_clean()


def test_worker_tunables_and_keyboard_tabs(browser):
    browser.open("/ui/settings")
    spotify_tab = browser.page.get_by_role("tab", name="Spotify")
    spotify_tab.focus()

    browser.page.keyboard.press("End")

    worker_tab = browser.page.get_by_role("tab", name="Worker")
    expect(worker_tab).to_be_focused()
    expect(worker_tab).to_have_attribute("aria-selected", "true")
    panel = browser.page.locator("#panel-worker")
    panel.get_by_label("Parallele Sync-Übergaben").fill("3")
    panel.get_by_label("Inkrementeller Plex-Scan").select_option("false")
    panel.get_by_role("button", name="Speichern").click()
    browser.toast("Worker-Einstellungen gespeichert")
    assert Setting.objects.get(key="sync_worker_concurrency").value == "3"
    assert Setting.objects.get(key="scan_worker_incremental").value == "false"


def test_spotify_tab_shows_status_and_oauth_outcome(browser):
    browser.open("/ui/settings?spotify=connected")

    browser.toast("Spotify verbunden")
    status = browser.page.locator("#spotify-status")
    expect(status).to_contain_text("Nicht konfiguriert")
    expect(status).to_contain_text("SPOTIFY_CLIENT_ID")
    expect(browser.page.get_by_role("link", name="Mit Spotify verbinden")).to_have_attribute(
        "href", "/spotify/login"
    )
    browser.assert_clean()
