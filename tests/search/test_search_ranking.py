"""Filters, boosts, order and paging of search candidates (SPEC §3.2 steps 4–7)."""

from __future__ import annotations

from typing import Any

import pytest

from matching.engine import search_relevance
from matching.search.candidates import Candidate
from matching.search.ranking import MAX_RANKED, bitrate_boost, keep, page, rank, score, sort_key
from matching.search.request import SearchRequest


def item(**fields: Any) -> Candidate:
    base: Candidate = {
        "type": "track",
        "id": "plex:track:1",
        "source": "plex",
        "title": "Nude",
        "artist": "Radiohead",
        "album": "In Rainbows",
        "year": 2007,
        "genres": ["Art Rock"],
        "bitrate": None,
        "format": None,
        "score": 0.0,
        "metadata": {"raw": {}, "artists": ["Radiohead"]},
    }
    base.update(fields)  # type: ignore[typeddict-item]
    return base


def req(**fields: Any) -> SearchRequest:
    return SearchRequest(**{"query": "nude", **fields})


# Filters


@pytest.mark.parametrize("kind", ["album", "artist"])
def test_type_filter_keeps_only_that_type(kind):
    assert not keep(item(type="track"), req(type=kind))
    assert keep(item(type=kind), req(type=kind))
    assert keep(item(type=kind), req(type="mixed"))


@pytest.mark.parametrize("genre", ["art rock", "ART ROCK", "Ärt röck", "rock", "art"])
def test_genre_filter_is_a_diacritic_and_case_insensitive_contains(genre):
    assert keep(item(genres=["Alternative", "Art Rock"]), req(genre=genre))


def test_genre_filter_matches_accented_genres_and_drops_others():
    assert keep(item(genres=["Musique Électronique"]), req(genre="electronique"))
    assert not keep(item(genres=["Jazz"]), req(genre="rock"))
    assert not keep(item(genres=[]), req(genre="rock"))


@pytest.mark.parametrize(
    ("year", "bounds", "kept"),
    [
        (2007, {"year_from": 2007}, True),
        (2006, {"year_from": 2007}, False),
        (2024, {"year_to": 2024}, True),
        (2025, {"year_to": 2024}, False),
        (1999, {"year_from": 1990, "year_to": 2000}, True),
        (None, {"year_from": 1990}, False),
        (None, {}, True),
    ],
)
def test_year_bounds_are_inclusive_and_drop_unknown_years(year, bounds, kept):
    assert keep(item(year=year), req(**bounds)) is kept


@pytest.mark.parametrize(
    ("bitrate", "kept"), [(None, True), (320, True), (321, True), (319, False), (0, False)]
)
def test_min_bitrate_drops_only_known_lower_bitrates(bitrate, kept):
    assert keep(item(bitrate=bitrate), req(min_bitrate=320)) is kept


# Scores


def test_score_without_boosts_is_the_relevance_rounded_to_two_decimals():
    candidate = item(title="Nude (Live)", genres=[])
    base = search_relevance("nude", candidate, "track")

    assert score(candidate, req()) == round(base, 2)


@pytest.mark.parametrize(
    ("fmt", "boost"), [("FLAC", 0.15), ("ALAC", 0.12), ("AAC", 0.03), ("OGG", 0.03), ("MP3", 0.0)]
)
def test_format_boost(fmt, boost):
    candidate = item(title="x", album=None, artist=None, format=fmt)
    candidate["metadata"]["artists"] = []

    assert score(candidate, req(query="nude")) == pytest.approx(
        round(search_relevance("nude", candidate, "track") + boost, 2)
    )


@pytest.mark.parametrize(
    ("bitrate", "boost"),
    [
        (None, 0.0),
        (128, 0.0),
        (255, 0.0),
        (256, 0.02),
        (319, 0.02),
        (320, 0.05),
        (999, 0.05),
        (1000, 0.10),
        (1411, 0.10),
    ],
)
def test_bitrate_boost(bitrate, boost):
    assert bitrate_boost(bitrate) == boost


def test_type_and_year_boosts_add_up_and_the_score_is_clamped():
    weak = item(title="zzz", album=None, artist=None, year=2000)
    weak["metadata"]["artists"] = []
    base = search_relevance("nude", weak, "track")

    boosted = score(weak, req(type="track", year_from=1990, year_to=2024))
    perfect = score(item(format="FLAC", bitrate=1000), req(type="track", year_from=2000))

    assert boosted == round(base + 0.10 + 0.05, 2)
    assert perfect == 1.0


def test_no_type_boost_for_mixed_and_no_year_boost_without_bounds():
    candidate = item(title="zzz", album=None, artist=None)
    candidate["metadata"]["artists"] = []

    assert score(candidate, req()) == round(search_relevance("nude", candidate, "track"), 2)


# Order


def test_higher_score_comes_first():
    ranked = rank([item(id="a", title="zzz"), item(id="b", title="Nude")], req())

    assert [c["id"] for c in ranked] == ["b", "a"]


def test_format_priority_breaks_score_ties_and_unlisted_formats_come_last():
    tied = [
        item(id="mp3", format="MP3", bitrate=128),
        item(id="none", format=None, bitrate=128),
        item(id="wma", format="WMA", bitrate=128),
        item(id="opus", format="OPUS", bitrate=128),
    ]

    ranked = rank(tied, req(format_priority=("OPUS", "WMA")))

    assert len({c["score"] for c in ranked}) == 1
    assert [c["id"] for c in ranked] == ["opus", "wma", "mp3", "none"]


def test_format_priority_ranks_after_score():
    better = item(id="better", title="Nude", format="MP3")
    worse = item(id="worse", title="Something Else", format="FLAC")

    ranked = rank([worse, better], req(format_priority=("FLAC",)))

    assert [c["id"] for c in ranked] == ["better", "worse"]
    assert ranked[0]["score"] > ranked[1]["score"]


def test_ties_are_broken_by_bitrate_year_normalised_title_then_id():
    tied = [
        item(id="b", bitrate=None, year=None, title="Nude"),
        item(id="a", bitrate=None, year=None, title="nude"),
        item(id="accent", bitrate=None, year=None, title="Ébauche"),
        item(id="old", bitrate=None, year=1990),
        item(id="new", bitrate=None, year=2010),
        item(id="hq", bitrate=200, year=None),
        item(id="lq", bitrate=128, year=2020),
    ]
    for c in tied:
        c["score"] = 0.5

    ordered = sorted(tied, key=lambda c: sort_key(c, req()))

    assert [c["id"] for c in ordered] == ["hq", "lq", "new", "old", "accent", "a", "b"]


def test_format_priority_comes_before_bitrate_in_ties():
    tied = [item(id="flac", format="FLAC", bitrate=1000), item(id="mp3", format="MP3", bitrate=128)]
    for c in tied:
        c["score"] = 0.5

    ordered = sorted(tied, key=lambda c: sort_key(c, req(format_priority=("MP3",))))

    assert [c["id"] for c in ordered] == ["mp3", "flac"]


# Paging


def test_rank_caps_the_list_at_1000():
    many = [item(id=f"plex:track:{i:05d}") for i in range(1500)]

    ranked = rank(many, req())

    assert len(ranked) == MAX_RANKED
    assert ranked[-1]["id"] == "plex:track:00999"


def test_page_slices_offset_and_limit():
    ranked = [item(id=str(i)) for i in range(10)]

    assert [c["id"] for c in page(ranked, req(limit=3, offset=4))] == ["4", "5", "6"]
    assert page(ranked, req(limit=3, offset=10)) == []
    assert page(ranked, req(limit=100, offset=10**18)) == []
