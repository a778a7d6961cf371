"""`/spotify/me`, `/spotify/me/tracks`, `/spotify/me/top/{type}`, `/spotify/artists/followed`
(SPEC §2.6; February 2026: saving goes through `/me/library` with URIs)."""

from __future__ import annotations

import pytest

from integrations.clients import spotify as spotify_client
from tests.integrations.spotify.support import api_calls, bearer

pytestmark = pytest.mark.django_db

USER_ENDPOINTS = [
    ("get", "/spotify/me", None),
    ("get", "/spotify/me/tracks", None),
    ("put", "/spotify/me/tracks", {"ids": ["0000000000000000000000"]}),
    ("delete", "/spotify/me/tracks", {"ids": ["0000000000000000000000"]}),
    ("get", "/spotify/me/top/tracks", None),
    ("get", "/spotify/artists/followed", None),
    ("get", "/spotify/playlists/0000000000000000000000/tracks", None),
    ("post", "/spotify/playlists/0000000000000000000000/tracks", {"uris": ["spotify:track:a"]}),
    ("delete", "/spotify/playlists/0000000000000000000000/tracks", {"uris": ["spotify:track:a"]}),
    (
        "put",
        "/spotify/playlists/0000000000000000000000/reorder",
        {"range_start": 0, "insert_before": 1},
    ),
]


@pytest.mark.parametrize(("method", "path", "body"), USER_ENDPOINTS)
def test_user_endpoints_without_user_authorisation_are_503(api, spotify, method, path, body):
    response = getattr(api, method)(path, body, format="json")

    assert response.status_code == 503
    assert response.json() == {
        "detail": {
            "message": "Spotify user authorisation required (open /spotify/login)",
            "missing": {"spotify": ["SPOTIFY_REFRESH_TOKEN"]},
        }
    }
    assert api_calls(spotify, ".*") == []


@pytest.mark.parametrize(("method", "path", "body"), USER_ENDPOINTS)
def test_user_endpoints_without_credentials_are_503_listing_them(api, method, path, body):
    response = getattr(api, method)(path, body, format="json")

    assert response.status_code == 503
    assert response.json()["detail"]["missing"]["spotify"][0] == "SPOTIFY_CLIENT_ID"


def test_me_returns_the_profile(api, spotify, user):
    response = api.get("/spotify/me")

    assert response.status_code == 200
    assert response.json()["profile"]["id"] == "harmony-user"
    assert bearer(api_calls(spotify, "/me")[0]) == user.access


def test_saved_tracks_page(api, spotify, user):
    tracks = spotify.make_tracks(5)
    spotify.save_tracks(tracks)

    response = api.get("/spotify/me/tracks", {"limit": 2, "offset": 1})

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 5
    assert [i["track"]["id"] for i in body["items"]] == [tracks[3]["id"], tracks[2]["id"]]
    (sent,) = api_calls(spotify, "/me/tracks")
    assert (sent.arg("limit"), sent.arg("offset")) == ("2", "1")


def test_saved_tracks_default_limit_is_20(api, spotify, user):
    api.get("/spotify/me/tracks")

    (sent,) = api_calls(spotify, "/me/tracks")
    assert (sent.arg("limit"), sent.arg("offset")) == ("20", "0")


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 51}, {"limit": "x"}, {"offset": -1}, {"offset": "1e3"}]
)
def test_bad_saved_tracks_parameters_are_422(api, spotify, user, params):
    assert api.get("/spotify/me/tracks", params).status_code == 422


def test_put_saves_tracks_through_me_library_with_uris(api, spotify, user):
    tracks = spotify.make_tracks(3)
    ids = [t["id"] for t in tracks]

    response = api.put("/spotify/me/tracks", {"ids": ids}, format="json")

    assert response.status_code == 200
    assert response.json() == {"status": "tracks-saved"}
    (sent,) = api_calls(spotify, "/me/library", "PUT")
    assert sent.arg("uris") == ",".join(f"spotify:track:{i}" for i in ids)
    assert set(spotify.saved_track_ids()) == set(ids)
    assert api_calls(spotify, "/me/tracks", "PUT") == []


def test_delete_removes_tracks_through_me_library(api, spotify, user):
    tracks = spotify.make_tracks(2)
    spotify.save_tracks(tracks)

    response = api.delete("/spotify/me/tracks", {"ids": [tracks[0]["id"]]}, format="json")

    assert response.json() == {"status": "tracks-removed"}
    (sent,) = api_calls(spotify, "/me/library", "DELETE")
    assert sent.arg("uris") == f"spotify:track:{tracks[0]['id']}"
    assert spotify.saved_track_ids() == [tracks[1]["id"]]


def test_fifty_ids_are_sent_in_chunks_of_forty(api, spotify, user):
    ids = [t["id"] for t in spotify.make_tracks(50)]

    response = api.put("/spotify/me/tracks", {"ids": ids}, format="json")

    assert response.status_code == 200
    sent = api_calls(spotify, "/me/library", "PUT")
    assert [len(r.arg("uris").split(",")) for r in sent] == [40, 10]
    assert len(spotify.saved_track_ids()) == 50


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"ids": []},
        {"ids": ["0000000000000000000000"] * 51},
        {"ids": "0000000000000000000000"},
        {"ids": ["spotify:track:0000000000000000000000"]},
        {"ids": [None]},
        ["0000000000000000000000"],
    ],
)
def test_bad_ids_bodies_are_422(api, spotify, user, body):
    response = api.put("/spotify/me/tracks", body, format="json")

    assert response.status_code == 422
    assert api_calls(spotify, "/me/library", "PUT") == []


def test_top_tracks_and_artists(api, spotify, user):
    tracks = spotify.make_tracks(3)
    spotify.set_top("tracks", tracks)
    spotify.set_top("artists", [spotify.add_artist("Air")])

    top_tracks = api.get("/spotify/me/top/tracks", {"limit": 2, "time_range": "short_term"})
    top_artists = api.get("/spotify/me/top/artists")

    assert [t["id"] for t in top_tracks.json()["items"]] == [t["id"] for t in tracks[:2]]
    assert [a["name"] for a in top_artists.json()["items"]] == ["Air"]
    sent = api_calls(spotify, "/me/top/tracks")[0]
    assert (sent.arg("limit"), sent.arg("time_range")) == ("2", "short_term")
    assert api_calls(spotify, "/me/top/artists")[0].arg("time_range") == "medium_term"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/spotify/me/top/albums", {}, "type"),
        ("/spotify/me/top/tracks", {"time_range": "forever"}, "time_range"),
        ("/spotify/me/top/tracks", {"limit": 0}, "limit"),
        ("/spotify/me/top/tracks", {"limit": 51}, "limit"),
    ],
)
def test_bad_top_parameters_are_422(api, spotify, user, path, params, field):
    response = api.get(path, params)

    assert response.status_code == 422
    assert field in response.json()["detail"]


def test_followed_artists_follows_cursors_to_the_end(api, spotify, user):
    artists = [spotify.add_artist(f"Artist {n}") for n in range(120)]
    spotify.follow_artists(artists)

    response = api.get("/spotify/artists/followed")

    assert response.status_code == 200
    assert [a["id"] for a in response.json()["artists"]] == [a["id"] for a in artists]
    sent = api_calls(spotify, "/me/following")
    assert [r.arg("after") for r in sent] == [None, artists[49]["id"], artists[99]["id"]]
    assert {(r.arg("type"), r.arg("limit")) for r in sent} == {("artist", "50")}


def test_followed_artists_stop_at_the_cap(api, spotify, user, monkeypatch):
    monkeypatch.setattr(spotify_client, "FOLLOWED_CAP", 60)
    spotify.follow_artists([spotify.add_artist(f"Artist {n}") for n in range(120)])

    response = api.get("/spotify/artists/followed")

    assert len(response.json()["artists"]) == 60
    assert len(api_calls(spotify, "/me/following")) == 2
