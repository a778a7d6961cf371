"""`tests/audio.py` writes files mutagen opens, with the length and tags beets reads back."""

from __future__ import annotations

import pytest
from mediafile import MediaFile
from mutagen import File
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.wave import WAVE

from tests.audio import make_flac, make_m4a, make_mp3, make_ogg, make_wav

FORMATS = [
    (make_mp3, "mp3", MP3),
    (make_flac, "flac", FLAC),
    (make_m4a, "m4a", MP4),
    (make_ogg, "ogg", OggOpus),
    (make_wav, "wav", WAVE),
]


@pytest.mark.parametrize(("make", "extension", "kind"), FORMATS)
def test_generated_file_opens_with_its_length_and_tags(tmp_path, make, extension, kind):
    path = make(
        tmp_path / "deep" / f"track.{extension}",
        title="Genesis",
        artist="Justice",
        album="Cross",
        track=1,
        albumartist="Justice",
        seconds=2,
    )

    audio, tags = File(path), MediaFile(str(path))

    assert isinstance(audio, kind)
    assert audio.info.length == pytest.approx(2, abs=0.1)
    assert (tags.title, tags.artist, tags.album, tags.track) == ("Genesis", "Justice", "Cross", 1)
    assert tags.albumartist == "Justice"


@pytest.mark.parametrize(("make", "extension", "kind"), FORMATS)
def test_untagged_file_opens_without_tags(tmp_path, make, extension, kind):
    path = make(tmp_path / f"bare.{extension}")

    audio = File(path)

    assert isinstance(audio, kind)
    assert audio.info.length == pytest.approx(1, abs=0.1)
    assert not audio.tags
