"""Search relevance (SPEC §4.4)."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from matching.engine import search_relevance


def test_exact_artist_hit_scores_one() -> None:
    candidate = {"type": "artist", "title": "Radiohead", "artist": "Radiohead"}

    # title .15 + artist .65 + album 0 + composite .10 = .90, + .10 title bonus
    assert search_relevance("radiohead", candidate, "artist") == 1.0


def test_track_weights_and_title_bonus() -> None:
    candidate = {"title": "Nude", "artist": "Radiohead", "album": "In Rainbows"}

    score = search_relevance("Nude", candidate, "track")

    expected = (
        0.55 * 1.0
        + 0.25 * fuzz.token_set_ratio("nude", "radiohead") / 100
        + 0.15 * fuzz.token_set_ratio("nude", "in rainbows") / 100
        + 0.05 * fuzz.partial_ratio("nude", "nude in rainbows radiohead") / 100
        + 0.10
    )
    assert score == round(min(1.0, expected), 4)


def test_album_bonus_when_query_is_the_album() -> None:
    album = {"type": "album", "title": "In Rainbows", "artist": "Radiohead", "album": "In Rainbows"}
    track = {"type": "track", "title": "Nude", "artist": "Radiohead", "album": "In Rainbows"}

    assert search_relevance("in rainbows", album, "album") == 1.0
    assert search_relevance("in rainbows", track, "track") < search_relevance(
        "in rainbows", album, "album"
    )


def test_all_artists_from_metadata_count() -> None:
    candidate = {
        "title": "Get Lucky",
        "artist": "Daft Punk",
        "metadata": {"artists": ["Daft Punk", "Pharrell Williams"]},
    }

    assert search_relevance("pharrell williams", candidate, "artist") > search_relevance(
        "pharrell williams", {"title": "Get Lucky", "artist": "Daft Punk"}, "artist"
    )


def test_missing_fields_count_zero_and_diacritics_are_ignored() -> None:
    assert search_relevance("bjork", {"title": "Björk"}, "artist") == pytest.approx(
        0.15 + 0.10 + 0.10
    )
    assert search_relevance("!!!", {"title": "Nude"}, "track") == 0.0


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown candidate kind"):
        search_relevance("x", {"title": "x"}, "mixed")
