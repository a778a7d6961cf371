"""Library presence in bulk (SPEC §4.6) equals the pairwise definition."""

from __future__ import annotations

import random
from typing import Any

import pytest

from matching.engine import (
    PRESENCE_THRESHOLD,
    LibraryIndex,
    artist_key,
    core_title,
    score_track_vs_plex,
    track_key,
)
from tests.matching.cases import px, sp

# fmt: off
WORDS = (
    "love", "night", "blue", "heart", "fire", "dream", "rain", "river", "golden", "shadow",
    "light", "summer", "cold", "wild", "black", "sun", "moon", "home", "road", "city", "ghost",
    "paper", "glass", "silver", "electric", "sweet", "broken", "yesterday", "tomorrow", "ocean",
    "storm", "echo",
)
# fmt: on


def naive_presence(track: dict[str, Any], library: list[dict[str, Any]]) -> tuple[bool, float]:
    """SPEC §4.6 pair by pair: equal key (same recording), else the best confidence among
    tracks by a similar artist. Returns (present, confidence; -1 for key hits)."""
    key = track_key(track)
    for candidate in library:
        artists = [candidate.get(k) for k in ("artist", "grandparentTitle", "originalTitle")]
        keys = {(artist_key(a), core_title(candidate.get("title"))) for a in artists if a}
        same = not score_track_vs_plex(track, candidate).different_recording
        if key[0] and key[1] and key in keys and same:
            return True, -1.0
    best = 0.0
    for candidate in library:
        score = score_track_vs_plex(track, candidate)
        if score.artist is not None and score.artist >= 0.85:
            best = max(best, score.confidence)
    return best >= PRESENCE_THRESHOLD, best


def make_data(seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)

    def phrase(low: int, high: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).title()

    artists = [("The " if rng.random() < 0.2 else "") + phrase(1, 2) for _ in range(25)]
    library = []
    for _ in range(250):
        artist, title = rng.choice(artists), phrase(1, 4)
        if rng.random() < 0.1:
            title += f", Pt. {rng.randint(1, 3)}"
        library.append(px(title, artist, phrase(1, 3), rng.randint(120, 400) * 1000))
    spotify = []
    for _ in range(150):
        source = rng.choice(library)
        title, artist = source["title"], source["grandparentTitle"]
        variant = rng.random()
        if variant < 0.15:
            title += " - Remastered 2011"
        elif variant < 0.25:
            title += " (Live)"
        elif variant < 0.35:
            title = title.replace("e", "é", 1)
        elif variant < 0.45:
            artist = artist.removeprefix("The ") if artist.startswith("The ") else "The " + artist
        elif variant < 0.55 and len(title) > 6:
            title = title[:3] + title[4:]  # a typo
        elif variant < 0.65:
            title = phrase(1, 4)  # not in the library
        elif variant < 0.7:
            title += ", Pt. 9"
        ms = (
            (source["duration"] + rng.choice((0, 1000, 5000, 30000)))
            if rng.random() < 0.8
            else None
        )
        album = source["parentTitle"] if rng.random() < 0.7 else phrase(1, 3)
        spotify.append(sp(title, artist, album=album, ms=ms))
    return library, spotify


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bulk_presence_equals_naive_reference(seed: int) -> None:
    library, spotify = make_data(seed)

    results = LibraryIndex.build(library).find(spotify)

    assert len(results) == len(spotify)
    for track, result in zip(spotify, results, strict=True):
        present, confidence = naive_presence(track, library)
        assert result.present == present, track
        if present and confidence >= 0:  # fuzzy presence: same best confidence
            assert result.confidence == confidence
            assert result.method == "fuzzy"
    assert 0 < sum(r.present for r in results) < len(results)


def test_exact_key_fuzzy_match_and_traps() -> None:
    library = [
        px("Let It Be", "Beatles", "Let It Be", 243000),
        px("Smells Like Teen Sprit", "Nirvana", "Nevermind", 301000),
        px("Another Brick in the Wall, Pt. 1", "Pink Floyd", "The Wall", 191000),
        px("Creep (Live)", "Radiohead", "Live at the Astoria", 260000),
        px(
            "Stuck in the Middle With You",
            "Various Artists",
            "OST",
            210000,
            original="Stealers Wheel",
        ),
        px("Paranoid", "Black Sabbath", "Live at Last", 170000),
    ]
    index = LibraryIndex.build(library)
    tracks = [
        sp("Let It Be - Remastered 2009", "The Beatles", album="Let It Be", ms=243000),
        sp("Smells Like Teen Spirit", "Nirvana", album="Nevermind", ms=301000),
        sp("Another Brick in the Wall, Pt. 2", "Pink Floyd", album="The Wall", ms=239000),
        sp("Creep", "Radiohead", album="Pablo Honey", ms=238000),
        sp("Stuck In The Middle With You", "Stealers Wheel"),
        sp("Unknown Song", "Nobody"),
        sp("Paranoid", "Black Sabbath", album="Paranoid", ms=168000),
    ]

    results = index.find(tracks)

    assert [r.present for r in results] == [True, True, False, False, True, False, False]
    assert [r.method for r in results] == ["exact", "fuzzy", "none", "none", "exact", "none",
                                           "none"]  # fmt: skip
    assert results[0].candidate is library[0]
    assert results[2].candidate is library[2]  # reported so a UI can say why not
    assert results[2].score.different_recording
    assert results[5].candidate is None
    assert index.contains(tracks[1]).present
    assert results[6].candidate is library[5]  # same key, but on a live album
    assert results[6].score.different_recording
    assert len(index) == 6


def test_empty_inputs() -> None:
    assert LibraryIndex.build([]).find([sp("Nude", "Radiohead")])[0].present is False
    assert LibraryIndex.build([px("Nude", "Radiohead")]).find([]) == []
