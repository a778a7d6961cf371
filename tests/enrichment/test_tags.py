"""Tag writing on real files per container, read back with mutagen (SPEC §8.2, T24, T50)."""

from __future__ import annotations

import base64
from pathlib import Path

import mutagen
import pytest
from mutagen.flac import FLAC, Picture
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4Cover

from downloads import tags
from tests.audio import make_flac, make_m4a, make_mp3, make_ogg, make_wav
from tests.enrichment.audio import make_aiff, make_html
from tests.fakes import fake_jpeg, tiny_png

RICH = tags.TagValues(
    title="Harder, Better, Faster, Stronger",
    artist="Daft Punk",
    album="Discovery",
    track_number=4,
    disc_number=1,
    date="2001-03-12",
    genre="French House",
    composer="Thomas Bangalter",
    producer="Daft Punk",
    isrc="GBDUW0000059",
    copyright="(P) 2001 Daft Life Ltd.",
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "files"
    path.mkdir()
    return path


def test_mp3_gets_id3v24_frames_of_the_table(folder: Path) -> None:
    path = make_mp3(folder / "a.mp3")

    changed = tags.write_tags(path, RICH)

    id3 = ID3(path)
    assert changed is True
    assert id3.version == (2, 4, 0)
    assert str(id3["TCON"]) == "French House"
    assert str(id3["TCOM"]) == "Thomas Bangalter"
    assert str(id3["TXXX:PRODUCER"]) == "Daft Punk"
    assert str(id3["TSRC"]) == "GBDUW0000059"
    assert str(id3["TCOP"]) == "(P) 2001 Daft Life Ltd."
    assert str(id3["TIT2"]) == "Harder, Better, Faster, Stronger"
    assert str(id3["TPE1"]) == "Daft Punk"
    assert str(id3["TALB"]) == "Discovery"
    assert str(id3["TRCK"]) == "4"
    assert str(id3["TPOS"]) == "1"
    assert str(id3["TDRC"]) == "2001-03-12"
    assert MP3(path).info.length > 0.5


def test_basic_fields_are_only_filled_where_missing_rich_fields_always(folder: Path) -> None:
    path = make_mp3(folder / "a.mp3", title="Peer Title", artist="Peer Artist")
    id3 = ID3(path)
    id3.add(mutagen.id3.TCON(encoding=3, text=["Old Genre"]))
    id3.save(path)

    tags.write_tags(path, RICH)

    id3 = ID3(path)
    assert str(id3["TIT2"]) == "Peer Title"
    assert str(id3["TPE1"]) == "Peer Artist"
    assert str(id3["TALB"]) == "Discovery"
    assert str(id3["TCON"]) == "French House"


def test_flac_gets_vorbis_comments(folder: Path) -> None:
    path = make_flac(folder / "a.flac", title="Kept")

    tags.write_tags(path, RICH)

    flac = FLAC(path)
    assert flac["GENRE"] == ["French House"]
    assert flac["COMPOSER"] == ["Thomas Bangalter"]
    assert flac["PRODUCER"] == ["Daft Punk"]
    assert flac["ISRC"] == ["GBDUW0000059"]
    assert flac["COPYRIGHT"] == ["(P) 2001 Daft Life Ltd."]
    assert flac["TITLE"] == ["Kept"]
    assert flac["ARTIST"] == ["Daft Punk"]
    assert flac["TRACKNUMBER"] == ["4"]
    assert flac["DISCNUMBER"] == ["1"]
    assert flac["DATE"] == ["2001-03-12"]


def test_ogg_opus_gets_vorbis_comments(folder: Path) -> None:
    path = make_ogg(folder / "a.ogg")

    tags.write_tags(path, RICH)

    audio = mutagen.File(path)
    assert type(audio).__name__ == "OggOpus"
    assert audio["GENRE"] == ["French House"]
    assert audio["PRODUCER"] == ["Daft Punk"]
    assert audio["ALBUM"] == ["Discovery"]


def test_m4a_gets_itunes_atoms(folder: Path) -> None:
    path = make_m4a(folder / "a.m4a", track=7)

    tags.write_tags(path, RICH)

    mp4 = MP4(path)
    assert mp4["\xa9gen"] == ["French House"]
    assert mp4["\xa9wrt"] == ["Thomas Bangalter"]
    assert bytes(mp4["----:com.apple.iTunes:PRODUCER"][0]) == b"Daft Punk"
    assert bytes(mp4["----:com.apple.iTunes:ISRC"][0]) == b"GBDUW0000059"
    assert mp4["cprt"] == ["(P) 2001 Daft Life Ltd."]
    assert mp4["trkn"] == [(7, 0)]  # the file had a track number: kept
    assert mp4["disk"] == [(1, 0)]
    assert mp4["\xa9day"] == ["2001-03-12"]


@pytest.mark.parametrize("maker", [make_wav, make_aiff], ids=["wav", "aiff"])
def test_wav_and_aiff_get_an_id3_chunk(folder: Path, maker) -> None:
    path = maker(folder / ("a.wav" if maker is make_wav else "a.aiff"))

    tags.write_tags(path, RICH)

    audio = mutagen.File(path)
    assert str(audio.tags["TCON"]) == "French House"
    assert str(audio.tags["TXXX:PRODUCER"]) == "Daft Punk"
    assert str(audio.tags["TSRC"]) == "GBDUW0000059"


def test_other_formats_are_left_untouched(folder: Path) -> None:
    path = folder / "a.wma"
    path.write_bytes(b"not really wma")

    changed = tags.write_tags(path, RICH)

    assert changed is False
    assert path.read_bytes() == b"not really wma"


def test_html_saved_as_mp3_is_refused_and_left_as_it_was(folder: Path) -> None:
    path = make_html(folder / "a.mp3")
    before = path.read_bytes()

    with pytest.raises(tags.TagError, match="not a valid MP3 file"):
        tags.write_tags(path, RICH)

    assert path.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["a.mp3"]


def test_a_failing_save_never_truncates_the_original(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_mp3(folder / "a.mp3", title="Original")
    before = path.read_bytes()

    def crash(self, *args, **kwargs) -> None:
        Path(self.filename).write_bytes(b"half")  # what a crash mid-write leaves behind
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(MP3, "save", crash)

    with pytest.raises(tags.TagError, match="No space left on device"):
        tags.write_tags(path, RICH)

    assert path.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["a.mp3"]


def test_a_file_removed_during_the_write_is_not_brought_back(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_mp3(folder / "a.mp3")
    original_fsync = tags._fsync_file

    def remove_original(temp: Path) -> None:
        original_fsync(temp)
        path.unlink()

    monkeypatch.setattr(tags, "_fsync_file", remove_original)

    with pytest.raises(tags.TagError, match="audio file missing"):
        tags.write_tags(path, RICH)

    assert list(folder.iterdir()) == []


def test_writing_the_same_values_twice_changes_nothing(folder: Path) -> None:
    path = make_flac(folder / "a.flac")
    tags.write_tags(path, RICH)
    before = path.read_bytes()

    changed = tags.write_tags(path, RICH)

    assert changed is False
    assert path.read_bytes() == before


def test_read_tags_returns_basic_and_rich_values(folder: Path) -> None:
    path = make_m4a(folder / "a.m4a", title="T", artist="A", album="B", track=3)
    tags.write_tags(path, tags.TagValues(isrc="GBDUW0000059", producer="P"))

    found = tags.read_tags(path)

    assert found == {
        "title": "T",
        "artist": "A",
        "album": "B",
        "track_number": "3",
        "isrc": "GBDUW0000059",
        "producer": "P",
    }


def test_cover_is_embedded_as_front_cover_in_every_container(folder: Path) -> None:
    jpeg = fake_jpeg(32, 32)
    png = tiny_png(4, 4)
    mp3, flac = make_mp3(folder / "a.mp3"), make_flac(folder / "a.flac")
    m4a, ogg = make_m4a(folder / "a.m4a"), make_ogg(folder / "a.ogg")

    for path in (mp3, flac, m4a):
        tags.embed_cover(path, tags.Cover(jpeg, "image/jpeg", 32, 32))
    tags.embed_cover(ogg, tags.Cover(png, "image/png", 4, 4))

    apic = ID3(mp3).getall("APIC")
    assert [(a.type, a.mime, a.data) for a in apic] == [(3, "image/jpeg", jpeg)]
    pictures = FLAC(flac).pictures
    assert [(p.type, p.mime, p.data, p.width) for p in pictures] == [(3, "image/jpeg", jpeg, 32)]
    covr = MP4(m4a)["covr"]
    assert covr == [jpeg] and covr[0].imageformat == MP4Cover.FORMAT_JPEG
    block = Picture(base64.b64decode(mutagen.File(ogg)["METADATA_BLOCK_PICTURE"][0]))
    assert (block.type, block.mime, block.data) == (3, "image/png", png)


def test_embedding_replaces_existing_pictures(folder: Path) -> None:
    path = make_mp3(folder / "a.mp3")
    tags.embed_cover(path, tags.Cover(tiny_png(2, 2), "image/png"))

    tags.embed_cover(path, tags.Cover(fake_jpeg(8, 8), "image/jpeg"))

    assert [a.mime for a in ID3(path).getall("APIC")] == ["image/jpeg"]
