"""The playlist worker keeps the `Playlist` cache (SPEC §5.7, §1.5)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from activity.models import ActivityEvent
from core.models import Setting
from integrations.models import Playlist
from integrations.playlist_worker import run_playlist_cycle
from tests.factories import PlaylistFactory
from tests.fakes.base import RecordedRequest, Response, json_response, route
from tests.fakes.spotify import FakeSpotify
from tests.integrations.spotify.support import api_calls

pytestmark = pytest.mark.django_db


class PlaylistFaults(FakeSpotify):
    """`GET /me/playlists` that can fail from an offset on or slip in an entry without id."""

    fail_from_offset: int | None = None
    broken_entry = False

    @route("GET", r"/v1/me/playlists")
    def _faulty_playlists(self, request: RecordedRequest) -> Response:
        offset = int(request.arg("offset") or 0)
        if self.fail_from_offset is not None and offset >= self.fail_from_offset:
            return self.error_response(500, "Injected server error")
        response = self._my_playlists(request)
        if self.broken_entry:
            page = json.loads(response.body)
            page["items"].append({"name": "no id"})
            return json_response(page)
        return response


@pytest.fixture
def fake_spotify():
    with PlaylistFaults() as fake:
        yield fake


def _setting(key: str) -> str | None:
    return Setting.objects.filter(key=key).values_list("value", flat=True).first()


def _rows() -> dict[str, tuple]:
    return {
        p.id: (p.name, p.owner, p.snapshot_id, p.track_count, p.updated_at)
        for p in Playlist.objects.all()
    }


def _failures() -> list[dict]:
    return [
        e.details for e in ActivityEvent.objects.filter(type="sync", status="playlist_sync_failed")
    ]


def test_without_credentials_it_only_heartbeats(fake_spotify):
    run_playlist_cycle()

    assert _setting("worker:playlist:status") == "running"
    assert _setting("worker:playlist:last_seen")
    assert fake_spotify.requests == []
    assert not Playlist.objects.exists()


def test_without_user_authorisation_it_only_heartbeats(spotify):
    run_playlist_cycle()

    assert _setting("worker:playlist:last_seen")
    assert spotify.requests == []
    assert _failures() == []


def test_playlists_are_cached_with_owner_snapshot_and_count(spotify, user):
    mine = spotify.add_playlist("Road Trip", spotify.make_tracks(3))
    theirs = spotify.add_playlist("Their Mix", [], owner_id="dj", owner_name="DJ Someone")

    run_playlist_cycle()

    rows = {p.id: p for p in Playlist.objects.all()}
    assert set(rows) == {mine["id"], theirs["id"]}
    assert rows[mine["id"]].name == "Road Trip"
    assert rows[mine["id"]].owner == "Harmony User"
    assert rows[mine["id"]].snapshot_id == mine["snapshot_id"]
    assert rows[mine["id"]].track_count == 3
    assert rows[theirs["id"]].owner == "DJ Someone"
    assert rows[theirs["id"]].track_count == 0
    assert _setting("metrics.playlist.count") == "2"
    assert int(_setting("metrics.playlist.duration_ms")) >= 0
    (sent,) = api_calls(spotify, "/me/playlists")
    assert (sent.arg("limit"), sent.arg("offset")) == ("50", "0")


def test_all_pages_are_read(spotify, user):
    for n in range(60):
        spotify.add_playlist(f"List {n}")

    run_playlist_cycle()

    assert Playlist.objects.count() == 60
    assert [r.arg("offset") for r in api_calls(spotify, "/me/playlists")] == ["0", "50"]


def test_2026_playlist_objects_count_items(spotify, user):
    spotify.dev_mode_2026 = True  # `items.total` only, no `tracks`
    playlist = spotify.add_playlist("New Shape", spotify.make_tracks(4))

    run_playlist_cycle()

    assert Playlist.objects.get(pk=playlist["id"]).track_count == 4


def test_unchanged_playlists_keep_updated_at(spotify, user):
    spotify.add_playlist("Steady", spotify.make_tracks(2))
    run_playlist_cycle()
    before = _rows()

    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        run_playlist_cycle()

    assert _rows() == before


@pytest.mark.parametrize("change", ["name", "tracks"])
def test_changed_playlists_move_updated_at(spotify, user, change):
    tracks = spotify.make_tracks(2)
    playlist = spotify.add_playlist("Before", tracks[:1])
    run_playlist_cycle()
    first = Playlist.objects.get(pk=playlist["id"]).updated_at
    if change == "name":
        spotify.playlists[playlist["id"]]["name"] = "After"
    else:
        spotify.playlists[playlist["id"]]["entries"].append(
            {"added_at": "2026-01-01T00:00:00Z", "track_id": tracks[1]["id"]}
        )

    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        run_playlist_cycle()

    row = Playlist.objects.get(pk=playlist["id"])
    assert row.updated_at > first
    assert (row.name, row.track_count) == (("After", 1) if change == "name" else ("Before", 2))


def test_playlists_gone_from_spotify_are_deleted(spotify, user):
    keep = spotify.add_playlist("Keep")
    PlaylistFactory(id="deleted-upstream")

    run_playlist_cycle()

    assert set(Playlist.objects.values_list("id", flat=True)) == {keep["id"]}


@pytest.mark.parametrize("fault", ["down", "status500", "malformed"])
def test_failure_records_an_event_and_leaves_rows_untouched(spotify, user, fault):
    PlaylistFactory(id="cached", name="Cached")
    spotify.add_playlist("New")
    getattr(spotify, f"set_{fault}")("^/v1/me/playlists$")
    before = _rows()

    run_playlist_cycle()

    assert _rows() == before
    (details,) = _failures()
    assert details["error"]
    assert _setting("metrics.playlist.count") is None


def test_failure_on_a_later_page_leaves_rows_untouched(spotify, user):
    PlaylistFactory(id="cached")
    for n in range(60):
        spotify.add_playlist(f"List {n}")
    spotify.fail_from_offset = 50
    before = _rows()

    run_playlist_cycle()

    assert _rows() == before
    assert len(_failures()) == 1
    assert len(api_calls(spotify, "/me/playlists")) == 1 + 4  # page 2: one try, three retries


def test_revoked_authorisation_records_an_event(spotify, user):
    PlaylistFactory(id="cached")
    spotify.revoke_refresh_token(user.refresh)
    spotify.expire_token(user.access)

    run_playlist_cycle()

    assert Playlist.objects.filter(pk="cached").exists()
    (details,) = _failures()
    assert "authorisation required" in details["error"]


def test_a_listing_with_a_broken_entry_changes_nothing(spotify, user):
    PlaylistFactory(id="cached")
    spotify.add_playlist("Fine")
    spotify.broken_entry = True
    before = _rows()

    run_playlist_cycle()

    assert _rows() == before
    assert len(_failures()) == 1
