"""`GET /spotify/search/{tracks,artists,albums}` (SPEC §2.6, §9.2; February 2026 limits)."""

from __future__ import annotations

import pytest

from tests.integrations.spotify.support import api_calls

pytestmark = pytest.mark.django_db


def test_search_tracks_returns_items_and_sends_q_type_limit(api, spotify):
    spotify.add_track("Harder, Better, Faster, Stronger", "Daft Punk", "Discovery")

    response = api.get("/spotify/search/tracks", {"query": "daft punk"})

    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["name"] == "Harder, Better, Faster, Stronger"
    assert item["artists"][0]["name"] == "Daft Punk"
    assert item["album"]["name"] == "Discovery"
    (sent,) = api_calls(spotify, "/search")
    assert sent.arg("q") == "daft punk"
    assert sent.arg("type") == "track"
    assert sent.arg("limit") == "10"
    assert sent.arg("offset") == "0"
    assert sent.header("Authorization", "").startswith("Bearer ")


def test_available_markets_are_dropped_everywhere(api, spotify):
    spotify.add_track("Aerodynamic", "Daft Punk", "Discovery")

    body = api.get("/spotify/search/tracks", {"query": "aerodynamic"}).content

    assert b"available_markets" not in body


def test_default_limit_20_is_fetched_in_requests_of_ten(api, spotify):
    spotify.make_tracks(25, artist="Bulk", album="Bulk Album", prefix="Song")

    response = api.get("/spotify/search/tracks", {"query": "song"})

    assert len(response.json()["items"]) == 20
    sent = api_calls(spotify, "/search")
    assert [(r.arg("offset"), r.arg("limit")) for r in sent] == [("0", "10"), ("10", "10")]


def test_limit_is_honoured_and_stops_when_spotify_has_no_more(api, spotify):
    spotify.make_tracks(12, prefix="Song")

    response = api.get("/spotify/search/tracks", {"query": "song", "limit": 50})

    assert len(response.json()["items"]) == 12
    assert len(api_calls(spotify, "/search")) == 2


def test_small_limit_is_one_request(api, spotify):
    spotify.make_tracks(8, prefix="Song")

    response = api.get("/spotify/search/tracks", {"query": "song", "limit": 3})

    assert len(response.json()["items"]) == 3
    assert [r.arg("limit") for r in api_calls(spotify, "/search")] == ["3"]


def test_dev_mode_fake_with_max_limit_10_works(api, spotify):
    spotify.dev_mode_2026 = True
    spotify.make_tracks(30, prefix="Song")

    response = api.get("/spotify/search/tracks", {"query": "song", "limit": 30})

    assert response.status_code == 200
    assert len(response.json()["items"]) == 30


def test_missing_popularity_is_fine(api, spotify):
    spotify.add_track("Obscure", "Nobody", popularity=None)

    (item,) = api.get("/spotify/search/tracks", {"query": "obscure"}).json()["items"]

    assert "popularity" not in item


@pytest.mark.parametrize(
    ("path", "kind", "expected"),
    [("artists", "artist", "Daft Punk"), ("albums", "album", "Discovery")],
)
def test_search_artists_and_albums(api, spotify, path, kind, expected):
    spotify.add_album("Discovery", "Daft Punk")

    response = api.get(f"/spotify/search/{path}", {"query": "daft punk"})

    assert response.status_code == 200
    assert [i["name"] for i in response.json()["items"]] == [expected]
    assert api_calls(spotify, "/search")[0].arg("type") == kind


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "query"),
        ({"query": ""}, "query"),
        ({"query": "   "}, "query"),
        ({"query": "x" * 501}, "query"),
        ({"query": "a", "limit": 0}, "limit"),
        ({"query": "a", "limit": 51}, "limit"),
        ({"query": "a", "limit": -1}, "limit"),
        ({"query": "a", "limit": "abc"}, "limit"),
        ({"query": "a", "limit": "true"}, "limit"),
        ({"query": "a", "limit": "1.5"}, "limit"),
        ({"query": "a", "limit": 10**12}, "limit"),
    ],
)
def test_bad_parameters_are_422(api, spotify, params, field):
    response = api.get("/spotify/search/tracks", params)

    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert spotify.requests == []


def test_search_without_credentials_is_503(api):
    response = api.get("/spotify/search/tracks", {"query": "x"})

    assert response.status_code == 503
    assert response.json()["detail"]["missing"] == {
        "spotify": ["SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI"]
    }


def test_unknown_search_type_path_is_404(api, spotify):
    assert api.get("/spotify/search/playlists", {"query": "x"}).status_code == 404
