"""Soulseek path parsing (SPEC §3.2 step 3) and file confidence (SPEC §4.3)."""

from __future__ import annotations

import pytest

from matching.engine import best_soulseek_match, parse_soulseek_path, score_track_vs_soulseek
from tests.matching.cases import sp

NUDE = sp("Nude", "Radiohead", album="In Rainbows", ms=255000)
SPEC_PATH = r"@@abcde\Music\Radiohead\2007 - In Rainbows [FLAC]\03 - Nude.flac"


def test_spec_example_path_is_fully_parsed() -> None:
    parsed = parse_soulseek_path(SPEC_PATH)

    assert parsed.components == (
        "Music",
        "Radiohead",
        "2007 - In Rainbows [FLAC]",
        "03 - Nude.flac",
    )
    assert (parsed.stem, parsed.title, parsed.track_number) == ("Nude", "Nude", 3)
    assert (parsed.artist, parsed.album, parsed.year) == ("Radiohead", "In Rainbows", 2007)
    assert (parsed.parent, parsed.grandparent) == ("2007 - In Rainbows [FLAC]", "Radiohead")
    assert (parsed.extension, parsed.format) == ("flac", "FLAC")


@pytest.mark.parametrize(
    ("filename", "title", "artist", "album", "year", "track"),
    [
        ("Daft Punk - Discovery - 01 - One More Time.mp3", "One More Time", "Daft Punk", "Discovery", None, 1),
        ("Music/Daft Punk - Harder Better Faster Stronger.mp3", "Harder Better Faster Stronger", "Daft Punk", None, None, None),
        (r"Soundtracks\Pulp Fiction OST\03 - Dick Dale - Misirlou.mp3", "Misirlou", "Dick Dale", "Pulp Fiction OST", None, 3),
        (r"Fleetwood Mac\Rumours\1-07 Go Your Own Way.m4a", "Go Your Own Way", "Fleetwood Mac", "Rumours", None, 7),
        (r"Fleetwood Mac\Rumours (1977) [Vinyl 24-96]\A1 Second Hand News.flac", "Second Hand News", "Fleetwood Mac", "Rumours", 1977, 1),
        (r"Pink Floyd\The Wall (1979)\CD1\05 - Another Brick in the Wall, Part 1.flac", "Another Brick in the Wall, Part 1", "Pink Floyd", "The Wall", 1979, 5),
        (r"Radiohead\Radiohead - OK Computer (1997) [320]\02. Paranoid Android.mp3", "Paranoid Android", "Radiohead", "OK Computer", 1997, 2),
        ("incoming/03_radiohead_-_nude.mp3", "nude", "radiohead", None, None, 3),
        ("Blur - 05 Song 2.mp3", "Song 2", "Blur", None, None, 5),
        ("Radiohead - Creep - Live.mp3", "Creep - Live", "Radiohead", None, None, None),
        ("Nude - Live.mp3", "Nude - Live", None, None, None, None),
        ("1979.mp3", "1979", None, None, None, None),
        (r"@@x\@@y\a.mp3", "a", None, None, None, None),
        ("", "", None, None, None, None),
    ],
)  # fmt: skip
def test_path_parsing(
    filename: str,
    title: str,
    artist: str | None,
    album: str | None,
    year: int | None,
    track: int | None,
) -> None:
    parsed = parse_soulseek_path(filename)

    assert (parsed.title, parsed.artist, parsed.album, parsed.year) == (title, artist, album, year)
    assert parsed.track_number == track


def test_path_bitrate_hint_and_missing_extension() -> None:
    assert parse_soulseek_path(r"Radiohead\In Rainbows [320]\Nude.mp3").path_bitrate == 320
    assert parse_soulseek_path(r"Radiohead\In Rainbows\Nude").extension == ""


def test_spec_path_scores_one_for_the_track() -> None:
    score = score_track_vs_soulseek(NUDE, {"filename": SPEC_PATH, "length": 255})

    assert score.confidence == 1.0
    assert score.quality == 1.0  # lossless extension without bitRate


def test_quality_component() -> None:
    path = r"Radiohead\In Rainbows\03 - Nude.mp3"

    assert score_track_vs_soulseek(NUDE, {"filename": path}).quality == 0.5
    assert score_track_vs_soulseek(NUDE, {"filename": path, "bitRate": 128}).quality == 0.5
    assert score_track_vs_soulseek(NUDE, {"filename": path, "bitRate": 256}).quality == 1.0
    assert score_track_vs_soulseek(NUDE, {"filename": path, "bitrate": 320}).quality == 1.0


def test_username_is_never_compared() -> None:
    file = {"filename": r"Music\In Rainbows\03 - Nude.mp3", "bitRate": 320}

    plain = score_track_vs_soulseek(NUDE, file)
    with_user = score_track_vs_soulseek(NUDE, {**file, "username": "Radiohead"})

    assert plain == with_user
    assert plain.artist is not None and plain.artist < 1.0


def test_artist_prefix_of_the_stem_is_removed_from_the_title_side() -> None:
    score = score_track_vs_soulseek(NUDE, {"filename": "Radiohead - Nude.mp3", "bitRate": 320})

    assert score.title == 1.0
    assert score.album is None  # no parent directory


def test_short_artist_must_align_on_word_boundaries() -> None:
    track = sp("Sexy Boy", "Air")

    inside_word = score_track_vs_soulseek(track, {"filename": r"Chairlift\Sexy Boy.mp3"})
    own_folder = score_track_vs_soulseek(track, {"filename": r"Air\Sexy Boy.mp3"})

    assert own_folder.artist == 1.0
    assert inside_word.artist is not None and inside_word.artist < 0.9


@pytest.mark.parametrize(
    "filename",
    [
        r"Radiohead\In Rainbows\03 - Nude (Live).mp3",
        r"Radiohead\Live at the Astoria\03 - Nude.mp3",
        r"Radiohead\In Rainbows\Nude (Thom Yorke Remix).mp3",
    ],
)
def test_other_versions_stay_below_auto_accept(filename: str) -> None:
    score = score_track_vs_soulseek(NUDE, {"filename": filename, "bitRate": 320, "length": 255})

    assert score.different_recording
    assert score.confidence < 0.85


def test_best_soulseek_match() -> None:
    files = [{"filename": r"Radiohead\In Rainbows\01 - 15 Step.mp3"}, {"filename": SPEC_PATH}]

    best, score = best_soulseek_match(NUDE, files)

    assert best is files[1]
    assert score.confidence > 0.85
    assert best_soulseek_match(NUDE, [])[0] is None
