"""Tiny real audio files for tests, generated in pure Python (no ffmpeg, no network, no fixtures).

Every helper writes a structurally valid file that plays as silence, then tags it with mutagen,
so what mutagen and beets read back is what a real tagger would have written:

* MP3 — MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, mono) whose side information and main
  data are all zero, which a decoder plays as digital silence; an ID3v2.4 tag in front.
* FLAC — the `fLaC` marker, a STREAMINFO block (with the real MD5 of the silent PCM) and frames of
  4096 samples, each one CONSTANT subframe of value 0, with the CRC-8 header and CRC-16 footer the
  format requires; Vorbis comments as tags.
* M4A — an ISO base media file (`ftyp`, `moov` with one `soun` track whose sample entry is `mp4a`
  + `esds` for AAC LC, `mdat`); every sample is the smallest AAC raw data block (one single
  channel element with `max_sfb = 0`, then END), i.e. silence; iTunes `ilst` atoms as tags.
* OGG — an Ogg Opus stream (RFC 7845: `OpusHead`, `OpusTags`, 20 ms CELT silence packets) in
  CRC-checked Ogg pages; `mutagen.File()` reports it as `OggOpus`. Opus rather than Vorbis because
  a Vorbis stream needs a codebook setup header that cannot be written by hand in a few lines.
* WAV — the standard library `wave` module; an ID3 chunk as tags.

All helpers take the same keyword arguments and return the path they wrote (parents created).
The output was checked once with real decoders (`flac -t`, `mpg123 -t`, `opusdec`, `faad`);
the tests themselves need nothing but mutagen.
"""

from __future__ import annotations

import hashlib
import math
import os
import struct
import wave
from pathlib import Path

from mutagen.easyid3 import EasyID3
from mutagen.flac import FLAC
from mutagen.id3 import TALB, TIT2, TPE1, TPE2, TRCK
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.wave import WAVE

SAMPLE_RATE = 44100


def make_mp3(
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    artist: str | None = None,
    album: str | None = None,
    track: int | None = None,
    albumartist: str | None = None,
    seconds: float = 1,
) -> Path:
    """A silent MPEG-1 Layer III file with an ID3v2.4 tag."""
    header = bytes([0xFF, 0xFB, 0x90, 0xC0])  # sync, MPEG-1 L3, no CRC, 128 kbit/s, 44.1 kHz, mono
    frame = header + bytes(144 * 128000 // SAMPLE_RATE - len(header))  # 417 bytes per frame
    frames = max(1, math.ceil(seconds * SAMPLE_RATE / 1152))
    target = _write(path, frame * frames)
    tags = _tags(title, artist, album, track, albumartist)
    if tags:
        id3 = EasyID3()
        for key, value in tags.items():
            id3[key] = value
        id3.save(target)
    return target


def make_flac(
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    artist: str | None = None,
    album: str | None = None,
    track: int | None = None,
    albumartist: str | None = None,
    seconds: float = 1,
) -> Path:
    """A silent 16-bit mono FLAC stream of 4096-sample CONSTANT frames with Vorbis comments."""
    block = 4096
    count = max(1, math.ceil(seconds * SAMPLE_RATE / block))
    frames = [_flac_frame(number) for number in range(count)]
    total = count * block
    info = _Bits()
    info.put(block, 16)
    info.put(block, 16)
    info.put(len(frames[0]), 24)  # every frame has the same size
    info.put(len(frames[0]), 24)
    info.put(SAMPLE_RATE, 20)
    info.put(0, 3)  # channels - 1
    info.put(15, 5)  # bits per sample - 1
    info.put(total, 36)
    streaminfo = info.bytes() + hashlib.md5(bytes(total * 2)).digest()
    header = bytes([0x80]) + len(streaminfo).to_bytes(3, "big")  # last block, type STREAMINFO
    target = _write(path, b"fLaC" + header + streaminfo + b"".join(frames))
    return _tag_vorbis(FLAC(target), _tags(title, artist, album, track, albumartist))


def make_m4a(
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    artist: str | None = None,
    album: str | None = None,
    track: int | None = None,
    albumartist: str | None = None,
    seconds: float = 1,
) -> Path:
    """A silent AAC LC mono track in an MP4 container, tagged with iTunes atoms."""
    silent_block = bytes([0x00, 0x00, 0x00, 0x07])  # SCE, gain 0, long window, max_sfb 0, END
    samples = max(1, math.ceil(seconds * SAMPLE_RATE / 1024))
    ftyp = _box(b"ftyp", b"M4A " + _u32(0) + b"M4A mp42isom")
    moov = _mp4_moov(samples, len(silent_block), chunk_offset=0)
    offset = (
        len(ftyp) + len(moov) + 8
    )  # the stco entry has a fixed size: rebuild with the real offset
    moov = _mp4_moov(samples, len(silent_block), chunk_offset=offset)
    target = _write(path, ftyp + moov + _box(b"mdat", silent_block * samples))
    tags = _tags(title, artist, album, track, albumartist)
    if tags:
        mp4 = MP4(target)
        names = {"title": "\xa9nam", "artist": "\xa9ART", "album": "\xa9alb", "albumartist": "aART"}
        for key, value in tags.items():
            if key == "tracknumber":
                mp4["trkn"] = [(int(value), 0)]
            else:
                mp4[names[key]] = [value]
        mp4.save()
    return target


def make_ogg(
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    artist: str | None = None,
    album: str | None = None,
    track: int | None = None,
    albumartist: str | None = None,
    seconds: float = 1,
) -> Path:
    """A silent mono Ogg Opus stream (RFC 7845) tagged with Vorbis comments."""
    pre_skip, frame_samples = 312, 960  # Opus granules count 48 kHz samples; 960 = 20 ms
    packets = max(1, math.ceil(seconds * 50))
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, pre_skip, SAMPLE_RATE, 0, 0)
    vendor = b"harmony-tests"
    comments = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    serial = 0x48524D59
    pages = [
        _ogg_page([head], granule=0, serial=serial, sequence=0, flags=0x02),
        _ogg_page([comments], granule=0, serial=serial, sequence=1, flags=0x00),
    ]
    silence = bytes([0xF8, 0xFF, 0xFE])  # TOC: CELT fullband 20 ms, one frame; then a silent frame
    sequence = 2
    for start in range(0, packets, 200):  # at most 255 lacing values per page
        batch = min(200, packets - start)
        last = start + batch == packets
        granule = pre_skip + (start + batch) * frame_samples
        flags = 0x04 if last else 0x00
        pages.append(_ogg_page([silence] * batch, granule, serial, sequence, flags))
        sequence += 1
    target = _write(path, b"".join(pages))
    return _tag_vorbis(OggOpus(target), _tags(title, artist, album, track, albumartist))


def make_wav(
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    artist: str | None = None,
    album: str | None = None,
    track: int | None = None,
    albumartist: str | None = None,
    seconds: float = 1,
) -> Path:
    """A silent 16-bit mono PCM WAVE file with an ID3 chunk."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(bytes(2 * max(1, round(seconds * SAMPLE_RATE))))
    tags = _tags(title, artist, album, track, albumartist)
    if tags:
        audio = WAVE(target)
        audio.add_tags()
        frames = {"title": TIT2, "artist": TPE1, "album": TALB, "albumartist": TPE2}
        for key, value in tags.items():
            frame = TRCK if key == "tracknumber" else frames[key]
            audio.tags.add(frame(encoding=3, text=[value]))
        audio.save()
    return target


def _tags(
    title: str | None,
    artist: str | None,
    album: str | None,
    track: int | None,
    albumartist: str | None,
) -> dict[str, str]:
    values = {
        "title": title,
        "artist": artist,
        "album": album,
        "tracknumber": None if track is None else str(track),
        "albumartist": albumartist,
    }
    return {key: value for key, value in values.items() if value is not None}


def _tag_vorbis(audio: FLAC | OggOpus, tags: dict[str, str]) -> Path:
    if tags:
        for key, value in tags.items():
            audio[key] = [value]
        audio.save()
    return Path(audio.filename)


def _write(path: str | os.PathLike[str], data: bytes) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


class _Bits:
    """A big-endian bit writer (FLAC headers are bit-packed)."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, value: int, width: int) -> None:
        self.value = (self.value << width) | (value & ((1 << width) - 1))
        self.length += width

    def bytes(self) -> bytes:
        padding = -self.length % 8
        return (self.value << padding).to_bytes((self.length + padding) // 8, "big")


def _crc(data: bytes, poly: int, width: int) -> int:
    """MSB-first CRC with zero initial value, as FLAC (CRC-8, CRC-16) and Ogg (CRC-32) use."""
    top, mask = 1 << (width - 1), (1 << width) - 1
    crc = 0
    for byte in data:
        crc ^= byte << (width - 8)
        for _ in range(8):
            crc = ((crc << 1) ^ poly) & mask if crc & top else (crc << 1) & mask
    return crc


def _utf8_number(number: int) -> bytes:
    """FLAC's frame number coding: UTF-8 extended to 36 bits."""
    if number < 0x80:
        return bytes([number])
    size = next(
        n
        for n, limit in (
            (2, 1 << 11),
            (3, 1 << 16),
            (4, 1 << 21),
            (5, 1 << 26),
            (6, 1 << 31),
            (7, 1 << 36),
        )
        if number < limit
    )
    first = ((0xFF << (8 - size)) & 0xFF) | (number >> (6 * (size - 1)))
    rest = [0x80 | ((number >> (6 * shift)) & 0x3F) for shift in range(size - 2, -1, -1)]
    return bytes([first, *rest])


def _flac_frame(number: int) -> bytes:
    header = bytes([0xFF, 0xF8, 0xC9, 0x08]) + _utf8_number(
        number
    )  # 4096 samples, 44.1 kHz, mono, 16-bit
    header += bytes([_crc(header, 0x07, 8)])
    frame = header + bytes([0x00, 0x00, 0x00])  # CONSTANT subframe, value 0 (16 bits)
    return frame + _crc(frame, 0x8005, 16).to_bytes(2, "big")


def _ogg_page(packets: list[bytes], granule: int, serial: int, sequence: int, flags: int) -> bytes:
    lacing = bytearray()
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    header = b"OggS" + struct.pack("<BBqIII", 0, flags, granule, serial, sequence, 0)
    page = header + bytes([len(lacing)]) + lacing + b"".join(packets)
    checksum = _crc(page, 0x04C11DB7, 32)
    return page[:22] + struct.pack("<I", checksum) + page[26:]


def _u32(value: int) -> bytes:
    return struct.pack(">I", value)


def _box(name: bytes, payload: bytes) -> bytes:
    return _u32(8 + len(payload)) + name + payload


def _full_box(name: bytes, payload: bytes, flags: int = 0) -> bytes:
    return _box(name, _u32(flags) + payload)  # version 0 + 24-bit flags


def _descriptor(tag: int, payload: bytes) -> bytes:
    return bytes([tag, len(payload)]) + payload


def _mp4_moov(samples: int, sample_size: int, chunk_offset: int) -> bytes:
    duration = samples * 1024
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _full_box(
        b"mvhd",
        struct.pack(">IIII", 0, 0, SAMPLE_RATE, duration)
        + struct.pack(">IH", 0x10000, 0x100)
        + bytes(10)
        + matrix
        + bytes(24)
        + _u32(2),
    )
    tkhd = _full_box(
        b"tkhd",
        struct.pack(">IIIII", 0, 0, 1, 0, duration)
        + bytes(8)
        + struct.pack(">HHHH", 0, 0, 0x100, 0)
        + matrix
        + _u32(0)
        + _u32(0),
        flags=7,
    )
    mdhd = _full_box(b"mdhd", struct.pack(">IIIIHH", 0, 0, SAMPLE_RATE, duration, 0x55C4, 0))
    hdlr = _full_box(b"hdlr", _u32(0) + b"soun" + bytes(12) + b"SoundHandler\x00")
    audio_config = bytes([0x12, 0x08])  # AAC LC, 44.1 kHz, one channel
    decoder = _descriptor(
        0x04,
        bytes([0x40, 0x15]) + bytes(3) + _u32(8000) + _u32(8000) + _descriptor(0x05, audio_config),
    )
    esds = _full_box(
        b"esds", _descriptor(0x03, struct.pack(">HB", 1, 0) + decoder + _descriptor(0x06, b"\x02"))
    )
    mp4a = _box(
        b"mp4a",
        bytes(6)
        + struct.pack(">H", 1)
        + bytes(8)
        + struct.pack(">HHHHI", 1, 16, 0, 0, SAMPLE_RATE << 16)
        + esds,
    )
    stbl = _box(
        b"stbl",
        _full_box(b"stsd", _u32(1) + mp4a)
        + _full_box(b"stts", _u32(1) + _u32(samples) + _u32(1024))
        + _full_box(b"stsc", _u32(1) + _u32(1) + _u32(samples) + _u32(1))
        # Size 0 + one entry per sample: some demuxers (faad's) ignore the constant-size form.
        + _full_box(b"stsz", _u32(0) + _u32(samples) + _u32(sample_size) * samples)
        + _full_box(b"stco", _u32(1) + _u32(chunk_offset)),
    )
    dinf = _box(b"dinf", _full_box(b"dref", _u32(1) + _full_box(b"url ", b"", flags=1)))
    minf = _box(b"minf", _full_box(b"smhd", bytes(4)) + dinf + stbl)
    trak = _box(b"trak", tkhd + _box(b"mdia", mdhd + hdlr + minf))
    return _box(b"moov", mvhd + trak)
