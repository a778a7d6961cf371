"""Dashboard in Chromium: worker cards follow heartbeats, sync card, feed, downloads widget."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from activity import catalogue as ev
from activity.recorder import record
from core.workers.heartbeat import beat
from downloads.models import Download, SyncRun
from tests.factories import DownloadFactory
from tests.ui.conftest import PAGE_BUDGET_BYTES

pytestmark = pytest.mark.browser


def test_worker_card_follows_a_heartbeat(browser):
    browser.open("/ui/")
    card = browser.page.locator('.worker-card[data-worker="sync"]')
    expect(card).to_contain_text("Stopped")
    expect(card).to_contain_text("Zuletzt gesehen: Keine Daten")

    beat("sync")

    expect(card).to_contain_text("Running")
    expect(card).to_contain_text("Queue: 0")
    expect(card).to_contain_text("vor 0s")
    autosync = browser.page.locator('.worker-card[data-worker="autosync"]')
    expect(autosync).to_contain_text("scheduled: 0 • running: 0")
    expect(browser.page.locator('.worker-card[data-worker="scan"]')).to_contain_text("Queue: n/a")
    browser.assert_clean()
    assert browser.transferred_bytes() < PAGE_BUDGET_BYTES


def test_connections_card_shows_each_service(browser, monkeypatch):
    monkeypatch.setenv("SLSKD_URL", "http://127.0.0.1:5030")

    browser.open("/ui/")

    connections = browser.page.locator("#connections")
    expect(connections.locator('[data-service="soulseek"]')).to_have_text("✅ Verbunden")
    expect(connections.locator('[data-service="spotify"]')).to_have_text("❌ Fehler")
    expect(connections.locator('[data-service="plex"]')).to_have_text("❌ Fehler")
    browser.assert_clean()


def test_manual_sync_without_credentials_shows_sync_blocked(browser):
    browser.open("/ui/")

    browser.page.get_by_role("button", name="Sync auslösen").click()

    toast = browser.toast("Sync blockiert")
    expect(toast).to_contain_text("SPOTIFY_CLIENT_ID")
    expect(toast).to_contain_text("PLEX_TOKEN")
    expect(toast).to_contain_text("SLSKD_URL")
    expect(toast.get_by_role("link", name="Einstellungen öffnen")).to_have_attribute(
        "href", "/ui/settings"
    )
    expect(browser.page.get_by_role("button", name="Sync auslösen")).to_be_enabled()
    browser.assert_no_script_errors()


def test_manual_sync_starts_once_and_then_reports_a_running_sync(browser, monkeypatch):
    for key, value in {
        "SPOTIFY_CLIENT_ID": "id",
        "SPOTIFY_CLIENT_SECRET": "secret",
        "SPOTIFY_REDIRECT_URI": "http://127.0.0.1:8000/spotify/callback",
        "PLEX_BASE_URL": "http://127.0.0.1:32400",
        "PLEX_TOKEN": "token",
        "SLSKD_URL": "http://127.0.0.1:5030",
    }.items():
        monkeypatch.setenv(key, value)
    browser.open("/ui/")
    button = browser.page.get_by_role("button", name="Sync auslösen")

    button.click()
    browser.toast("✅ Sync gestartet")
    assert SyncRun.objects.filter(trigger=SyncRun.Trigger.MANUAL).count() == 1

    button.click()
    browser.toast("Sync läuft bereits")
    assert SyncRun.objects.count() == 1
    expect(browser.page.locator("#search-budget")).to_contain_text("Suchen im Zeitfenster: 0 von")
    browser.assert_no_script_errors()


def test_activity_feed_filters_and_expands_details(browser):
    record(
        ev.SYNC,
        ev.SYNC_COMPLETED,
        {
            "sources": ["spotify", "plex", "soulseek"],
            "counters": {"tracks_synced": 18, "tracks_skipped": 4, "errors": 1},
            "errors": [{"source": "plex", "message": "plex offline"}],
        },
    )
    record(ev.WORKER, ev.STALE, {"worker": "matching", "threshold_seconds": 60})
    record(ev.DOWNLOAD, ev.FAILED, {"download_id": 42, "filename": "x.mp3", "error": "boom"})

    browser.open("/ui/")

    feed = browser.page.locator("#activity-feed")
    expect(feed.locator(".feed-item")).to_have_count(3)
    sync_item = feed.locator('.feed-item[data-type="sync"]')
    expect(sync_item.locator(".feed-type")).to_have_text("Synchronisierung")
    expect(sync_item.locator(".badge")).to_have_class("badge badge-green")
    sync_item.get_by_text("Details").click()
    expect(sync_item).to_contain_text("tracks_synced: 18")
    expect(sync_item.locator(".error-block")).to_have_attribute("title", "plex: plex offline")
    worker_item = feed.locator('.feed-item[data-type="worker"]')
    expect(worker_item).to_contain_text("⚠️")
    expect(worker_item.locator(".badge")).to_have_class("badge badge-amber")

    browser.page.select_option("#feed-filter", "worker")

    expect(feed.locator(".feed-item")).to_have_count(1)
    expect(feed.locator(".feed-item")).to_have_attribute("data-type", "worker")
    browser.assert_clean()


def test_dashboard_with_a_busy_day(browser):
    """The README picture: heartbeats, downloads, and a feed with every kind of badge."""
    for worker in ("sync", "matching", "playlist"):
        beat(worker)
    beat("scan", "stale")
    record(ev.WORKER, ev.RESTARTED, {"worker": "playlist", "previous_status": "stopped"})
    record(ev.SYNC, ev.SYNC_STARTED, {"trigger": "manual", "sources": ["spotify", "plex"]})
    record(ev.DOWNLOAD, ev.QUEUED, {"download_ids": [41, 42], "username": "dj_user"})
    record(
        ev.SYNC,
        ev.SYNC_PARTIAL,
        {
            "sources": ["spotify", "plex", "soulseek"],
            "counters": {"tracks_synced": 18, "tracks_skipped": 4, "errors": 1},
            "errors": [{"source": "plex", "message": "plex offline"}],
        },
    )
    record(ev.SEARCH, ev.SEARCH_COMPLETED, {"query": "Daft Punk", "matches": {"spotify": 9}})
    DownloadFactory(filename="Music\\Daft Punk\\Discovery\\04 - Harder.mp3", priority=8)
    DownloadFactory(
        filename="Music\\Air\\Moon Safari\\01 - La femme d'argent.flac",
        status=Download.Status.RUNNING,
        progress=64.2,
    )
    DownloadFactory(filename="Music\\X\\broken.mp3", status=Download.Status.FAILED)

    browser.open("/ui/")

    expect(browser.page.locator("#activity-feed .feed-item")).to_have_count(5)
    expect(browser.page.locator('.worker-card[data-worker="scan"]')).to_contain_text("Stale")
    browser.page.locator('#activity-feed .feed-item[data-status="sync_partial"] summary').click()
    browser.screenshots("dashboard")
    browser.assert_clean()


def test_empty_feed_says_so_once(browser):
    browser.open("/ui/")

    expect(browser.page.locator("#activity-feed")).to_contain_text("Keine Aktivitäten vorhanden")
    browser.page.wait_for_timeout(1000)  # several polls
    expect(browser.page.locator("#toasts .toast", has_text="Keine Aktivitäten")).to_have_count(1)


def test_downloads_widget_lists_active_and_cancels(browser):
    queued = DownloadFactory(filename="Music\\Daft Punk\\01 - One More Time.mp3", priority=4)
    DownloadFactory(status=Download.Status.RUNNING, progress=45.0)
    DownloadFactory(status=Download.Status.FAILED, filename="Music\\X\\broken.mp3")

    browser.open("/ui/")

    widget = browser.page.locator("#active-downloads")
    expect(widget.locator("tbody tr")).to_have_count(2)
    expect(widget).to_contain_text("01 - One More Time.mp3")
    expect(widget).to_contain_text("45 %")
    expect(browser.page.locator("#failed-downloads")).to_contain_text("broken.mp3")
    expect(browser.page.locator("#downloads-more")).to_be_hidden()

    widget.get_by_role("button", name="01 - One More Time.mp3 abbrechen").click()

    browser.toast("Download abgebrochen")
    expect(widget.locator("tbody tr")).to_have_count(1)
    queued.refresh_from_db()
    assert queued.status == Download.Status.CANCELLED
    browser.screenshots("dashboard-downloads", docs=False)
    browser.assert_clean()


def test_downloads_widget_links_to_all_when_six_are_active(browser):
    DownloadFactory.create_batch(6)

    browser.open("/ui/")

    expect(browser.page.locator("#active-downloads tbody tr")).to_have_count(5)
    expect(browser.page.get_by_role("link", name="Alle anzeigen")).to_have_attribute(
        "href", "/ui/downloads"
    )


def test_failing_feed_shows_the_error_once_and_recovers(browser):
    record(ev.SYNC, ev.SYNC_STARTED, {"sources": ["spotify"]})
    browser.page.route(
        "**/api/activity?*",
        lambda route: route.fulfill(
            status=503, content_type="application/json", body='{"detail": "Database busy"}'
        ),
    )
    browser.page.goto(browser.base_url + "/ui/")
    browser.page.evaluate("document.getElementById('activity-feed').replaceChildren()")

    feed = browser.page.locator("#activity-feed")
    expect(feed).to_contain_text("Der Aktivitätsfeed ist derzeit nicht verfügbar")
    browser.page.wait_for_timeout(1000)  # several failing polls
    toasts = browser.page.locator("#toasts .toast", has_text="Database busy")
    expect(toasts).to_have_count(1)
    expect(browser.page.get_by_role("button", name="Sync auslösen")).to_be_enabled()

    browser.page.unroute("**/api/activity?*")

    expect(feed.locator(".feed-item")).to_have_count(1)
    browser.assert_no_script_errors()


def test_missing_downloads_endpoint_leaves_the_page_usable(browser):
    browser.page.route(
        "**/api/downloads?*",
        lambda route: route.fulfill(
            status=404, content_type="application/json", body='{"detail": "Not found"}'
        ),
    )
    browser.page.goto(browser.base_url + "/ui/")

    expect(browser.page.locator("#active-downloads")).to_contain_text(
        "Downloads sind derzeit nicht verfügbar", timeout=5000
    )
    expect(browser.page.locator(".worker-card")).to_have_count(5)
    browser.assert_no_script_errors()


def test_polling_pauses_while_the_tab_is_hidden(browser):
    browser.open("/ui/")
    requests: list[str] = []
    browser.page.on("request", lambda r: "/status" in r.url and requests.append(r.url))
    visibility = """(hidden) => {
        Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""

    browser.page.evaluate(visibility, True)
    browser.page.wait_for_timeout(400)  # a poll already in flight may still finish
    requests.clear()
    browser.page.wait_for_timeout(1200)  # four intervals
    assert requests == []

    browser.page.evaluate(visibility, False)
    browser.page.wait_for_timeout(500)
    assert requests
