"""`POST /api/search` against the three fake upstreams (SPEC §3.2, §3.3)."""

from __future__ import annotations

import pytest

from activity.models import ActivityEvent
from integrations.models import SoulseekSearch
from tests.fakes.slskd import slsk_file

pytestmark = pytest.mark.django_db(transaction=True)


def event(status: str) -> dict:
    return ActivityEvent.objects.get(type="search", status=status).details


def by_source(items: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for entry in items:
        grouped.setdefault(entry["source"], []).append(entry)
    return grouped


@pytest.fixture
def library(spotify, plex, slskd):
    """Radiohead in all three sources."""
    spotify.add_artist("Radiohead", genres=["Art Rock", "Alternative"])
    spotify.add_track("Weird Fishes/Arpeggi", "Radiohead", "In Rainbows", release_date="2007-10-10")
    plex.add_track(
        "Weird Fishes", "Radiohead", "In Rainbows", genres=["Rock"], codec="mp3", bitrate=320
    )
    slskd.add_search_result(
        "radiohead",
        "user123",
        [slsk_file("Music\\Radiohead\\2007 - In Rainbows\\04 - Weird Fishes.flac", bit_rate=None)],
        queue_length=3,
    )
    return spotify, plex, slskd


def test_results_of_all_sources_are_merged_and_ranked(search, library):
    response = search({"query": "radiohead weird fishes"})

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["total"] == len(body["items"])
    assert {i["source"] for i in body["items"]} == {"spotify", "plex", "soulseek"}
    scores = [i["score"] for i in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert all(
        set(i)
        == {
            "type",
            "id",
            "source",
            "title",
            "artist",
            "album",
            "year",
            "genres",
            "bitrate",
            "format",
            "score",
            "metadata",
        }
        for i in body["items"]
    )


def test_each_source_is_normalised(search, library):
    items = by_source(search({"query": "radiohead", "type": "track"}).json()["items"])

    (spotify_track,) = items["spotify"]
    assert spotify_track["id"].startswith("spotify:track:")
    assert (spotify_track["title"], spotify_track["artist"], spotify_track["album"]) == (
        "Weird Fishes/Arpeggi",
        "Radiohead",
        "In Rainbows",
    )
    assert (spotify_track["year"], spotify_track["genres"]) == (2007, ["Art Rock", "Alternative"])
    assert "available_markets" not in spotify_track["metadata"]["raw"]
    (plex_track,) = items["plex"]
    assert plex_track["id"].startswith("plex:track:")
    assert (plex_track["bitrate"], plex_track["format"], plex_track["genres"]) == (
        320,
        "MP3",
        ["Rock"],
    )
    assert plex_track["year"] == 2007
    (soulseek_file,) = items["soulseek"]
    assert soulseek_file["id"].startswith("soulseek:file:")
    assert (soulseek_file["title"], soulseek_file["artist"], soulseek_file["album"]) == (
        "Weird Fishes",
        "Radiohead",
        "In Rainbows",
    )
    assert (soulseek_file["bitrate"], soulseek_file["format"], soulseek_file["year"]) == (
        1000,
        "FLAC",
        2007,
    )
    assert soulseek_file["metadata"]["raw"]["username"] == "user123"
    assert soulseek_file["metadata"]["raw"]["queue_length"] == 3


def test_spotify_is_asked_once_for_all_types_and_reuses_genres_of_artist_hits(search, library):
    spotify, _plex, _slskd = library

    search({"query": "radiohead", "sources": ["spotify"]})

    (call,) = spotify.requests_to(r"^/v1/search$")
    assert call.arg("q") == "radiohead"
    assert call.arg("type") == "track,album,artist"
    assert not spotify.requests_to(r"^/v1/artists")


def test_genres_of_track_artists_come_from_one_batch_lookup(search, spotify):
    radiohead = spotify.add_artist("Radiohead", genres=["Art Rock"])
    portishead = spotify.add_artist("Portishead", genres=["Trip Hop"])
    spotify.add_track("Nude", "Radiohead", "In Rainbows")
    spotify.add_track("Nude Dance", "Portishead", "Dummy")

    items = search({"query": "nude", "sources": ["spotify"], "type": "track"}).json()["items"]

    (artists,) = spotify.requests_to(r"^/v1/artists")
    assert set(artists.arg("ids").split(",")) == {radiohead["id"], portishead["id"]}
    assert {i["artist"]: i["genres"] for i in items} == {
        "Radiohead": ["Art Rock"],
        "Portishead": ["Trip Hop"],
    }


def test_spotify_query_carries_genre_and_year_filters_and_one_type(search, spotify):
    search(
        {
            "query": "radiohead",
            "sources": ["spotify"],
            "type": "album",
            "genre": "rock",
            "year_from": 1990,
        }
    )

    (call,) = spotify.requests_to(r"^/v1/search$")
    assert call.arg("q") == 'radiohead genre:"rock" year:1990-2099'
    assert call.arg("type") == "album"


def test_spotify_without_batch_artist_lookup_still_answers_without_genres(search, spotify):
    spotify.dev_mode_2026 = True
    spotify.add_artist("Radiohead", genres=["Art Rock"])
    spotify.add_track("Nude", "Radiohead", "In Rainbows")

    response = search({"query": "nude", "sources": ["spotify"], "type": "track"})

    assert response.status_code == 200
    assert response.json()["ok"] is True
    (track,) = response.json()["items"]
    assert track["genres"] == []
    assert len(spotify.requests_to(r"^/v1/artists")) == 1


def test_plex_searches_every_target_section_and_keeps_requested_hubs(search, plex, monkeypatch):
    plex.add_section("Podcasts", type="show")
    plex.add_track("Nude", "Radiohead", "In Rainbows")

    response = search({"query": "radiohead", "sources": ["plex"], "type": "album"})

    (call,) = plex.requests_to("/hubs/search")
    assert (call.arg("sectionId"), call.arg("limit")) == ("1", "60")
    items = response.json()["items"]
    assert [(i["type"], i["title"]) for i in items] == [("album", "In Rainbows")]


def test_plex_with_several_music_sections_asks_each(search, plex, monkeypatch):
    monkeypatch.setenv("PLEX_LIBRARY", "Nothing by that name")
    plex.add_section("Vinyl", key="7")
    plex.add_track("Nude", "Radiohead", "In Rainbows", section="Vinyl")
    plex.add_track("Reckoner", "Radiohead", "In Rainbows")

    response = search({"query": "radiohead", "sources": ["plex"], "type": "track"})

    assert {r.arg("sectionId") for r in plex.requests_to("/hubs/search")} == {"1", "7"}
    assert {i["title"] for i in response.json()["items"]} == {"Nude", "Reckoner"}


def test_soulseek_files_of_all_responses_are_flattened_and_capped_at_60(search, slskd):
    slskd.add_search_result(
        "nude", "alice", [f"Music\\Radiohead\\In Rainbows\\{n:02d} - Nude.mp3" for n in range(40)]
    )
    slskd.add_search_result("nude", "bob", [f"Radiohead\\Nude take {n}.flac" for n in range(40)])

    response = search({"query": "nude", "sources": ["soulseek"], "limit": 100})

    body = response.json()
    assert body["total"] == 60
    assert {i["metadata"]["raw"]["username"] for i in body["items"]} == {"alice", "bob"}
    assert SoulseekSearch.objects.get().requested_by == "api/search"
    (created,) = slskd.requests_to("/api/v0/searches$", method="POST")
    assert created.json["searchText"] == "nude"


def test_incomplete_soulseek_search_is_stopped_and_its_responses_used(search, slskd, monkeypatch):
    monkeypatch.setenv("SEARCH_TIMEOUT_MS", "1500")
    slskd.search_polls_to_complete = 10_000
    slskd.add_search_result("nude", "alice", ["Radiohead\\Nude.mp3"])

    response = search({"query": "nude", "sources": ["soulseek"]})

    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert slskd.requests_to(r"/api/v0/searches/[^/]+$", method="PUT")


def test_filters_apply_to_every_source(search, library):
    _spotify, plex, _slskd = library
    plex.add_track("Nude", "Radiohead", "In Rainbows", genres=["Art Rock"])

    response = search({"query": "radiohead", "sources": ["plex", "soulseek"], "genre": "art rock"})

    items = response.json()["items"]
    assert [(i["source"], i["title"]) for i in items] == [("plex", "Nude")]
    assert event("search_completed")["matches"] == {"plex": 1, "soulseek": 0}


def test_min_bitrate_and_format_priority_with_soulseek_and_plex(search, plex, slskd):
    plex.add_track("Nude", "Radiohead", "In Rainbows", codec="mp3", bitrate=128)
    slskd.add_search_result(
        "nude",
        "u",
        [
            slsk_file("Radiohead\\In Rainbows\\Nude.mp3", bit_rate=320),
            slsk_file("Radiohead\\In Rainbows\\Nude.ogg", bit_rate=None, extension="ogg"),
        ],
    )

    response = search(
        {
            "query": "radiohead nude",
            "type": "track",
            "sources": ["plex", "soulseek"],
            "min_bitrate": 192,
        }
    )

    formats = [(i["source"], i["format"], i["bitrate"]) for i in response.json()["items"]]
    assert ("plex", "MP3", 128) not in formats
    assert ("soulseek", "OGG", None) in formats


def test_completed_event_counts_matches_per_requested_source(search, library):
    search({"query": "radiohead", "type": "track"})

    assert event("search_completed") == {
        "query": "radiohead",
        "sources": ["plex", "soulseek", "spotify"],
        "matches": {"plex": 1, "soulseek": 1, "spotify": 1},
    }
    assert not ActivityEvent.objects.filter(status="search_failed").exists()


def test_paging_and_total(search, plex):
    for n in range(30):
        plex.add_track(f"Song {n:02d}", "Radiohead", "Album")

    first = search({"query": "radiohead", "sources": ["plex"], "type": "track", "limit": 10}).json()
    last = search(
        {"query": "radiohead", "sources": ["plex"], "type": "track", "limit": 10, "offset": 25}
    ).json()

    assert first["total"] == last["total"] == 30
    assert len(first["items"]) == 10
    assert len(last["items"]) == 5
    all_ids = {i["id"] for i in first["items"]} | {i["id"] for i in last["items"]}
    assert len(all_ids) == 15


def test_offset_beyond_the_results_is_an_empty_page(search, plex):
    plex.add_track("Nude", "Radiohead", "In Rainbows")

    body = search({"query": "radiohead", "sources": ["plex"], "offset": 5000}).json()

    assert body["items"] == []
    assert body["total"] == 3
