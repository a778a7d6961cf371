"""Every page with the Django client: login, German labels, English, CSP-safe markup, first data."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from activity import catalogue as ev
from activity.recorder import record
from core.models import Setting
from tests.factories import DownloadFactory, WatchlistArtistFactory

PAGES = {
    "/ui/": [
        "Dashboard",
        "Service-Verbindungen",
        "Manueller Sync",
        "Sync auslösen",
        "Aktive Downloads",
    ],
    "/ui/downloads": [
        "Test-Download",
        "Soulseek-Benutzer",
        "Dateipfad",
        "Alle fehlgeschlagenen neu starten",
    ],
    "/ui/artists": ["Gefolgte Artists", "Für Sync aktivieren", "Änderungen speichern", "Watchlist"],
    "/ui/activity": [
        "Activity History",
        "Alle Typen",
        "Alle Stati",
        "Export JSON",
        "Aktualisieren",
    ],
    "/ui/settings": [
        "Spotify",
        "Plex",
        "Soulseek",
        "Worker",
        "Verbindung testen",
        "Änderungsverlauf",
    ],
}
ENGLISH = {
    "/ui/": "Trigger sync",
    "/ui/downloads": "Restart all failed",
    "/ui/artists": "Enable for sync",
    "/ui/activity": "All statuses",
    "/ui/settings": "Test connection",
}
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def _json_script(html: str, element_id: str):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, element_id
    return json.loads(match.group(1))


@pytest.mark.parametrize(("url", "labels"), PAGES.items())
def test_page_renders_german_labels_for_a_logged_in_user(page_client, url, labels):
    response = page_client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    for label in labels:
        assert label in html, label
    assert 'aria-current="page"' in html
    assert _json_script(html, "ui-strings")["No active downloads"] == "Keine Downloads aktiv"


@pytest.mark.parametrize("url", [*PAGES, "/ui/language"])
def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login?next=")


@pytest.mark.parametrize("url", [*PAGES, "/accounts/login"])
def test_markup_has_no_inline_script_style_or_handler(client: Client, user, url):
    if url != "/accounts/login":
        client.force_login(user)

    response = client.get(url)

    html = response.content.decode()
    for attributes in SCRIPT_TAG.findall(html):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert not EVENT_HANDLER.search(html)
    assert not STYLE_ATTRIBUTE.search(html)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


@pytest.mark.parametrize(("url", "label"), ENGLISH.items())
def test_english_via_accept_language(page_client, url, label):
    response = page_client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert label in html
    assert _json_script(html, "ui-strings")["No active downloads"] == "No active downloads"


def test_language_switch_sets_the_cookie_and_returns(page_client):
    response = page_client.post("/ui/language", {"language": "en", "next": "/ui/downloads"})

    assert response.status_code == 302
    assert response["Location"] == "/ui/downloads"
    assert page_client.cookies["django_language"].value == "en"
    assert "Restart all failed" in page_client.get("/ui/downloads").content.decode()


def test_login_page_is_german_and_english(client: Client):
    assert "Anmelden" in client.get("/accounts/login").content.decode()
    english = client.get("/accounts/login", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in" in english


def test_dashboard_renders_first_data_from_the_api(page_client):
    record(ev.SYNC, ev.SYNC_COMPLETED, {"counters": {"tracks_synced": 2}})
    download = DownloadFactory(priority=3)

    html = page_client.get("/ui/").content.decode()

    initial = _json_script(html, "initial-data")
    assert set(initial["status"]["workers"]) == {"sync", "matching", "scan", "playlist", "autosync"}
    assert initial["status"]["connections"] == {
        "spotify": "fail",
        "plex": "fail",
        "soulseek": "fail",
    }
    assert initial["activity"]["total_count"] == 1
    assert initial["activity"]["items"][0]["status"] == "sync_completed"
    assert initial["downloads"]["downloads"][0]["id"] == download.pk
    assert initial["failed"] == {"downloads": []}


def test_downloads_page_renders_the_first_page_of_active_downloads(page_client):
    active = DownloadFactory()
    DownloadFactory(status="completed")

    html = page_client.get("/ui/downloads").content.decode()

    initial = _json_script(html, "initial-data")
    assert [row["id"] for row in initial["downloads"]] == [active.pk]


def test_activity_page_applies_filters_from_the_address(page_client):
    for _ in range(3):
        record(ev.DOWNLOAD, ev.FAILED, {"download_id": 1})
    record(ev.SYNC, ev.SYNC_STARTED, {})

    html = page_client.get("/ui/activity?type=download&page=1").content.decode()

    initial = _json_script(html, "initial-data")
    assert initial["total_count"] == 3
    assert initial["page"] == 1
    assert '<option value="download" selected>' in html


def test_activity_page_survives_garbage_parameters(page_client):
    response = page_client.get("/ui/activity?page=abc&type=" + "x" * 500)

    assert response.status_code == 200


def test_artists_page_renders_the_watchlist(page_client):
    WatchlistArtistFactory(name="Daft <Punk>")

    html = page_client.get("/ui/artists").content.decode()

    initial = _json_script(html, "initial-data")
    assert initial["watchlist"]["items"][0]["name"] == "Daft <Punk>"
    assert "Daft <Punk>" not in html  # json_script escapes: no markup injection (T17)


def test_settings_page_never_contains_a_secret(page_client):
    secret = "super-secret-plex-token-9z9z"
    Setting.objects.create(key="PLEX_TOKEN", value=secret, source=Setting.Source.USER)
    Setting.objects.create(key="SLSKD_API_KEY", value="slskd-key-7777", source=Setting.Source.USER)
    Setting.objects.create(key="PLEX_BASE_URL", value="http://plex.lan:32400", source="user")

    response = page_client.get("/ui/settings?spotify=connected")

    html = response.content.decode()
    assert secret not in html
    assert "slskd-key-7777" not in html
    assert 'placeholder="••••9z9z"' in html
    assert 'value="http://plex.lan:32400"' in html
    assert 'data-spotify-result="connected"' in html
    assert response["Cache-Control"] == "no-store"
    assert re.search(r'type="password"[^>]*data-key="PLEX_TOKEN"[^>]*value=""', html)


def test_settings_page_ignores_unknown_oauth_outcomes(page_client):
    html = page_client.get("/ui/settings?spotify=<script>").content.decode()

    assert "data-spotify-result" not in html


def test_unknown_page_is_an_html_404(page_client):
    response = page_client.get("/ui/nope")

    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
