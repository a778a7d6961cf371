"""Audio the shared generator (`tests/audio.py`) lacks: AIFF, and files that only pretend."""

from __future__ import annotations

import struct
from pathlib import Path

SAMPLE_RATE_80BIT = b"\x40\x0e\xac\x44\x00\x00\x00\x00\x00\x00"  # 44100.0 as IEEE 754 extended


def make_aiff(path: Path, seconds: float = 1) -> Path:
    """A silent 16-bit mono AIFF (FORM/COMM/SSND) without tags."""
    frames = max(1, round(seconds * 44100))
    comm = struct.pack(">hIh", 1, frames, 16) + SAMPLE_RATE_80BIT
    ssnd = struct.pack(">II", 0, 0) + bytes(2 * frames)
    chunks = b"COMM" + struct.pack(">I", len(comm)) + comm
    chunks += b"SSND" + struct.pack(">I", len(ssnd)) + ssnd
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"FORM" + struct.pack(">I", 4 + len(chunks)) + b"AIFF" + chunks)
    return path


def make_html(path: Path) -> Path:
    """An error page saved under an audio name (what a broken peer or proxy delivers)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n")
    return path
