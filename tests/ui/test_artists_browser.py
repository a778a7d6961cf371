"""Artists page in Chromium: followed artists, release filters and preferences, watchlist."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.settings_store import write_system
from integrations import spotify_auth
from tests.factories import WatchlistArtistFactory
from tests.fakes.spotify import FakeSpotify
from tests.ui.conftest import PAGE_BUDGET_BYTES
from watchlist.models import ArtistPreference, WatchlistArtist

pytestmark = pytest.mark.browser


@pytest.fixture
def spotify(fake_spotify: FakeSpotify, monkeypatch, transactional_db, live_server) -> FakeSpotify:
    """Harmony connected to a fake Spotify user who follows three artists."""
    monkeypatch.setenv("SPOTIFY_CLIENT_ID", fake_spotify.client_id)
    monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", fake_spotify.client_secret)
    monkeypatch.setenv("SPOTIFY_REDIRECT_URI", live_server.url + "/spotify/callback")
    monkeypatch.setenv("SPOTIFY_API_URL", fake_spotify.api_url)
    monkeypatch.setenv("SPOTIFY_ACCOUNTS_URL", fake_spotify.url)
    spotify_auth.reset_process_state()
    write_system("SPOTIFY_REFRESH_TOKEN", fake_spotify.issue_refresh_token())
    # Images on the live server itself: the test never reaches Spotify's CDN.
    cover = [{"url": live_server.url + "/static/img/harmony.svg", "width": 64, "height": 64}]
    daft = fake_spotify.add_artist("Daft Punk", id="4tZwfgrHOc3mvqYlEYSvVi", images=cover)
    air = fake_spotify.add_artist("Air", id="6ZKk3aJ9VnEtUpKlL5yX7r", images=[])
    boc = fake_spotify.add_artist("Boards of Canada", id="2VAvhf61GgLYmC6C8anyX1", images=[])
    fake_spotify.make_tracks(3, artist="Daft Punk", album="Discovery")
    fake_spotify.add_album("One More Time", "Daft Punk", id="single1", album_type="single")
    fake_spotify.add_track("One More Time", "Daft Punk", "One More Time")
    fake_spotify.add_album(
        "Alive 1997 EP", "Daft Punk", id="ep1", album_type="single", release_date="1997-01-01"
    )
    fake_spotify.add_album("Twoism", "Boards of Canada", id="single2", album_type="single")
    fake_spotify.follow_artists([daft, boc, air])
    yield fake_spotify
    spotify_auth.reset_process_state()


def test_followed_artists_releases_and_preferences(browser, spotify):
    browser.open("/ui/artists")
    names = browser.page.locator(".artist-name")
    expect(names).to_have_text(["Air", "Boards of Canada", "Daft Punk"])

    browser.page.get_by_role("button", name="Daft Punk", exact=False).first.click()

    rows = browser.page.locator("#releases-body tr[data-release]")
    expect(rows).to_have_count(3)
    expect(browser.page.locator(".artist-item", has_text="Daft Punk")).to_contain_text("3 Releases")
    discovery = rows.filter(has_text="Discovery")
    expect(discovery).to_contain_text("Album")
    expect(discovery).to_contain_text("2001")
    expect(discovery).to_contain_text("3")

    browser.page.get_by_role("tab", name="Singles").click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("One More Time")
    browser.page.get_by_role("tab", name="EPs").click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Alive 1997 EP")
    browser.page.get_by_role("tab", name="Alle").click()
    expect(rows).to_have_count(3)

    save = browser.page.get_by_role("button", name="Änderungen speichern")
    expect(save).to_be_disabled()
    browser.page.get_by_role("switch", name="Für Sync aktivieren: Discovery").check()
    expect(save).to_be_enabled()
    save.click()

    browser.toast("Präferenzen gespeichert")
    expect(save).to_be_disabled()
    stored = dict(
        ArtistPreference.objects.filter(artist_id="4tZwfgrHOc3mvqYlEYSvVi").values_list(
            "release_id", "selected"
        )
    )
    assert len(stored) == 3
    assert sum(stored.values()) == 1
    browser.screenshots("artists")
    browser.assert_clean()
    assert browser.transferred_bytes() < PAGE_BUDGET_BYTES


def test_discard_restores_the_stored_state(browser, spotify):
    browser.open("/ui/artists")
    browser.page.get_by_role("button", name="Daft Punk", exact=False).first.click()
    switch = browser.page.get_by_role("switch", name="Für Sync aktivieren: One More Time")

    switch.check()
    browser.page.get_by_role("button", name="Änderungen verwerfen").click()

    expect(switch).not_to_be_checked()
    expect(browser.page.get_by_role("button", name="Änderungen speichern")).to_be_disabled()
    assert not ArtistPreference.objects.exists()


def test_artist_without_releases(browser, spotify):
    browser.open("/ui/artists")

    browser.page.get_by_role("button", name="Air", exact=False).first.click()

    expect(browser.page.locator("#releases-body")).to_contain_text("Keine Releases verfügbar")


def test_filter_without_matches(browser, spotify):
    browser.open("/ui/artists")
    browser.page.get_by_role("button", name="Boards of Canada", exact=False).first.click()
    expect(browser.page.locator("#releases-body tr[data-release]")).to_have_count(1)

    browser.page.get_by_role("tab", name="Alben").click()

    expect(browser.page.locator("#releases-body")).to_contain_text("Keine Releases gefunden")
    browser.page.get_by_role("button", name="Daft Punk", exact=False).first.click()
    expect(browser.page.get_by_role("tab", name="Alle")).to_have_attribute("aria-selected", "true")


def test_watchlist_add_duplicate_and_remove(browser, spotify):
    WatchlistArtistFactory(name="Röyksopp", spotify_artist_id="5nPOO9iTcrs9k6yFffPxjH")
    browser.open("/ui/artists")
    watchlist = browser.page.locator("#watchlist-body")
    expect(watchlist).to_contain_text("Röyksopp")

    browser.page.get_by_role("button", name="Air zur Watchlist hinzufügen").click()

    browser.toast("Zur Watchlist hinzugefügt: Air")
    expect(watchlist).to_contain_text("Air")
    expect(browser.page.get_by_role("button", name="Air zur Watchlist hinzufügen")).to_be_disabled()
    assert WatchlistArtist.objects.filter(spotify_artist_id="6ZKk3aJ9VnEtUpKlL5yX7r").exists()

    browser.page.get_by_label("Spotify-Artist-ID").fill("6ZKk3aJ9VnEtUpKlL5yX7r")
    browser.page.get_by_label("Name", exact=True).fill("Air again")
    browser.page.get_by_role("button", name="Zur Watchlist", exact=True).last.click()
    browser.toast("Artist bereits auf der Watchlist")

    browser.page.get_by_role("button", name="Röyksopp von der Watchlist entfernen").click()
    browser.toast("Von der Watchlist entfernt: Röyksopp")
    expect(watchlist).not_to_contain_text("Röyksopp")
    assert WatchlistArtist.objects.count() == 1


def test_without_spotify_the_page_explains_how_to_connect(browser):
    browser.open("/ui/artists")

    notice = browser.page.locator("#artist-list .notice")
    expect(notice).to_contain_text("Spotify ist nicht verbunden")
    expect(notice.get_by_role("link", name="Mit Spotify verbinden")).to_have_attribute(
        "href", "/spotify/login"
    )
    browser.toast("Spotify nicht verbunden")
    expect(browser.page.locator("#watchlist-body")).to_contain_text(
        "Keine Artists auf der Watchlist"
    )
    browser.assert_no_script_errors()
