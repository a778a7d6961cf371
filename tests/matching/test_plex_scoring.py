"""Track vs Plex confidence (SPEC §4.2), the version rule and review bands."""

from __future__ import annotations

import pytest

from matching.engine import (
    AUTO_ACCEPT,
    MatchScore,
    best_plex_match,
    classify,
    score_track_vs_plex,
)
from tests.matching.cases import px, sp

NUDE = sp("Nude", "Radiohead", album="In Rainbows", ms=255000)


def test_identical_fully_described_track_scores_one() -> None:
    score = score_track_vs_plex(NUDE, px("Nude", "Radiohead", "In Rainbows", 255000))

    assert score.confidence == 1.0
    assert score.coverage == pytest.approx(1.0)
    assert (score.title, score.artist, score.album, score.duration) == (1.0, 1.0, 1.0, 1.0)


def test_title_only_comparison_cannot_exceed_0_9() -> None:
    score = score_track_vs_plex({"id": "x", "name": "Nude"}, {"title": "Nude"})

    assert score.confidence == 0.9
    assert score.coverage == 0.5
    assert score.artist is score.album is score.duration is None


def test_spec_2_9_example_gives_0_9() -> None:
    track = {"id": "2cGxRwrMyEAp8dEbuZaVv6", "name": "Harder, Better, Faster, Stronger"}
    candidate = {"id": "123", "title": "Harder Better Faster Stronger", "album": "Discovery"}

    best, score = best_plex_match(track, [candidate])

    assert best is candidate
    assert score.confidence == 0.9


def test_missing_title_scores_zero() -> None:
    assert score_track_vs_plex(NUDE, {"grandparentTitle": "Radiohead"}).confidence == 0.0
    assert score_track_vs_plex({"id": "x"}, px("Nude", "Radiohead")).confidence == 0.0


def test_weighted_mean_and_coverage_formula() -> None:
    # title 1.0 (w .5), artist 0.0 (w .3), no album, duration 1.0 (w .05)
    track = sp("Hurt", "Johnny Cash", ms=218000)
    score = score_track_vs_plex(track, px("Hurt", "Nine Inch Nails", None, 218000))

    raw = (0.5 * 1.0 + 0.3 * score.artist + 0.05 * 1.0) / 0.85
    assert score.confidence == round(raw * (0.8 + 0.2 * 0.85), 4)


@pytest.mark.parametrize(
    ("delta_ms", "expected"), [(0, 1.0), (2000, 1.0), (11000, 0.5), (20000, 0.0), (60000, 0.0)]
)
def test_duration_component_is_linear_between_2_and_20_seconds(
    delta_ms: int, expected: float
) -> None:
    score = score_track_vs_plex(NUDE, px("Nude", "Radiohead", "In Rainbows", 255000 + delta_ms))

    assert score.duration == pytest.approx(expected)


def test_artist_component_takes_best_pair_including_plex_original_title() -> None:
    track = sp("Stuck in the Middle With You", "Stealers Wheel")
    candidate = px("Stuck in the Middle With You", "Various Artists", original="Stealers Wheel")

    assert score_track_vs_plex(track, candidate).artist == 1.0


@pytest.mark.parametrize(
    "plex_title", ["Nude (Live)", "Nude (Thom Remix)", "Nude - Acoustic", "Nude (Instrumental)"]
)
def test_studio_track_never_auto_accepts_another_version(plex_title: str) -> None:
    score = score_track_vs_plex(NUDE, px(plex_title, "Radiohead", "In Rainbows", 255000))

    assert score.different_recording
    assert score.confidence < AUTO_ACCEPT
    assert any("different version" in note for note in score.notes)


def test_live_album_marks_plain_titles_as_live() -> None:
    score = score_track_vs_plex(NUDE, px("Nude", "Radiohead", "Live at the Astoria", 255000))

    assert score.different_recording
    assert score.confidence < AUTO_ACCEPT


def test_remaster_is_not_another_version() -> None:
    track = sp("Nude - 2017 Remaster", "Radiohead", album="In Rainbows (Deluxe Edition)", ms=255000)

    score = score_track_vs_plex(track, px("Nude (Remastered)", "Radiohead", "In Rainbows", 255000))

    assert score.confidence == 1.0
    assert not score.different_recording


def test_other_part_is_penalised_into_the_review_band() -> None:
    track = sp("Another Brick in the Wall, Pt. 2", "Pink Floyd", album="The Wall", ms=239000)
    part1 = px("Another Brick in the Wall, Pt. 1", "Pink Floyd", "The Wall", 239000)

    score = score_track_vs_plex(track, part1)

    assert score.notes == ("different part: part 2 vs 1",)
    assert classify(score.confidence) == "review"


def test_best_match_prefers_first_of_equal_candidates_and_handles_empty_lists() -> None:
    first, second = px("Nude", "Radiohead"), px("Nude", "Radiohead")

    assert best_plex_match(NUDE, [first, second])[0] is first
    assert best_plex_match(NUDE, []) == (None, MatchScore(confidence=0.0))


def test_score_as_dict_is_json_ready() -> None:
    data = score_track_vs_plex(NUDE, px("Nude (Live)", "Radiohead")).as_dict()

    assert set(data) == {
        "confidence",
        "raw",
        "coverage",
        "penalty",
        "title",
        "artist",
        "album",
        "duration",
        "quality",
        "notes",
    }
    assert data["album"] is None
    assert data["notes"] == ["different version: original vs live"]


@pytest.mark.parametrize(
    ("confidence", "threshold", "band"),
    [
        (0.0, 0.65, "rejected"),
        (0.6499, 0.65, "rejected"),
        (0.65, 0.65, "review"),
        (0.8499, 0.65, "review"),
        (0.85, 0.65, "accepted"),
        (1.0, 0.65, "accepted"),
        (0.9, 0.95, "rejected"),
        (0.95, 0.95, "accepted"),
    ],
)
def test_classify_bands(confidence: float, threshold: float, band: str) -> None:
    assert classify(confidence, threshold) == band


def test_ill_typed_fields_are_treated_as_absent() -> None:
    track = {"id": "x", "name": "Nude", "artists": [None, {"name": None}, 5], "duration_ms": "1"}
    candidate = {"title": "Nude", "grandparentTitle": 7, "parentTitle": ["x"], "duration": True}

    score = score_track_vs_plex(track, candidate)

    assert score.confidence == 0.9
    assert score.artist is score.album is score.duration is None
