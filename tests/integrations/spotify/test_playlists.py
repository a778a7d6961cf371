"""`/spotify/playlists…` (SPEC §2.6; February 2026: playlist contents under `/items`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import PlaylistFactory
from tests.integrations.spotify.support import api_calls, bearer

pytestmark = pytest.mark.django_db


def test_playlists_come_from_the_database_newest_first(api):
    now = timezone.now().replace(microsecond=0)
    PlaylistFactory(id="old", name="Old", track_count=3, updated_at=now - timedelta(days=1))
    PlaylistFactory(id="new", name="New", track_count=7, updated_at=now)

    response = api.get("/spotify/playlists")

    assert response.status_code == 200
    assert response.json() == {
        "playlists": [
            {
                "id": "new",
                "name": "New",
                "track_count": 7,
                "updated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
            {
                "id": "old",
                "name": "Old",
                "track_count": 3,
                "updated_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        ]
    }


def test_playlists_need_no_spotify_credentials(api):
    assert api.get("/spotify/playlists").json() == {"playlists": []}


def _playlist(spotify, count: int = 3, **kwargs):
    tracks = spotify.make_tracks(count)
    return spotify.add_playlist("Road Trip", tracks, **kwargs), tracks


def test_playlist_tracks_read_items_with_both_item_and_track(api, spotify, user):
    playlist, tracks = _playlist(spotify)

    response = api.get(f"/spotify/playlists/{playlist['id']}/tracks")

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 3
    assert [e["item"]["id"] for e in body["items"]] == [t["id"] for t in tracks]
    assert all(e["track"] == e["item"] for e in body["items"])
    (sent,) = api_calls(spotify, f"/playlists/{playlist['id']}/items")
    assert (sent.arg("limit"), sent.arg("offset")) == ("50", "0")
    assert bearer(sent) == user.access
    assert api_calls(spotify, f"/playlists/{playlist['id']}/tracks") == []


def test_playlist_tracks_limit_100_is_two_requests_of_50(api, spotify, user):
    playlist, tracks = _playlist(spotify, 130)

    response = api.get(f"/spotify/playlists/{playlist['id']}/tracks", {"offset": 10})

    body = response.json()
    assert body["total"] == 130
    assert [e["item"]["id"] for e in body["items"]] == [t["id"] for t in tracks[10:110]]
    sent = api_calls(spotify, f"/playlists/{playlist['id']}/items")
    assert [(r.arg("offset"), r.arg("limit")) for r in sent] == [("10", "50"), ("60", "50")]


def test_unavailable_tracks_stay_as_null_entries(api, spotify, user):
    tracks = spotify.make_tracks(1)
    playlist = spotify.add_playlist("Gaps", [tracks[0], None])

    items = api.get(f"/spotify/playlists/{playlist['id']}/tracks").json()["items"]

    assert [e["item"] and e["item"]["id"] for e in items] == [tracks[0]["id"], None]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}])
def test_bad_playlist_paging_is_422(api, spotify, user, params):
    assert api.get("/spotify/playlists/abc/tracks", params).status_code == 422


def test_unknown_playlist_is_404(api, spotify, user):
    response = api.get("/spotify/playlists/0000000000000000000000/tracks")

    assert response.status_code == 404
    assert response.json() == {"detail": "Playlist not found"}


def test_someone_elses_playlist_in_dev_mode_is_502_naming_the_token(api, spotify, user):
    spotify.dev_mode_2026 = True
    playlist, _ = _playlist(spotify, owner_id="someone-else")

    response = api.get(f"/spotify/playlists/{playlist['id']}/tracks")

    assert response.status_code == 502
    assert "user access token" in response.json()["detail"]


def test_add_tracks_posts_uris_and_position_to_items(api, spotify, user):
    playlist, _ = _playlist(spotify, 2)
    new = spotify.add_track("New One", "Someone")

    response = api.post(
        f"/spotify/playlists/{playlist['id']}/tracks",
        {"uris": [new["uri"]], "position": 0},
        format="json",
    )

    assert response.status_code == 200
    snapshot = spotify.playlists[playlist["id"]]["snapshot_id"]
    assert response.json() == {"status": "tracks-added", "snapshot_id": snapshot}
    (sent,) = api_calls(spotify, f"/playlists/{playlist['id']}/items", "POST")
    assert sent.json == {"uris": [new["uri"]], "position": 0}
    assert spotify.playlist_track_ids(playlist["id"])[0] == new["id"]


def test_add_without_position_appends(api, spotify, user):
    playlist, _ = _playlist(spotify, 2)
    new = spotify.add_track("Last", "Someone")

    api.post(f"/spotify/playlists/{playlist['id']}/tracks", {"uris": [new["uri"]]}, format="json")

    (sent,) = api_calls(spotify, f"/playlists/{playlist['id']}/items", "POST")
    assert sent.json == {"uris": [new["uri"]]}
    assert spotify.playlist_track_ids(playlist["id"])[-1] == new["id"]


def test_add_is_not_retried_after_a_server_error(api, spotify, user):
    playlist, tracks = _playlist(spotify, 1)
    spotify.set_status500(f"/playlists/{playlist['id']}/items", method="POST")

    response = api.post(
        f"/spotify/playlists/{playlist['id']}/tracks", {"uris": [tracks[0]["uri"]]}, format="json"
    )

    assert response.status_code == 502
    assert len(api_calls(spotify, f"/playlists/{playlist['id']}/items", "POST")) == 1


def test_remove_tracks_sends_items_with_uris(api, spotify, user):
    playlist, tracks = _playlist(spotify, 3)

    response = api.delete(
        f"/spotify/playlists/{playlist['id']}/tracks", {"uris": [tracks[1]["uri"]]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "tracks-removed"
    (sent,) = api_calls(spotify, f"/playlists/{playlist['id']}/items", "DELETE")
    assert sent.json == {"items": [{"uri": tracks[1]["uri"]}]}
    assert spotify.playlist_track_ids(playlist["id"]) == [tracks[0]["id"], tracks[2]["id"]]


def test_reorder_puts_the_range_to_items(api, spotify, user):
    playlist, tracks = _playlist(spotify, 3)
    snapshot = playlist["snapshot_id"]

    response = api.put(
        f"/spotify/playlists/{playlist['id']}/reorder",
        {"range_start": 2, "insert_before": 0, "snapshot_id": snapshot},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "playlist-reordered"
    (sent,) = api_calls(spotify, f"/playlists/{playlist['id']}/items", "PUT")
    assert sent.json == {
        "range_start": 2,
        "insert_before": 0,
        "range_length": 1,
        "snapshot_id": snapshot,
    }
    assert spotify.playlist_track_ids(playlist["id"])[0] == tracks[2]["id"]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "tracks", {}, "uris"),
        ("post", "tracks", {"uris": []}, "uris"),
        ("post", "tracks", {"uris": ["spotify:track:a"] * 101}, "uris"),
        ("post", "tracks", {"uris": ["https://open.spotify.com/track/a"]}, "uris"),
        ("post", "tracks", {"uris": ["spotify:track:a"], "position": -1}, "position"),
        ("post", "tracks", {"uris": ["spotify:track:a"], "position": "first"}, "position"),
        ("delete", "tracks", {"uris": []}, "uris"),
        ("delete", "tracks", {"uris": "spotify:track:a"}, "uris"),
        ("put", "reorder", {"insert_before": 1}, "range_start"),
        ("put", "reorder", {"range_start": 0}, "insert_before"),
        ("put", "reorder", {"range_start": -1, "insert_before": 0}, "range_start"),
        (
            "put",
            "reorder",
            {"range_start": 0, "insert_before": 1, "range_length": 0},
            "range_length",
        ),
        ("put", "reorder", {"range_start": True, "insert_before": 1}, "range_start"),
    ],
)
def test_bad_playlist_bodies_are_422(api, spotify, user, method, path, body, field):
    response = getattr(api, method)(f"/spotify/playlists/abc/{path}", body, format="json")

    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert api_calls(spotify, ".*", method.upper()) == []
