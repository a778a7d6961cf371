"""`SpotifyClient` as the API of the other workers (AutoSync, watchlist, metadata; SPEC §9.2)."""

from __future__ import annotations

import pytest

from core.errors import MissingCredentials, NotFound
from integrations.clients.spotify import SpotifyClient, pooled
from tests.integrations.spotify.support import api_calls

pytestmark = pytest.mark.django_db

UNKNOWN = "0000000000000000000000"


@pytest.fixture
def client(spotify, user) -> SpotifyClient:
    return SpotifyClient.from_config()


def test_playlist_items_yield_every_track_skipping_unavailable_ones(client, spotify):
    tracks = spotify.make_tracks(120)
    playlist = spotify.add_playlist("Long", [*tracks[:60], None, *tracks[60:]])

    found = list(client.playlist_items(playlist["id"]))

    assert [t["id"] for t in found] == [t["id"] for t in tracks]
    sent = api_calls(spotify, f"/playlists/{playlist['id']}/items")
    assert [r.arg("offset") for r in sent] == ["0", "50", "100"]


def test_playlist_items_accept_the_older_track_field(client, spotify):
    spotify.legacy_track_field = True
    tracks = spotify.make_tracks(2)
    playlist = spotify.add_playlist("Old Shape", tracks)

    assert [t["id"] for t in client.playlist_items(playlist["id"])] == [t["id"] for t in tracks]


def test_episodes_in_playlists_are_skipped():
    from integrations.clients.spotify import entry_track

    episode = {"added_at": None, "item": {"type": "episode", "id": "e"}}
    old = {"added_at": None, "track": {"type": "track", "id": "t"}}

    assert entry_track(episode) is None
    assert entry_track(old) == {"type": "track", "id": "t"}
    assert entry_track({"item": None, "track": None}) is None


def test_saved_tracks_reads_all_pages(client, spotify):
    tracks = spotify.make_tracks(75)
    spotify.save_tracks(tracks)

    found = list(client.saved_tracks())

    assert len(found) == 75
    assert [r.arg("offset") for r in api_calls(spotify, "/me/tracks")] == ["0", "50"]


def test_tracks_in_chunks_of_fifty_keep_order_and_nulls(client, spotify):
    tracks = spotify.make_tracks(60)
    ids = [t["id"] for t in tracks[:30]] + [UNKNOWN] + [t["id"] for t in tracks[30:]]

    found = client.tracks(ids)

    assert [t and t["id"] for t in found] == [*ids[:30], None, *ids[31:]]
    assert [len(r.arg("ids").split(",")) for r in api_calls(spotify, "/tracks")] == [50, 11]


def test_tracks_fall_back_to_single_lookups_when_batches_are_gone(client, spotify):
    spotify.dev_mode_2026 = True  # `GET /tracks?ids=` answers 403
    tracks = spotify.make_tracks(2)

    found = client.tracks([tracks[0]["id"], UNKNOWN, tracks[1]["id"]])

    assert [t and t["id"] for t in found] == [tracks[0]["id"], None, tracks[1]["id"]]
    assert len(api_calls(spotify, "/tracks/[^/]+")) == 3


def test_artists_by_id(client, spotify):
    air = spotify.add_artist("Air", genres=["french pop"])

    assert client.artist(air["id"])["genres"] == ["french pop"]
    assert [a and a["name"] for a in client.artists([air["id"], UNKNOWN])] == ["Air", None]
    with pytest.raises(NotFound):
        client.artist(UNKNOWN)


def test_album_and_all_album_tracks(client, spotify):
    tracks = spotify.make_tracks(70, album="Huge")
    album_id = spotify.tracks[tracks[0]["id"]]["album_id"]

    album = client.album(album_id)
    found = client.album_tracks(album_id)

    assert album["name"] == "Huge"
    assert "label" in album and "copyrights" in album
    assert [t["id"] for t in found] == [t["id"] for t in tracks]
    assert [r.arg("offset") for r in api_calls(spotify, f"/albums/{album_id}/tracks")] == [
        "0",
        "50",
    ]


def test_search_several_types_at_once(client, spotify):
    spotify.add_track("Kelly Watch the Stars", "Air", "Moon Safari")

    found = client.search("air", ("track", "artist", "album"), limit=5)

    assert [t["name"] for t in found["track"]] == ["Kelly Watch the Stars"]
    assert [a["name"] for a in found["artist"]] == ["Air"]
    assert [a["name"] for a in found["album"]] == ["Moon Safari"]
    assert api_calls(spotify, "/search")[0].arg("type") == "track,artist,album"


def test_artist_releases_include_groups_can_be_chosen(client, spotify):
    artist = spotify.add_artist("Air")
    spotify.add_album("Moon Safari", "Air")
    spotify.add_album("Sexy Boy", "Air", album_type="single")

    releases = client.artist_releases(artist["id"], include_groups="single")

    assert [r["name"] for r in releases] == ["Sexy Boy"]


def test_user_methods_need_user_authorisation(spotify, db):
    client = SpotifyClient.from_config()

    with pytest.raises(MissingCredentials) as error:
        client.all_playlists()

    assert error.value.missing == {"spotify": ["SPOTIFY_REFRESH_TOKEN"]}


def test_one_pooled_session_per_base_url(spotify):
    assert pooled(spotify.api_url) is pooled(spotify.api_url + "/")
    adapter = pooled(spotify.api_url).session.get_adapter(spotify.api_url)
    assert adapter._pool_maxsize >= 50
