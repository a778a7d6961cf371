"""Track, audio features, recommendations and artist releases (SPEC §2.6, §2.0 error mapping)."""

from __future__ import annotations

import pytest

from tests.integrations.spotify.support import api_calls

pytestmark = pytest.mark.django_db

UNKNOWN = "0000000000000000000000"


def test_track_by_id(api, spotify):
    track = spotify.add_track("Digital Love", "Daft Punk", "Discovery")

    response = api.get(f"/spotify/track/{track['id']}")

    assert response.status_code == 200
    body = response.json()["track"]
    assert body["id"] == track["id"]
    assert body["external_ids"] == {"isrc": track["isrc"]}
    assert "available_markets" not in body and "available_markets" not in body["album"]
    assert api_calls(spotify, f"/tracks/{track['id']}")


def test_unknown_track_is_404(api, spotify):
    response = api.get(f"/spotify/track/{UNKNOWN}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Track not found"}


def test_track_id_spotify_calls_invalid_is_404(api, spotify):
    response = api.get("/spotify/track/short")  # Spotify answers 400 "Invalid base62 id"

    assert response.status_code == 404
    assert api_calls(spotify, "/tracks/short")


@pytest.mark.parametrize("bad", ["..", "a-b", "x" * 65, "%00"])
def test_ids_that_cannot_be_spotify_ids_are_404_without_asking(api, spotify, bad):
    response = api.get(f"/spotify/track/{bad}")

    assert response.status_code == 404
    assert spotify.requests == []


def test_audio_features_of_one_track(api, spotify):
    track = spotify.add_track("One More Time", "Daft Punk")
    spotify.set_audio_features(track, tempo=123.0)

    response = api.get(f"/spotify/audio-features/{track['id']}")

    assert response.status_code == 200
    assert response.json()["audio_features"]["tempo"] == 123.0


def test_audio_features_of_unknown_track_is_404(api, spotify):
    assert api.get(f"/spotify/audio-features/{UNKNOWN}").status_code == 404


def test_audio_features_of_several_tracks_keeps_order_and_nulls(api, spotify):
    a, b = spotify.make_tracks(2)

    response = api.get("/spotify/audio-features", {"ids": f"{a['id']},{UNKNOWN},{b['id']}"})

    assert response.status_code == 200
    features = response.json()["audio_features"]
    assert [f and f["id"] for f in features] == [a["id"], None, b["id"]]
    assert api_calls(spotify, "/audio-features")[0].arg("ids") == f"{a['id']},{UNKNOWN},{b['id']}"


@pytest.mark.parametrize(
    "path", ["/spotify/audio-features/{id}", "/spotify/audio-features?ids={id}"]
)
def test_audio_features_refused_to_new_apps_is_502_saying_so(api, spotify, path):
    spotify.deprecated_endpoints = True
    track = spotify.add_track("Veridis Quo", "Daft Punk")

    response = api.get(path.format(id=track["id"]))

    assert response.status_code == 502
    assert response.json() == {
        "detail": "Spotify no longer offers audio features to this app (HTTP 403)",
        "service": "spotify",
    }


@pytest.mark.parametrize("ids", ["", ",,,", ",".join([UNKNOWN] * 101), "abc,not-an-id", "a b"])
def test_bad_audio_feature_ids_are_422(api, spotify, ids):
    response = api.get("/spotify/audio-features", {"ids": ids})

    assert response.status_code == 422
    assert "ids" in response.json()["detail"]
    assert spotify.requests == []


def test_audio_features_without_ids_is_422(api, spotify):
    assert api.get("/spotify/audio-features").status_code == 422


def test_hundred_ids_are_accepted(api, spotify):
    response = api.get("/spotify/audio-features", {"ids": ",".join([UNKNOWN] * 100)})

    assert response.status_code == 200
    assert len(response.json()["audio_features"]) == 100


def test_recommendations_send_seeds_and_limit(api, spotify):
    seed, other = spotify.make_tracks(2)

    response = api.get(
        "/spotify/recommendations",
        {"seed_tracks": seed["id"], "seed_genres": "french-house", "limit": 5},
    )

    assert response.status_code == 200
    body = response.json()
    assert [t["id"] for t in body["tracks"]] == [other["id"]]
    assert {s["id"] for s in body["seeds"]} == {seed["id"], "french-house"}
    (sent,) = api_calls(spotify, "/recommendations")
    assert sent.arg("seed_tracks") == seed["id"]
    assert sent.arg("seed_genres") == "french-house"
    assert sent.arg("limit") == "5"
    assert sent.arg("seed_artists") is None


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"seed_tracks": ",".join([UNKNOWN] * 3), "seed_artists": ",".join([UNKNOWN] * 3)},
        {"seed_tracks": "not-an-id"},
        {"seed_genres": "house", "limit": 0},
        {"seed_genres": "house", "limit": 101},
    ],
)
def test_bad_recommendation_parameters_are_422(api, spotify, params):
    response = api.get("/spotify/recommendations", params)

    assert response.status_code == 422
    assert spotify.requests == []


def test_recommendations_gone_for_this_app(api, spotify):
    spotify.deprecated_endpoints = True  # the fake answers 404 like Spotify does

    response = api.get("/spotify/recommendations", {"seed_genres": "house"})

    assert response.status_code == 404
    assert "no longer offers recommendations" in response.json()["detail"]


def test_recommendations_refused_with_403_is_502(api, spotify):
    spotify.set_status500("^/v1/recommendations$", status=403)

    response = api.get("/spotify/recommendations", {"seed_genres": "house"})

    assert response.status_code == 502
    assert "no longer offers recommendations" in response.json()["detail"]


def test_artist_releases_reads_all_pages_and_sorts_newest_first(api, spotify):
    artist = spotify.add_artist("Daft Punk")
    for year in range(1995, 2013):  # 18 releases: two pages of 10
        spotify.add_album(f"Album {year}", "Daft Punk", release_date=f"{year}-01-01")

    response = api.get(f"/spotify/artist/{artist['id']}/releases")

    assert response.status_code == 200
    body = response.json()
    assert body["artist_id"] == artist["id"]
    dates = [r["release_date"] for r in body["releases"]]
    assert len(dates) == 18 and dates == sorted(dates, reverse=True)
    assert body["releases"][0]["year"] == 2012
    sent = api_calls(spotify, f"/artists/{artist['id']}/albums")
    assert [r.arg("offset") for r in sent] == ["0", "10"]
    assert {r.arg("limit") for r in sent} == {"10"}
    assert sent[0].arg("include_groups") == "album,single,compilation"
    assert b"available_markets" not in response.content


def test_release_types_follow_the_spec(api, spotify):
    artist = spotify.add_artist("Röyksopp")
    spotify.add_album("Melody A.M.", "Röyksopp", album_type="album")
    spotify.add_album("Best Of", "Röyksopp", album_type="compilation")
    single = spotify.add_album("Eple", "Röyksopp", album_type="single")
    spotify.add_track("Eple", "Röyksopp", "Eple", album_type="single")
    spotify.add_album("Remixes EP", "Röyksopp", album_type="single")
    big = spotify.add_album("Four Tracks", "Röyksopp", album_type="single")
    for n in range(4):
        spotify.add_track(f"Part {n}", "Röyksopp", "Four Tracks")

    releases = api.get(f"/spotify/artist/{artist['id']}/releases").json()["releases"]

    types = {r["name"]: r["release_type"] for r in releases}
    assert types == {
        "Melody A.M.": "album",
        "Best Of": "compilation",
        "Eple": "single",
        "Remixes EP": "ep",
        "Four Tracks": "ep",
    }
    by_name = {r["name"]: r for r in releases}
    assert by_name["Four Tracks"]["total_tracks"] == 4
    assert by_name[single["name"]]["images"]
    assert big["id"] in {r["id"] for r in releases}


def test_releases_of_unknown_artist_is_404(api, spotify):
    response = api.get(f"/spotify/artist/{UNKNOWN}/releases")

    assert response.status_code == 404
    assert response.json() == {"detail": "Artist not found"}
