"""PlexClient: headers, client identifier, section selection, counts, paging (SPEC §9.3, §5.6)."""

from __future__ import annotations

import logging

import pytest

from core import config
from core.errors import MissingCredentials, UpstreamError
from core.models import Setting
from integrations.clients.plex import PlexClient, client_identifier
from tests.fakes import FakePlex
from tests.integrations.plex.plex_helpers import assert_sent_by_harmony, only


def test_every_call_sends_token_json_accept_identifier_and_product(plex, library):
    PlexClient.from_config().sections()

    request = only(plex, "/library/sections")
    assert_sent_by_harmony(request, plex)


def test_client_identifier_is_generated_once_and_stored(plex, library):
    assert config.get("PLEX_CLIENT_IDENTIFIER") is None

    PlexClient.from_config().sections()
    PlexClient.from_config().sections()

    row = Setting.objects.get(key="PLEX_CLIENT_IDENTIFIER")
    assert row.source == Setting.Source.SYSTEM
    sent = {r.header("X-Plex-Client-Identifier") for r in plex.requests}
    assert sent == {row.value}
    assert len(row.value) == 36  # a UUID


def test_configured_client_identifier_is_used(plex, library, monkeypatch):
    monkeypatch.setenv("PLEX_CLIENT_IDENTIFIER", "harmony-living-room")

    PlexClient.from_config().sections()

    assert plex.requests[0].header("X-Plex-Client-Identifier") == "harmony-living-room"
    assert client_identifier() == "harmony-living-room"
    assert not Setting.objects.filter(key="PLEX_CLIENT_IDENTIFIER").exists()


def test_missing_credentials_name_the_keys(db):
    with pytest.raises(MissingCredentials) as caught:
        PlexClient.from_config()

    assert caught.value.missing == {"plex": ["PLEX_BASE_URL", "PLEX_TOKEN"]}


def test_music_section_is_the_artist_section_titled_like_plex_library(plex, monkeypatch):
    plex.add_section("Movies", key="1", type="movie")
    plex.add_section("Hörbücher", key="2")
    plex.add_section("music", key="3")
    monkeypatch.setenv("PLEX_LIBRARY", "MUSIC")

    sections = PlexClient.from_config().music_sections()

    assert [s.key for s in sections] == ["3"]


def test_without_a_matching_title_every_artist_section_is_used_with_a_warning(
    plex, monkeypatch, caplog
):
    plex.add_section("Movies", key="1", type="movie")
    plex.add_section("Hörbücher", key="2")
    plex.add_section("Klassik", key="3")
    monkeypatch.setenv("PLEX_LIBRARY", "Music")

    with caplog.at_level(logging.WARNING, logger="integrations.clients.plex"):
        sections = PlexClient.from_config().music_sections()

    assert [s.key for s in sections] == ["2", "3"]
    assert "no Plex music section titled 'Music'" in caplog.text


def test_count_asks_for_an_empty_window_and_reads_total_size(plex, library):
    total = PlexClient.from_config().count("1", 9)

    assert total == 3
    request = only(plex, "/library/sections/1/all")
    assert request.arg("type") == "9"
    assert request.header("X-Plex-Container-Start") == "0"
    assert request.header("X-Plex-Container-Size") == "0"


def test_library_counts_sum_types_8_9_10_over_sections(plex, library):
    plex.add_section("Music", key="2")
    plex.add_track("Song", "Other Artist", "Other Album", section="2")

    counts = PlexClient.from_config().library_counts(["1", "2"])

    assert (counts.artists, counts.albums, counts.tracks) == (3, 4, 6)
    types = sorted(r.arg("type") for r in plex.requests_to("/all$"))
    assert types == ["10", "10", "8", "8", "9", "9"]


def test_all_tracks_reads_pages_of_500_to_the_end(plex):
    plex.add_section("Music", key="1")
    plex.make_tracks(1201)

    tracks = PlexClient.from_config().all_tracks(["1"])

    assert len(tracks) == 1201
    assert len({t["ratingKey"] for t in tracks}) == 1201
    pages = plex.requests_to("/library/sections/1/all")
    assert [r.header("X-Plex-Container-Start") for r in pages] == ["0", "500", "1000"]
    assert {r.header("X-Plex-Container-Size") for r in pages} == {"500"}
    assert {r.arg("type") for r in pages} == {"10"}
    assert "Guid" in tracks[0]


def test_hub_search_sends_query_limit_and_section(plex, library):
    hubs = PlexClient.from_config().hub_search("radiohead nude", limit=60, section_id="1")

    track_hub = next(h for h in hubs if h["type"] == "track")
    assert [m["title"] for m in track_hub["Metadata"]] == ["Nude"]
    request = only(plex, "/hubs/search")
    assert (request.arg("query"), request.arg("limit"), request.arg("sectionId")) == (
        "radiohead nude",
        "60",
        "1",
    )


def test_metadata_returns_the_first_entry(plex, library):
    item = PlexClient.from_config().metadata(library["nude"]["ratingKey"])

    assert item["title"] == "Nude"
    assert item["grandparentTitle"] == "Radiohead"


def test_retries_of_a_get_stay_within_one_deadline(plex, library, monkeypatch):
    monkeypatch.setenv("UPSTREAM_TIMEOUT_SEC", "1")
    monkeypatch.setattr("integrations.http.BACKOFF", (5.0, 5.0, 5.0))
    plex.set_status500("/library/sections")

    with pytest.raises(UpstreamError):
        PlexClient.from_config().sections()

    # One attempt, then a backoff that the deadline cut short; no second attempt after it.
    assert len(plex.requests_to("/library/sections")) <= 2


def test_a_5xx_on_get_is_retried(plex, library):
    plex.set_status500("/library/sections", count=2)

    sections = PlexClient.from_config().sections()

    assert [s.title for s in sections] == ["Music"]
    assert len(plex.requests_to("/library/sections")) == 3


def test_plex_answering_xml_is_an_upstream_error(db, fake_plex: FakePlex, monkeypatch):
    class XmlPlex(FakePlex):
        """Plex as it answers without `Accept: application/json`."""

        def _reply(self, request, container):
            request.headers["Accept"] = "application/xml"
            return super()._reply(request, container)

    with XmlPlex() as xml_plex:
        monkeypatch.setenv("PLEX_BASE_URL", xml_plex.url)
        monkeypatch.setenv("PLEX_TOKEN", xml_plex.token)
        xml_plex.add_section("Music")

        with pytest.raises(UpstreamError) as caught:
            PlexClient.from_config().sections()

    assert caught.value.service == "plex"
