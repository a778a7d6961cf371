"""Normalisation (SPEC §4.1): norm, core_title, core_album, artist keys, title analysis."""

from __future__ import annotations

import pytest

from matching.engine import analyse_title, artist_key, core_album, core_title, norm, track_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  Harder, Better,  Faster!  ", "harder better faster"),
        ("Björk", "bjork"),
        ("Sigur Rós", "sigur ros"),
        ("Beyoncé", "beyonce"),
        ("Mötley Crüe", "motley crue"),
        ("Röyksopp", "royksopp"),
        ("Simon & Garfunkel", "simon and garfunkel"),
        ("R&B", "r and b"),
        ("ＡＢＣ", "abc"),
        ("Straße", "strasse"),
        ("坂本龍一", "坂本龍一"),
        ("방탄소년단", "방탄소년단"),
        ("Группа крови", "группа крови"),
        ("ガンダム", "ガンダム"),
        ("AC/DC", "ac dc"),
    ],
)
def test_norm_follows_spec_and_keeps_non_latin_scripts(raw: str | None, expected: str) -> None:
    assert norm(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Here Comes the Sun - Remastered 2009", "here comes the sun"),
        ("Bohemian Rhapsody (Remastered 2011)", "bohemian rhapsody"),
        ("Heroes - 2017 Remaster", "heroes"),
        ("Crazy in Love (feat. Jay-Z)", "crazy in love"),
        ("Crazy in Love [ft. Jay-Z]", "crazy in love"),
        ("Crazy in Love - featuring Jay-Z", "crazy in love"),
        ("Uptown Funk feat. Bruno Mars", "uptown funk"),
        ("Stay (with Justin Bieber)", "stay"),
        ("HUMBLE. (Explicit)", "humble"),
        ("Hotline Bling [Clean]", "hotline bling"),
        ("Let's Dance - Single Version", "let s dance"),
        ("Let's Dance - Album Version", "let s dance"),
        ('Mrs. Robinson - From "The Graduate" Soundtrack', "mrs robinson"),
        ("Creep - Live at Glastonbury 1997", "creep live at glastonbury"),
        ("Blinding Lights - Chromatics Remix", "blinding lights chromatics remix"),
        ("Creep (Acoustic Version)", "creep acoustic"),
        ("Levels - Radio Edit", "levels radio edit"),
        ("In the End (Instrumental)", "in the end instrumental"),
        ("Song - Live / Remastered 2011", "song live"),
        ("Rock & Roll", "rock and roll"),
        ("Another Brick in the Wall, Pt. 2", "another brick in the wall part 2"),
        ("Part II", "part 2"),
        ("Live Forever", "live forever"),
        ("(Untitled)", "untitled"),
    ],
)
def test_core_title_drops_release_noise_and_keeps_versions(raw: str, expected: str) -> None:
    assert core_title(raw) == expected


@pytest.mark.parametrize(
    ("raw", "versions"),
    [
        ("Creep", set()),
        ("Live Forever", set()),
        ("Creep (Live)", {"live"}),
        ("Creep - MTV Unplugged", {"live"}),
        ("Blinding Lights (Chromatics Remix)", {"remix"}),
        ("Song (Club Mix)", {"remix"}),
        ("Song (Original Mix)", set()),
        ("Song - 2009 Stereo Mix", set()),
        ("Creep - Acoustic", {"acoustic"}),
        ("Lose Yourself (Instrumental)", {"instrumental"}),
        ("Yellow (Demo)", {"demo"}),
        ("Levels - Radio Edit", {"edit"}),
        ("Breathe (Reprise)", {"reprise"}),
        ("Another Love (Sped Up)", {"sped up"}),
        ("Song (Take 2)", {"alternate"}),
        ("Here Comes the Sun - Remastered 2009", set()),
        ("Let's Dance - Single Version", set()),
    ],
)
def test_version_markers(raw: str, versions: set[str]) -> None:
    assert set(analyse_title(raw).versions) == versions


def test_part_and_catalogue_numbers_are_extracted() -> None:
    moonlight = analyse_title(
        'Piano Sonata No. 14 in C-Sharp Minor, Op. 27 No. 2 "Moonlight": III. Presto agitato'
    )

    assert dict(moonlight.numbers) == {"no": (2, 14), "op": (27,), "movement": (3,)}
    assert dict(analyse_title("Shine On You Crazy Diamond (Pts. 1-5)").numbers) == {"part": (1, 5)}
    assert analyse_title("Pt. 2").numbers == analyse_title("Part Two").numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Abbey Road (Remastered)", "abbey road"),
        ("Random Access Memories (10th Anniversary Edition)", "random access memories"),
        ("Rumours (Super Deluxe)", "rumours"),
        ("Takk... [Bonus Tracks]", "takk"),
        ("Led Zeppelin IV - Remaster", "led zeppelin iv"),
        ("Nevermind (Live)", "nevermind live"),
        (None, ""),
    ],
)
def test_core_album_drops_edition_noise_only(raw: str | None, expected: str) -> None:
    assert core_album(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The Beatles", "beatles"),
        ("Beatles", "beatles"),
        ("Beatles, The", "beatles"),
        ("The The", "the"),
        ("The", "the"),
        ("Mark Ronson feat. Bruno Mars", "mark ronson"),
        ("Simon & Garfunkel", "simon and garfunkel"),
    ],
)
def test_artist_key_drops_article_and_guests(raw: str, expected: str) -> None:
    assert artist_key(raw) == expected


def test_track_key_is_primary_artist_and_core_title() -> None:
    track = {"name": "Let It Be - Remastered 2009", "artists": [{"name": "The Beatles"}, "X"]}

    assert track_key(track) == ("beatles", "let it be")
    assert track_key({"name": "Intro"}) == ("", "intro")
