"""Album vs Plex album confidence (SPEC §4.5)."""

from __future__ import annotations

from matching.engine import best_album_match, score_album_vs_plex

IN_RAINBOWS = {
    "id": "7eyQXxuf2nGj9d2367Gi5f",
    "name": "In Rainbows",
    "artists": [{"name": "Radiohead"}],
    "total_tracks": 10,
    "release_date": "2007-10-10",
}
PLEX = {
    "ratingKey": "1",
    "title": "In Rainbows",
    "parentTitle": "Radiohead",
    "leafCount": 10,
    "year": 2007,
}


def test_identical_album_scores_one() -> None:
    assert score_album_vs_plex(IN_RAINBOWS, PLEX) == 1.0


def test_missing_count_and_year_cap_at_0_8() -> None:
    album = {"name": "In Rainbows", "artists": [{"name": "Radiohead"}]}

    assert score_album_vs_plex(album, {"title": "In Rainbows", "parentTitle": "Radiohead"}) == 0.8


def test_year_off_by_one_and_track_count_difference() -> None:
    plex = {**PLEX, "year": None, "originallyAvailableAt": "2008-01-01", "leafCount": 8}

    # name .4 + artist .4 + count .1 × (1 − 2/10) + year .1 × 0.5
    assert score_album_vs_plex(IN_RAINBOWS, plex) == 0.93


def test_track_count_from_tracks_items_and_edition_noise() -> None:
    album = {**IN_RAINBOWS, "name": "In Rainbows (Deluxe Edition)", "total_tracks": None}
    album["tracks"] = {"items": [{"id": str(i)} for i in range(10)]}

    assert score_album_vs_plex(album, {**PLEX, "title": "In Rainbows [Remastered]"}) == 1.0


def test_other_volume_is_penalised() -> None:
    kill_bill = {"name": "Kill Bill Vol. 1", "artists": [{"name": "Various Artists"}]}
    vol2 = {"title": "Kill Bill Vol. 2", "parentTitle": "Various Artists"}
    vol1 = {"title": "Kill Bill Vol. 1", "parentTitle": "Various Artists"}

    assert score_album_vs_plex(kill_bill, vol2) < score_album_vs_plex(kill_bill, vol1) * 0.85


def test_best_album_match() -> None:
    other = {**PLEX, "title": "OK Computer", "leafCount": 12, "year": 1997}

    assert best_album_match(IN_RAINBOWS, [other, PLEX]) == (PLEX, 1.0)
    assert best_album_match(IN_RAINBOWS, []) == (None, 0.0)
