"""Self-checks of the fake upstreams with plain ``requests`` (no Django, no database)."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fakes import fixtures
from tests.fakes.artwork import FakeCoverArt, FakeImageHost, FakeMusicBrainz, tiny_png
from tests.fakes.base import FakeServer, RecordedRequest, Response, route
from tests.fakes.plex import FakePlex
from tests.fakes.slskd import FakeSlskd, slsk_file
from tests.fakes.spotify import FakeSpotify

UA = {"User-Agent": "Harmony/1.4.0 ( self-hosted )"}
# The lead registers tests.fakes.fixtures as a plugin; until then this module binds them itself.
fake_coverart = fixtures.fake_coverart
fake_image_host = fixtures.fake_image_host
fake_lrclib = fixtures.fake_lrclib
fake_musicbrainz = fixtures.fake_musicbrainz
fake_plex = fixtures.fake_plex
fake_slskd = fixtures.fake_slskd
fake_spotify = fixtures.fake_spotify
REMOTE = "@@abcde\\Music\\Radiohead\\In Rainbows\\04 - Weird Fishes.mp3"


def wait_until(predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Poll ``predicate`` until truthy or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        threading.Event().wait(0.01)
    raise AssertionError("condition not met before the deadline")


# Base: request log and faults


def test_request_log_records_method_path_query_headers_and_json(fake_lrclib):
    requests.post(
        fake_lrclib.url + "/api/get?track_name=a%20b&x=1",
        json={"k": [1]},
        headers={"X-Test": "yes"},
        timeout=5,
    )

    (recorded,) = fake_lrclib.requests_to(r"^/api/get$", "POST")
    assert recorded.query == {"track_name": ["a b"], "x": ["1"]}
    assert recorded.header("x-test") == "yes"
    assert recorded.json == {"k": [1]}
    assert recorded.body == b'{"k": [1]}'


def test_unknown_route_is_404_and_wrong_method_is_405(fake_lrclib):
    assert requests.get(fake_lrclib.url + "/nope", timeout=5).status_code == 404
    assert requests.delete(fake_lrclib.url + "/api/get", timeout=5).status_code == 405


def test_down_fault_raises_connection_error_until_cleared(fake_lrclib):
    fake_lrclib.set_down()

    with pytest.raises(requests.ConnectionError):
        requests.get(fake_lrclib.url + "/api/search?q=x", timeout=5)
    fake_lrclib.clear_faults()

    assert requests.get(fake_lrclib.url + "/api/search?q=x", timeout=5).status_code == 200
    assert fake_lrclib.requests[0].fault == "down"


def test_down_fault_can_target_one_route_and_a_number_of_requests(fake_lrclib):
    fake_lrclib.set_down(r"^/api/get$", count=1)

    with pytest.raises(requests.ConnectionError):
        requests.get(fake_lrclib.url + "/api/get?track_name=a&artist_name=b", timeout=5)

    assert requests.get(fake_lrclib.url + "/api/search?q=x", timeout=5).status_code == 200
    second = requests.get(fake_lrclib.url + "/api/get?track_name=a&artist_name=b", timeout=5)
    assert second.status_code == 404


def test_slow_fault_trips_client_timeout(fake_lrclib):
    fake_lrclib.set_slow(3)

    with pytest.raises(requests.ReadTimeout):
        requests.get(fake_lrclib.url + "/api/search?q=x", timeout=0.2)


def test_stop_interrupts_a_slow_request_and_joins_threads():
    fake = FakeMusicBrainz().start()
    fake.set_slow(60)
    errors: list[Exception] = []

    def call() -> None:
        try:
            requests.get(fake.url + "/ws/2/release-group/?query=x", headers=UA, timeout=30)
        except requests.RequestException as exc:
            errors.append(exc)

    before = threading.active_count()
    caller = threading.Thread(target=call)
    caller.start()
    wait_until(lambda: fake.requests)
    started = time.monotonic()
    fake.stop()
    caller.join(5)

    assert time.monotonic() - started < 5
    assert errors and isinstance(errors[0], requests.ConnectionError)
    assert threading.active_count() <= before


def test_status500_fault_counts_down(fake_lrclib):
    fake_lrclib.set_status500(count=2, status=503)

    codes = [
        requests.get(fake_lrclib.url + "/api/search?q=x", timeout=5).status_code for _ in "abc"
    ]

    assert codes == [503, 503, 200]


def test_rate_limit_answers_429_with_retry_after_then_recovers(fake_spotify):
    token = fake_spotify.issue_token()
    fake_spotify.set_rate_limit(count=1, retry_after=7)
    headers = {"Authorization": f"Bearer {token}"}

    first = requests.get(fake_spotify.api_url + "/me", headers=headers, timeout=5)
    second = requests.get(fake_spotify.api_url + "/me", headers=headers, timeout=5)

    assert first.status_code == 429
    assert first.headers["Retry-After"] == "7"
    assert first.json()["error"]["status"] == 429
    assert second.status_code == 200


def test_malformed_fault_serves_broken_json_or_html(fake_lrclib):
    fake_lrclib.set_malformed("json", count=1)
    fake_lrclib.set_malformed("html", count=1)

    broken = requests.get(fake_lrclib.url + "/api/search?q=x", timeout=5)
    page = requests.get(fake_lrclib.url + "/api/search?q=x", timeout=5)

    with pytest.raises(ValueError):
        broken.json()
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")


def test_latency_delays_every_answer(fake_lrclib):
    fake_lrclib.set_latency(0.2)
    started = time.monotonic()

    requests.get(fake_lrclib.url + "/api/search?q=x", timeout=5)

    assert time.monotonic() - started >= 0.2


def test_fake_can_be_restarted_and_reports_url_only_while_running():
    fake = FakeServer()

    with pytest.raises(RuntimeError):
        _ = fake.url
    with fake:
        assert fake.url.startswith("http://127.0.0.1:")


class _Crashy(FakeServer):
    @route("GET", r"/boom")
    def _boom(self, request: RecordedRequest) -> Response:
        raise KeyError("bug in a fake")


def test_handler_crash_answers_500_and_is_recorded():
    with _Crashy() as fake:
        response = requests.get(fake.url + "/boom", timeout=5)

    assert response.status_code == 500
    assert "KeyError" in fake.errors[0]


# Spotify


def _basic(fake: FakeSpotify) -> dict[str, str]:
    pair = f"{fake.client_id}:{fake.client_secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def _bearer(fake: FakeSpotify) -> dict[str, str]:
    return {"Authorization": f"Bearer {fake.issue_token()}"}


def test_spotify_token_grants_and_counts(fake_spotify):
    url = fake_spotify.url + "/api/token"
    code = fake_spotify.issue_auth_code("http://127.0.0.1:8000/spotify/callback")

    app = requests.post(
        url, data={"grant_type": "client_credentials"}, headers=_basic(fake_spotify), timeout=5
    )
    user = requests.post(
        url,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://127.0.0.1:8000/spotify/callback",
        },
        headers=_basic(fake_spotify),
        timeout=5,
    )
    refreshed = requests.post(
        url,
        data={"grant_type": "refresh_token", "refresh_token": user.json()["refresh_token"]},
        headers=_basic(fake_spotify),
        timeout=5,
    )
    reused = requests.post(
        url,
        data={"grant_type": "authorization_code", "code": code},
        headers=_basic(fake_spotify),
        timeout=5,
    )

    assert set(app.json()) == {"access_token", "token_type", "expires_in"}
    assert {"access_token", "refresh_token", "scope", "expires_in"} <= set(user.json())
    assert "refresh_token" not in refreshed.json()
    assert reused.json()["error"] == "invalid_grant"
    assert fake_spotify.token_calls == {
        "client_credentials": 1,
        "authorization_code": 2,
        "refresh_token": 1,
    }


def test_spotify_rejects_bad_client_and_unknown_refresh_token(fake_spotify):
    url = fake_spotify.url + "/api/token"
    bad = {"Authorization": "Basic " + base64.b64encode(b"x:y").decode()}

    client = requests.post(url, data={"grant_type": "client_credentials"}, headers=bad, timeout=5)
    grant = requests.post(
        url,
        data={"grant_type": "refresh_token", "refresh_token": "nope"},
        headers=_basic(fake_spotify),
        timeout=5,
    )

    assert (client.status_code, client.json()["error"]) == (400, "invalid_client")
    assert (grant.status_code, grant.json()["error"]) == (400, "invalid_grant")


def test_spotify_rotates_refresh_tokens_when_asked():
    with FakeSpotify(rotate_refresh_tokens=True) as fake:
        old = fake.issue_refresh_token()
        data = {"grant_type": "refresh_token", "refresh_token": old}

        first = requests.post(fake.url + "/api/token", data=data, headers=_basic(fake), timeout=5)
        again = requests.post(fake.url + "/api/token", data=data, headers=_basic(fake), timeout=5)

        assert first.json()["refresh_token"] != old
        assert again.json()["error"] == "invalid_grant"


def test_spotify_bearer_check_distinguishes_missing_unknown_and_expired(fake_spotify):
    token = fake_spotify.issue_token()
    fake_spotify.expire_token(token)
    me = fake_spotify.api_url + "/me"

    missing = requests.get(me, timeout=5)
    unknown = requests.get(me, headers={"Authorization": "Bearer nope"}, timeout=5)
    expired = requests.get(me, headers={"Authorization": f"Bearer {token}"}, timeout=5)

    assert missing.status_code == unknown.status_code == expired.status_code == 401
    assert expired.json() == {"error": {"status": 401, "message": "The access token expired"}}


def test_spotify_search_pages_with_absolute_next_and_limit_cap(fake_spotify):
    fake_spotify.make_tracks(7, artist="Daft Punk")
    headers = _bearer(fake_spotify)
    url = fake_spotify.api_url + "/search"

    page = requests.get(
        url,
        params={"q": "daft track", "type": "track,artist", "limit": 5},
        headers=headers,
        timeout=5,
    ).json()
    rest = requests.get(page["tracks"]["next"], headers=headers, timeout=5).json()
    too_big = requests.get(
        url, params={"q": "x", "type": "track", "limit": 51}, headers=headers, timeout=5
    )

    assert page["tracks"]["total"] == 7
    assert page["tracks"]["next"].startswith(fake_spotify.api_url + "/search?")
    assert len(rest["tracks"]["items"]) == 2 and rest["tracks"]["next"] is None
    assert page["artists"]["items"] == []
    assert too_big.status_code == 400


def test_spotify_track_shape_and_optional_popularity(fake_spotify):
    track = fake_spotify.add_track(
        "Harder", "Daft Punk", "Discovery", isrc="GBDUW0000059", popularity=None
    )
    headers = _bearer(fake_spotify)

    body = requests.get(
        f"{fake_spotify.api_url}/tracks/{track['id']}", headers=headers, timeout=5
    ).json()
    several = requests.get(
        fake_spotify.api_url + "/tracks",
        params={"ids": f"{track['id']},{'0' * 22}"},
        headers=headers,
        timeout=5,
    ).json()
    invalid = requests.get(fake_spotify.api_url + "/tracks/abc", headers=headers, timeout=5)
    unknown = requests.get(f"{fake_spotify.api_url}/tracks/{'0' * 22}", headers=headers, timeout=5)

    assert body["external_ids"] == {"isrc": "GBDUW0000059"}
    assert "popularity" not in body
    assert body["album"]["images"][0]["width"] == 640
    assert body["artists"][0]["name"] == "Daft Punk"
    assert several["tracks"][1] is None
    assert (invalid.status_code, unknown.status_code) == (400, 404)


def test_spotify_deprecated_endpoints_switch():
    with FakeSpotify(deprecated_endpoints=True) as fake:
        track = fake.add_track("A")
        headers = _bearer(fake)

        features = requests.get(
            f"{fake.api_url}/audio-features/{track['id']}", headers=headers, timeout=5
        )
        recommendations = requests.get(
            fake.api_url + "/recommendations",
            params={"seed_tracks": track["id"]},
            headers=headers,
            timeout=5,
        )

        assert features.status_code == 403
        assert recommendations.status_code == 404


def test_spotify_audio_features_and_recommendations(fake_spotify):
    one, two = fake_spotify.make_tracks(2)
    fake_spotify.set_audio_features(one, tempo=128.0)
    headers = _bearer(fake_spotify)

    features = requests.get(
        fake_spotify.api_url + "/audio-features",
        params={"ids": one["id"]},
        headers=headers,
        timeout=5,
    ).json()
    picks = requests.get(
        fake_spotify.api_url + "/recommendations",
        params={"seed_tracks": one["id"]},
        headers=headers,
        timeout=5,
    ).json()

    assert features["audio_features"][0]["tempo"] == 128.0
    assert [t["id"] for t in picks["tracks"]] == [two["id"]]


def test_spotify_artist_albums_album_group_and_album_tracks(fake_spotify):
    artist = fake_spotify.add_artist("Daft Punk", genres=["french house"])
    album = fake_spotify.add_album("Discovery", "Daft Punk", genres=["house"])
    fake_spotify.add_album("One More Time", "Daft Punk", album_type="single")
    fake_spotify.add_album("Guest Spot", "Someone", appears_on=["Daft Punk"])
    fake_spotify.add_track("Aerodynamic", "Daft Punk", "Discovery")
    headers = _bearer(fake_spotify)

    albums = requests.get(
        f"{fake_spotify.api_url}/artists/{artist['id']}/albums",
        params={"include_groups": "album,appears_on"},
        headers=headers,
        timeout=5,
    ).json()
    full = requests.get(
        f"{fake_spotify.api_url}/albums/{album['id']}", headers=headers, timeout=5
    ).json()
    tracks = requests.get(
        f"{fake_spotify.api_url}/albums/{album['id']}/tracks", headers=headers, timeout=5
    ).json()
    artist_body = requests.get(
        f"{fake_spotify.api_url}/artists/{artist['id']}", headers=headers, timeout=5
    ).json()

    assert [(a["name"], a["album_group"]) for a in albums["items"]] == [
        ("Discovery", "album"),
        ("Guest Spot", "appears_on"),
    ]
    assert full["label"] == "Fake Records" and full["copyrights"][0]["type"] == "P"
    assert full["genres"] == ["house"] and full["tracks"]["total"] == 1
    assert tracks["items"][0]["name"] == "Aerodynamic" and "album" not in tracks["items"][0]
    assert artist_body["genres"] == ["french house"]


def test_spotify_saved_tracks_paging_and_both_library_endpoints(fake_spotify):
    tracks = fake_spotify.make_tracks(5)
    fake_spotify.save_tracks(tracks[:3])
    headers = _bearer(fake_spotify)
    url = fake_spotify.api_url

    page = requests.get(url + "/me/tracks", params={"limit": 2}, headers=headers, timeout=5).json()
    requests.put(url + "/me/tracks", params={"ids": tracks[3]["id"]}, headers=headers, timeout=5)
    saved = requests.put(
        url + "/me/library", params={"uris": tracks[4]["uri"]}, headers=headers, timeout=5
    )
    removed = requests.delete(
        url + "/me/library", params={"uris": tracks[0]["uri"]}, headers=headers, timeout=5
    )
    too_many = requests.put(
        url + "/me/library",
        params={"uris": ",".join([tracks[0]["uri"]] * 41)},
        headers=headers,
        timeout=5,
    )

    assert page["total"] == 3 and page["next"] == f"{url}/me/tracks?offset=2&limit=2"
    assert page["items"][0]["track"]["id"] == tracks[2]["id"]
    assert saved.status_code == removed.status_code == 200
    assert fake_spotify.saved_track_ids() == [
        tracks[4]["id"],
        tracks[3]["id"],
        tracks[2]["id"],
        tracks[1]["id"],
    ]
    assert too_many.status_code == 400


def test_spotify_followed_artists_use_cursor_paging(fake_spotify):
    artists = [fake_spotify.add_artist(f"Artist {i}") for i in range(3)]
    fake_spotify.follow_artists(artists)
    headers = _bearer(fake_spotify)

    first = requests.get(
        fake_spotify.api_url + "/me/following",
        params={"type": "artist", "limit": 2},
        headers=headers,
        timeout=5,
    ).json()["artists"]
    second = requests.get(first["next"], headers=headers, timeout=5).json()["artists"]

    assert first["cursors"]["after"] == artists[1]["id"] and first["total"] == 3
    assert [a["id"] for a in second["items"]] == [artists[2]["id"]]
    assert second["next"] is None


def test_spotify_library_contains(fake_spotify):
    track, other = fake_spotify.make_tracks(2)
    fake_spotify.save_tracks([track])
    uris = f"{track['uri']},{other['uri']}"

    found = requests.get(
        fake_spotify.api_url + "/me/library/contains",
        params={"uris": uris},
        headers=_bearer(fake_spotify),
        timeout=5,
    )

    assert found.json() == [True, False]


def test_spotify_top_items(fake_spotify):
    track = fake_spotify.add_track("Top")
    fake_spotify.set_top("tracks", [track])
    headers = _bearer(fake_spotify)

    top = requests.get(fake_spotify.api_url + "/me/top/tracks", headers=headers, timeout=5).json()
    bad = requests.get(fake_spotify.api_url + "/me/top/songs", headers=headers, timeout=5)

    assert top["items"][0]["id"] == track["id"]
    assert bad.status_code == 400


def test_spotify_playlist_items_new_and_legacy_routes_and_edits(fake_spotify):
    one, two, three = fake_spotify.make_tracks(3)
    playlist = fake_spotify.add_playlist("Mix", [one, None])
    first_snapshot = playlist["snapshot_id"]
    headers = _bearer(fake_spotify)
    base = f"{fake_spotify.api_url}/playlists/{playlist['id']}"

    mine = requests.get(fake_spotify.api_url + "/me/playlists", headers=headers, timeout=5).json()
    items = requests.get(base + "/items", headers=headers, timeout=5).json()
    legacy = requests.get(base + "/tracks", headers=headers, timeout=5).json()
    added = requests.post(
        base + "/items",
        json={"uris": [two["uri"], three["uri"]], "position": 0},
        headers=headers,
        timeout=5,
    )
    requests.put(
        base + "/items", json={"range_start": 0, "insert_before": 4}, headers=headers, timeout=5
    )
    deleted = requests.delete(
        base + "/tracks", json={"tracks": [{"uri": one["uri"]}]}, headers=headers, timeout=5
    )

    summary = mine["items"][0]
    assert summary["items"]["total"] == 2 and summary["snapshot_id"] == first_snapshot
    assert items["items"][0]["item"]["id"] == one["id"] and items["items"][1]["item"] is None
    assert "track" not in items["items"][0]
    assert legacy["items"][0]["track"]["id"] == one["id"]
    assert added.status_code == 201 and added.json()["snapshot_id"] != summary["snapshot_id"]
    assert deleted.status_code == 200
    assert fake_spotify.playlist_track_ids(playlist["id"]) == [three["id"], None, two["id"]]


def test_spotify_dev_mode_2026_removes_endpoints_and_fields():
    with FakeSpotify(dev_mode_2026=True) as fake:
        track = fake.add_track("A")
        playlist = fake.add_playlist("Mix", [track])
        headers = _bearer(fake)

        legacy = requests.get(
            f"{fake.api_url}/playlists/{playlist['id']}/tracks", headers=headers, timeout=5
        )
        several = requests.get(
            fake.api_url + "/tracks", params={"ids": track["id"]}, headers=headers, timeout=5
        )
        save = requests.put(
            fake.api_url + "/me/tracks", params={"ids": track["id"]}, headers=headers, timeout=5
        )
        search = requests.get(
            fake.api_url + "/search",
            params={"q": "a", "type": "track", "limit": 11},
            headers=headers,
            timeout=5,
        )
        body = requests.get(
            f"{fake.api_url}/tracks/{track['id']}", headers=headers, timeout=5
        ).json()

        assert legacy.status_code == several.status_code == save.status_code == 403
        assert search.status_code == 400
        assert "popularity" not in body and "available_markets" not in body


# Plex


def _plex(fake: FakePlex, path: str, method: str = "GET", **kwargs: Any) -> requests.Response:
    headers = {
        "X-Plex-Token": fake.token,
        "Accept": "application/json",
        **kwargs.pop("headers", {}),
    }
    return requests.request(method, fake.url + path, headers=headers, timeout=5, **kwargs)


def test_plex_requires_token_except_identity_and_answers_xml_without_json_accept(fake_plex):
    denied = requests.get(
        fake_plex.url + "/library/sections", headers={"Accept": "application/json"}, timeout=5
    )
    identity = requests.get(
        fake_plex.url + "/identity", headers={"Accept": "application/json"}, timeout=5
    )
    xml = requests.get(
        fake_plex.url + "/library/sections", headers={"X-Plex-Token": fake_plex.token}, timeout=5
    )
    query_token = requests.get(
        fake_plex.url + "/library/sections", params={"X-Plex-Token": fake_plex.token}, timeout=5
    )

    assert denied.status_code == 401
    assert identity.json()["MediaContainer"]["machineIdentifier"] == fake_plex.machine_identifier
    assert xml.text.startswith("<?xml") and "<MediaContainer" in xml.text
    assert query_token.status_code == 200
    assert fake_plex.requests_to("/library/sections")[-1].arg("X-Plex-Token") == fake_plex.token


def test_plex_sections_counts_and_paging(fake_plex):
    fake_plex.make_tracks(5, artist="Radiohead", album="In Rainbows")
    headers = {"X-Plex-Container-Start": "0", "X-Plex-Container-Size": "0"}

    sections = _plex(fake_plex, "/library/sections").json()["MediaContainer"]
    counts = {
        t: _plex(fake_plex, f"/library/sections/1/all?type={t}", headers=headers).json()[
            "MediaContainer"
        ]
        for t in (8, 9, 10)
    }
    page = _plex(
        fake_plex,
        "/library/sections/1/all?type=10&X-Plex-Container-Start=4&X-Plex-Container-Size=500",
    ).json()["MediaContainer"]

    assert sections["Directory"][0]["Location"] == [{"id": 1, "path": "/data/music"}]
    assert [counts[t]["totalSize"] for t in (8, 9, 10)] == [1, 1, 5]
    assert "Metadata" not in counts[10]
    assert (page["size"], page["offset"], page["totalSize"]) == (1, 4, 5)
    track = page["Metadata"][0]
    assert (track["grandparentTitle"], track["parentTitle"], track["index"]) == (
        "Radiohead",
        "In Rainbows",
        5,
    )
    assert track["Media"][0]["Part"][0]["file"].endswith("05 - Track 5.flac")
    assert "Guid" not in track


def test_plex_metadata_search_and_includeguids(fake_plex):
    track = fake_plex.add_track(
        "Weird Fishes/Arpeggi", "Radiohead", "In Rainbows", guids=["mbid://x"]
    )

    item = _plex(fake_plex, f"/library/metadata/{track['ratingKey']}").json()["MediaContainer"][
        "Metadata"
    ][0]
    listed = _plex(fake_plex, "/library/sections/1/all?type=10&includeGuids=1").json()[
        "MediaContainer"
    ]
    hubs = _plex(fake_plex, "/hubs/search?query=radiohead%20weird&limit=60&sectionId=1").json()[
        "MediaContainer"
    ]["Hub"]
    missing = _plex(fake_plex, "/library/metadata/999999")

    assert item["Guid"] == [{"id": "mbid://x"}] and item["librarySectionID"] == 1
    assert listed["Metadata"][0]["Guid"] == [{"id": "mbid://x"}]
    assert {h["type"]: h["size"] for h in hubs} == {"artist": 0, "album": 0, "track": 1}
    assert missing.status_code == 404


def test_plex_sessions_history_and_playback_calls(fake_plex):
    track = fake_plex.add_track("Nude")
    fake_plex.add_session(track, user="bob", state="paused", view_offset=1234)
    fake_plex.add_history(track, viewed_at=1_700_000_123)
    key = track["ratingKey"]

    sessions = _plex(fake_plex, "/status/sessions").json()["MediaContainer"]["Metadata"]
    history = _plex(fake_plex, "/status/sessions/history/all").json()["MediaContainer"]["Metadata"]
    scrobble = _plex(fake_plex, f"/:/scrobble?key={key}&identifier=com.plexapp.plugins.library")
    rate = _plex(
        fake_plex, f"/:/rate?key={key}&identifier=com.plexapp.plugins.library&rating=8", "PUT"
    )
    timeline = _plex(
        fake_plex, f"/:/timeline?ratingKey={key}&key=/library/metadata/{key}&state=playing&time=0"
    )
    bad = _plex(fake_plex, f"/:/scrobble?key={key}")

    assert sessions[0]["Player"]["state"] == "paused" and sessions[0]["User"]["title"] == "bob"
    assert history[0]["viewedAt"] == 1_700_000_123
    assert scrobble.status_code == rate.status_code == timeline.status_code == 200
    assert fake_plex.items[key]["viewCount"] == 1 and fake_plex.items[key]["userRating"] == 8
    assert fake_plex.timeline_updates[0]["state"] == "playing"
    assert bad.status_code == 400


def test_plex_playlists_play_queues_and_refresh(fake_plex):
    one, two = fake_plex.make_tracks(2)
    uri = f"server://{fake_plex.machine_identifier}/com.plexapp.plugins.library/library/metadata/{one['ratingKey']}"

    created = _plex(
        fake_plex,
        "/playlists",
        "POST",
        params={"type": "audio", "title": "Mix", "smart": "0", "uri": uri},
    )
    playlist_id = created.json()["MediaContainer"]["Metadata"][0]["ratingKey"]
    _plex(fake_plex, f"/playlists/{playlist_id}", "PUT", params={"title": "Renamed"})
    more = uri.replace(one["ratingKey"], two["ratingKey"])
    added = _plex(fake_plex, f"/playlists/{playlist_id}/items", "PUT", params={"uri": more})
    listed = _plex(fake_plex, "/playlists?playlistType=audio").json()["MediaContainer"]["Metadata"]
    queue = _plex(
        fake_plex,
        "/playQueues",
        "POST",
        params={"type": "audio", "playlistID": playlist_id, "shuffle": "0"},
    )
    again = _plex(fake_plex, f"/playQueues/{queue.json()['MediaContainer']['playQueueID']}")
    deleted = _plex(fake_plex, f"/playlists/{playlist_id}", "DELETE")
    _plex(fake_plex, "/library/sections/1/refresh")

    assert added.json()["MediaContainer"]["leafCountAdded"] == 1
    assert listed[0]["title"] == "Renamed" and listed[0]["leafCount"] == 2
    assert again.json()["MediaContainer"]["playQueueTotalCount"] == 2
    assert deleted.status_code == 204 and not fake_plex.playlists
    assert fake_plex.refresh_calls == {"1": 1}


def test_plex_tag_edit_sets_exact_tags(fake_plex):
    album = fake_plex.add_album("In Rainbows", "Radiohead", genres=["Pop", "Rock"])
    params = {
        "type": "9",
        "id": album["ratingKey"],
        "genre[0].tag.tag": "Alternative",
        "genre[].tag.tag-": "Pop",
        "genre.locked": "1",
    }

    response = _plex(fake_plex, "/library/sections/1/all", "PUT", params=params)

    assert response.status_code == 200
    assert album["Genre"] == [{"tag": "Rock"}, {"tag": "Alternative"}]
    assert album["Field"] == [{"locked": True, "name": "genre"}]


def test_plex_misc_endpoints(fake_plex):
    for path in ("/devices", "/livetv/dvrs", "/livetv/sessions"):
        assert "MediaContainer" in _plex(fake_plex, path).json()


def test_plex_notifications_stream_events_and_end_on_stop():
    fake = FakePlex().start()
    before = threading.active_count()
    response = requests.get(
        fake.url + "/:/eventsource/notifications",
        headers={"X-Plex-Token": fake.token, "Accept": "text/event-stream"},
        stream=True,
        timeout=5,
    )
    assert fake.wait_for_subscribers(1)

    fake.push_notification("playing", {"PlaySessionStateNotification": {"state": "playing"}})
    lines = response.iter_lines(chunk_size=1)
    received = [next(lines), next(lines)]
    fake.stop()
    rest = list(lines)

    assert response.headers["Content-Type"] == "text/event-stream"
    assert received == [
        b"event: playing",
        b'data: {"PlaySessionStateNotification": {"state": "playing"}}',
    ]
    assert rest == [b""]
    assert threading.active_count() <= before


def test_plex_notification_stream_notices_client_disconnect(fake_plex):
    response = requests.get(
        fake_plex.url + "/:/eventsource/notifications",
        headers={"X-Plex-Token": fake_plex.token},
        stream=True,
        timeout=5,
    )
    assert fake_plex.wait_for_subscribers(1)

    response.close()

    wait_until(lambda: fake_plex.subscriber_count == 0)


def test_plex_rejects_garbage_numbers_and_can_ping(fake_plex):
    fake_plex.add_section()

    size = _plex(fake_plex, "/library/sections/1/all", headers={"X-Plex-Container-Size": "x"})
    kind = _plex(fake_plex, "/library/sections/1/all?type=abc")

    assert size.status_code == kind.status_code == 400
    with FakePlex(sse_ping_interval=0.05) as fake:
        stream = requests.get(
            fake.url + "/:/eventsource/notifications",
            headers={"X-Plex-Token": fake.token},
            stream=True,
            timeout=5,
        )
        assert next(stream.iter_lines(chunk_size=1)) == b"event: ping"
        stream.close()


# slskd


def _slskd(fake: FakeSlskd, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, fake.url + "/api/v0" + path, timeout=5, **kwargs)


def test_slskd_api_key_and_server_state():
    with FakeSlskd(api_key="secret") as fake:
        denied = _slskd(fake, "GET", "/server")
        fake.set_server_state("Disconnected")
        allowed = _slskd(fake, "GET", "/server", headers={"X-API-Key": "secret"})

        assert denied.status_code == 401
        assert allowed.json()["state"] == "Disconnected" and allowed.json()["isLoggedIn"] is False


def test_slskd_search_lifecycle(fake_slskd):
    fake_slskd.add_search_result("weird fishes", "user123", [slsk_file(REMOTE, 9423921)])
    fake_slskd.add_search_result("weird fishes", "empty-peer", [])
    search_id = "5f0c6c3e-0000-4000-8000-000000000001"
    body = {
        "id": search_id,
        "searchText": "Radiohead Weird Fishes",
        "filterResponses": True,
        "responseLimit": 100,
        "fileLimit": 10000,
    }

    created = _slskd(fake_slskd, "POST", "/searches", json=body)
    duplicate = _slskd(fake_slskd, "POST", "/searches", json=body)
    early = _slskd(fake_slskd, "GET", f"/searches/{search_id}/responses").json()
    polls = [_slskd(fake_slskd, "GET", f"/searches/{search_id}").json() for _ in range(2)]
    responses = _slskd(fake_slskd, "GET", f"/searches/{search_id}/responses").json()
    stopped = _slskd(fake_slskd, "PUT", f"/searches/{search_id}")
    deleted = _slskd(fake_slskd, "DELETE", f"/searches/{search_id}")
    gone = _slskd(fake_slskd, "GET", f"/searches/{search_id}")

    assert created.json()["state"] == "InProgress" and duplicate.status_code == 409
    assert early == []
    assert [p["state"] for p in polls] == ["InProgress", "Completed, TimedOut"]
    assert polls[1]["isComplete"] and "endedAt" in polls[1] and "endedAt" not in polls[0]
    assert [r["username"] for r in responses] == ["user123"]
    assert responses[0]["files"][0] == {
        "code": 1,
        "extension": "mp3",
        "filename": REMOTE,
        "size": 9423921,
        "isLocked": False,
        "bitRate": 320,
        "length": 240,
    }
    assert (stopped.status_code, deleted.status_code, gone.status_code) == (200, 204, 404)


def test_slskd_filter_responses_applies_peer_limits(fake_slskd):
    fake_slskd.add_search_result("song", "fast", ["a\\song.mp3"])
    fake_slskd.add_search_result("song", "slow", ["b\\song.mp3"], upload_speed=10)
    body = {"searchText": "song", "minimumPeerUploadSpeed": 1000}
    fake_slskd.search_polls_to_complete = 0

    filtered = _slskd(fake_slskd, "POST", "/searches", json=body).json()
    everyone = _slskd(
        fake_slskd, "POST", "/searches", json={**body, "filterResponses": False}
    ).json()

    assert filtered["isComplete"] and filtered["responseCount"] == 1
    assert everyone["responseCount"] == 2


def test_slskd_search_busy_and_disconnected(fake_slskd):
    fake_slskd.busy_next("search")

    busy = _slskd(fake_slskd, "POST", "/searches", json={"searchText": "x"})
    fake_slskd.set_server_state("Disconnected")
    offline = _slskd(fake_slskd, "POST", "/searches", json={"searchText": "x"})

    assert busy.status_code == 429 and "Only one concurrent operation" in busy.json()
    assert offline.status_code == 409


def test_slskd_concurrent_search_creation_gets_429():
    with FakeSlskd(concurrency_429=True) as fake:
        fake.hold_operations()
        results: list[int] = []

        def create() -> None:
            response = _slskd(fake, "POST", "/searches", json={"searchText": "a"})
            results.append(response.status_code)

        first = threading.Thread(target=create)
        first.start()
        wait_until(lambda: fake.in_flight["search"] == 1)

        second = _slskd(fake, "POST", "/searches", json={"searchText": "b"})
        fake.release_operations()
        first.join(5)

        assert second.status_code == 429
        assert results == [200]


def test_slskd_transfer_progresses_and_writes_file(fake_slskd):
    fake_slskd.register_file_content(REMOTE, b"ID3-real-bytes")

    enqueue = _slskd(
        fake_slskd,
        "POST",
        "/transfers/downloads/user123",
        json=[{"filename": REMOTE, "size": 9423921}],
    )
    transfer_id = enqueue.json()["enqueued"][0]["id"]
    states = []
    for _ in range(7):
        body = _slskd(fake_slskd, "GET", f"/transfers/downloads/user123/{transfer_id}").json()
        states.append((body["state"], body["bytesTransferred"]))
        fake_slskd.advance()
    listing = _slskd(fake_slskd, "GET", "/transfers/downloads").json()

    assert enqueue.status_code == 201 and enqueue.json()["failed"] == []
    assert [s for s, _ in states] == [
        "Queued, Locally",
        "Requested",
        "Queued, Remotely",
        "Initializing",
        "InProgress",
        "InProgress",
        "Completed, Succeeded",
    ]
    assert states[4][1] < states[5][1] < states[6][1] == 9423921
    assert listing[0]["directories"][0]["directory"] == "@@abcde\\Music\\Radiohead\\In Rainbows"
    target = fake_slskd.downloads_dir / "In Rainbows" / "04 - Weird Fishes.mp3"
    assert target.read_bytes() == b"ID3-real-bytes"


def test_slskd_auto_advance_default_payload_and_rename_on_conflict(tmp_path: Path):
    existing = tmp_path / "In Rainbows" / "04 - Weird Fishes.mp3"
    existing.parent.mkdir()
    existing.write_bytes(b"older")
    with FakeSlskd(tmp_path, auto_advance=True, payload_cap=64) as fake:
        _slskd(
            fake,
            "POST",
            "/transfers/downloads/user123",
            json=[{"filename": REMOTE, "size": 9423921}],
        )

        final = wait_until(
            lambda: [
                f
                for d in _slskd(fake, "GET", "/transfers/downloads").json()
                for dd in d["directories"]
                for f in dd["files"]
                if f["state"] == "Completed, Succeeded"
            ]
        )

        written = fake.transfers[final[0]["id"]].local_path
        assert written is not None and written.name.startswith("04 - Weird Fishes_")
        assert len(written.read_bytes()) == 64 and existing.read_bytes() == b"older"


def test_slskd_enqueue_duplicates_errors_and_busy(fake_slskd):
    files = [{"filename": REMOTE, "size": 1}]
    _slskd(fake_slskd, "POST", "/transfers/downloads/user123", json=files)

    again = _slskd(fake_slskd, "POST", "/transfers/downloads/user123", json=files)
    twice = _slskd(fake_slskd, "POST", "/transfers/downloads/user123", json=files * 2)
    traversal = _slskd(
        fake_slskd,
        "POST",
        "/transfers/downloads/user123",
        json=[{"filename": "..\\x.mp3", "size": 1}],
    )
    fake_slskd.set_user_offline("ghost")
    offline = _slskd(fake_slskd, "POST", "/transfers/downloads/ghost", json=files)
    fake_slskd.busy_next("enqueue")
    busy = _slskd(fake_slskd, "POST", "/transfers/downloads/user123", json=files)

    assert again.status_code == 201
    assert again.json() == {
        "enqueued": [],
        "failed": [{"filename": REMOTE, "message": "Skipped: Already in progress"}],
    }
    assert (twice.status_code, traversal.status_code, offline.status_code, busy.status_code) == (
        500,
        400,
        500,
        429,
    )


def test_slskd_enqueue_supersedes_finished_record_and_empty_body_variant():
    with FakeSlskd(enqueue_body="empty") as fake:
        files = [{"filename": REMOTE, "size": 1}]
        first = _slskd(fake, "POST", "/transfers/downloads/user123", json=files)
        fake.settle()
        _slskd(fake, "POST", "/transfers/downloads/user123", json=files)

        visible = _slskd(fake, "GET", "/transfers/downloads").json()[0]["directories"][0]["files"]
        everything = _slskd(fake, "GET", "/transfers/downloads?includeRemoved=true").json()

        assert first.status_code == 201 and first.content == b""
        assert [f["state"] for f in visible] == ["Queued, Locally"]
        assert len(everything[0]["directories"][0]["files"]) == 2


def test_slskd_outcome_overrides(fake_slskd):
    names = {n: f"@@x\\Music\\A\\{n}.flac" for n in ("fails", "stuck", "vanishes", "nofile")}
    fake_slskd.fail_with(names["fails"], "Completed, Rejected", "File not shared.", at="Requested")
    fake_slskd.stuck(names["stuck"], "Queued, Remotely")
    fake_slskd.vanish(names["vanishes"], at="Initializing")
    fake_slskd.no_file(names["nofile"])
    _slskd(
        fake_slskd,
        "POST",
        "/transfers/downloads/peer",
        json=[{"filename": f, "size": 10} for f in names.values()],
    )

    fake_slskd.settle()

    by_name = {t.filename: t for t in fake_slskd.downloads()}
    assert by_name[names["fails"]].render()["exception"] == "File not shared."
    assert by_name[names["fails"]].state == "Completed, Rejected"
    assert by_name[names["stuck"]].state == "Queued, Remotely"
    assert names["vanishes"] not in by_name
    assert by_name[names["nofile"]].state == "Completed, Succeeded"
    assert list(fake_slskd.downloads_dir.rglob("*.flac")) == []


def test_slskd_cancel_remove_position_and_clear(fake_slskd):
    fake_slskd.stuck(REMOTE)
    fake_slskd.set_queue_position(REMOTE, 7)
    enqueue = _slskd(
        fake_slskd, "POST", "/transfers/downloads/user123", json=[{"filename": REMOTE, "size": 5}]
    )
    transfer_id = enqueue.json()["enqueued"][0]["id"]
    fake_slskd.settle()

    position = _slskd(fake_slskd, "GET", f"/transfers/downloads/user123/{transfer_id}/position")
    cancelled = _slskd(fake_slskd, "DELETE", f"/transfers/downloads/user123/{transfer_id}")
    state = _slskd(fake_slskd, "GET", f"/transfers/downloads/user123/{transfer_id}").json()
    unknown = _slskd(
        fake_slskd, "DELETE", "/transfers/downloads/user123/5f0c6c3e-0000-4000-8000-00000000beef"
    )
    invalid = _slskd(fake_slskd, "GET", "/transfers/downloads/user123/not-a-guid")
    cleared = _slskd(fake_slskd, "DELETE", "/transfers/downloads/all/completed")

    assert position.json() == 7
    assert cancelled.status_code == 204
    assert (
        state["state"] == "Completed, Cancelled"
        and state["exception"] == "The operation was canceled."
    )
    assert (unknown.status_code, invalid.status_code, cleared.status_code) == (404, 400, 204)
    assert _slskd(fake_slskd, "GET", "/transfers/downloads").json() == []


def test_slskd_usernames_are_url_decoded(fake_slskd):
    hostile = "../evil name/x"

    _slskd(
        fake_slskd,
        "POST",
        "/transfers/downloads/..%2Fevil%20name%2Fx",
        json=[{"filename": REMOTE, "size": 1}],
    )

    assert fake_slskd.downloads()[0].username == hostile


def test_slskd_batch_enqueue_with_caller_id(fake_slskd):
    batch_id = "5f0c6c3e-0000-4000-8000-0000000000aa"
    body = {
        "id": batch_id,
        "username": "user123",
        "files": [{"filename": REMOTE, "size": 5}],
        "options": {"destination": "harmony"},
    }

    created = _slskd(fake_slskd, "POST", "/transfers/downloads/batches", json=body)
    duplicate = _slskd(fake_slskd, "POST", "/transfers/downloads/batches", json=body)
    fetched = _slskd(fake_slskd, "GET", f"/transfers/downloads/batches/{batch_id}").json()
    fake_slskd.settle()

    assert created.status_code == 201 and created.json()["failures"] == []
    assert created.json()["batch"]["transfers"][0]["batchId"] == batch_id
    assert duplicate.status_code == 409
    assert fetched["id"] == batch_id
    assert (fake_slskd.downloads_dir / "harmony" / "04 - Weird Fishes.mp3").exists()


def test_slskd_uploads_and_users(fake_slskd):
    upload = fake_slskd.add_upload("leech", "Music\\Mine\\a.mp3")
    fake_slskd.add_search_result("weird", "user123", [REMOTE])
    fake_slskd.set_user_offline("ghost")

    uploads = _slskd(fake_slskd, "GET", "/transfers/uploads").json()
    cancelled = _slskd(fake_slskd, "DELETE", f"/transfers/uploads/leech/{upload.id}")
    endpoint = _slskd(fake_slskd, "GET", "/users/user123/endpoint").json()
    browse = _slskd(fake_slskd, "GET", "/users/user123/browse").json()
    directory = _slskd(
        fake_slskd,
        "POST",
        "/users/user123/directory",
        json={"directory": "@@abcde\\Music\\Radiohead\\In Rainbows"},
    ).json()
    info = _slskd(fake_slskd, "GET", "/users/user123/info").json()
    status = _slskd(fake_slskd, "GET", "/users/ghost/status").json()
    offline = _slskd(fake_slskd, "GET", "/users/ghost/endpoint")

    assert uploads[0]["directories"][0]["files"][0]["direction"] == "Upload"
    assert cancelled.status_code == 204
    assert endpoint == {"addressFamily": "InterNetwork", "address": "203.0.113.7", "port": 2234}
    assert browse["directories"][0]["files"][0]["filename"] == "04 - Weird Fishes.mp3"
    assert directory[0]["fileCount"] == 1 and info["uploadSlots"] == 2
    assert status == {"isPrivileged": False, "presence": "Offline"} and offline.status_code == 404


# Artwork and lyrics


def test_musicbrainz_search_needs_user_agent_and_matches_fields(fake_musicbrainz):
    group = fake_musicbrainz.add_release_group("In Rainbows", "Radiohead")
    query = 'releasegroup:"In Rainbows" AND artist:"Radiohead"'
    url = fake_musicbrainz.url + "/ws/2/release-group/"

    anonymous = requests.get(url, params={"query": query, "fmt": "json"}, timeout=5)
    found = requests.get(
        url, params={"query": query, "fmt": "json", "limit": 1}, headers=UA, timeout=5
    ).json()
    none = requests.get(
        url, params={"query": 'releasegroup:"Nope"', "fmt": "json"}, headers=UA, timeout=5
    ).json()

    assert anonymous.status_code == 403
    assert found["count"] == 1
    assert found["release-groups"][0] == {**group, "score": 100}
    assert none == {**none, "count": 0, "release-groups": []}


def test_musicbrainz_rate_limit_switch():
    with FakeMusicBrainz(enforce_rate_limit=True) as fake:
        url = fake.url + "/ws/2/release-group/?query=x&fmt=json"

        codes = [requests.get(url, headers=UA, timeout=5).status_code for _ in range(2)]

        assert codes == [200, 503]


def test_coverart_redirects_to_image_host(fake_coverart, fake_image_host):
    mbid = "1b022e01-4da6-387b-8658-8678046e4cef"
    fake_image_host.add_image(f"/covers/{mbid}.jpg", tiny_png(), content_type="image/png")
    fake_coverart.set_cover(mbid)

    redirect = requests.get(
        f"{fake_coverart.url}/release-group/{mbid}/front", allow_redirects=False, timeout=5
    )
    followed = requests.get(f"{fake_coverart.url}/release-group/{mbid}/front", timeout=5)
    missing = requests.get(
        f"{fake_coverart.url}/release-group/{mbid.replace('1', '2')}/front", timeout=5
    )

    assert redirect.status_code == 307
    assert redirect.headers["Location"] == f"{fake_image_host.url}/covers/{mbid}.jpg"
    assert followed.headers["Content-Type"] == "image/png" and followed.content.startswith(
        b"\x89PNG"
    )
    assert missing.status_code == 404


def test_coverart_can_chain_through_release(fake_image_host):
    mbid = "1b022e01-4da6-387b-8658-8678046e4cef"
    fake_image_host.add_image("/img.jpg")
    with FakeCoverArt(via_release=True) as fake:
        fake.set_cover(mbid, fake_image_host.url + "/img.jpg")

        response = requests.get(f"{fake.url}/release-group/{mbid}/front", timeout=5)

        assert [r.status_code for r in response.history] == [307, 307]
        assert response.content.startswith(b"\xff\xd8")


def test_image_host_hostile_variants(fake_image_host: FakeImageHost):
    lying = fake_image_host.add_image("/big.jpg", declared_length=10**9)
    html = fake_image_host.add_image("/page", b"<html></html>", content_type="text/html")
    drip = fake_image_host.add_image("/drip.jpg", b"x" * 10, drip_delay=1.0, chunk_size=1)
    endless = fake_image_host.add_image("/endless.jpg", b"", endless=True, chunk_size=4096)
    internal = fake_image_host.add_redirect("/evil", "http://169.254.169.254/latest/meta-data")

    head = requests.get(lying, stream=True, timeout=5)
    page = requests.get(html, timeout=5)
    stream = requests.get(endless, stream=True, timeout=5)
    chunks = stream.iter_content(4096)
    received = sum(len(next(chunks)) for _ in range(50))
    stream.close()
    redirect = requests.get(internal, allow_redirects=False, timeout=5)

    assert head.headers["Content-Length"] == str(10**9)
    head.close()
    assert page.headers["Content-Type"] == "text/html"
    with pytest.raises(requests.ConnectionError):
        requests.get(drip, timeout=(5, 0.3)).content  # noqa: B018 - reading the body trips the timeout
    assert received == 50 * 4096
    assert redirect.headers["Location"] == "http://169.254.169.254/latest/meta-data"


def test_lrclib_get_with_duration_tolerance(fake_lrclib):
    fake_lrclib.add_lyrics("Nude", "Radiohead", "In Rainbows", 255)
    url = fake_lrclib.url + "/api/get"
    params = {"track_name": "Nude", "artist_name": "Radiohead", "album_name": "In Rainbows"}

    close = requests.get(url, params={**params, "duration": 257}, timeout=5)
    far = requests.get(url, params={**params, "duration": 260}, timeout=5)
    invalid = requests.get(url, params={"track_name": "Nude"}, timeout=5)

    assert close.json()["syncedLyrics"].startswith("[00:01.00]")
    assert set(close.json()) >= {
        "id",
        "trackName",
        "artistName",
        "albumName",
        "duration",
        "instrumental",
        "plainLyrics",
        "syncedLyrics",
    }
    assert far.status_code == 404 and far.json()["name"] == "TrackNotFound"
    assert invalid.status_code == 400
