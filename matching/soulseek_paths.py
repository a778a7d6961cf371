"""Soulseek remote paths: parsing (SPEC §3.2 step 3) and track confidence (SPEC §4.3).

A peer's path is the only metadata a Soulseek hit has, e.g.
`@@abcde\\Music\\Radiohead\\2007 - In Rainbows [FLAC]\\03 - Nude.flac`: share prefix, artist
folder, album folder with year and format tags, track number, title. `parse_soulseek_path`
recovers those parts; the §4.3 score compares them with a Spotify track. The peer's username
is never compared (SPEC D29).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from matching.fields import TrackFacts, number, spotify_artists, spotify_facts, text
from matching.normalize import (
    album_is_live,
    analyse_title,
    artist_key,
    core_album,
    is_annotation,
    norm,
)
from matching.scoring import (
    DIFFERENT_RECORDING_FACTOR,
    NO_MATCH,
    MatchScore,
    combine,
    duration_similarity,
    recording_differences,
)

LOSSLESS_EXTENSIONS = frozenset({"flac", "alac", "wav", "aiff", "ape"})  # SPEC §3.2 step 3
SOULSEEK_WEIGHTS = {"title": 0.50, "artist": 0.25, "album": 0.10, "duration": 0.05, "quality": 0.10}

_SEPARATORS = re.compile(r"[\\/]+")
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,5})$")
# Leading track numbers: "1-01 ", "A1 " (vinyl side), "01 - ", "01. ", "01_", "01) ", "01 ".
_DISC_TRACK = re.compile(r"^(\d{1,2})-(\d{1,3})(?:\s*[-._)]\s*|\s+)(?=\S)")
_VINYL_TRACK = re.compile(r"^[A-H](\d{1,2})(?:\s*[-._)]\s*|\s+)(?=\S)")
_TRACK = re.compile(r"^(\d{1,3})(?:\s*[-._)]\s*|\s+)(?=\S)")
_NUMBER_PART = re.compile(r"^(?:\d{1,2}-)?\d{1,3}$|^[A-H]\d{1,2}$")
_DASH = re.compile(r"\s+[-–—]\s+")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_BRACKETED = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
_EDGE_YEAR = re.compile(
    r"^\s*[(\[]?(?:19|20)\d\d[)\]]?\s*(?:[-–.]\s*)?|\s*(?:[-–]\s*)?[(\[]?(?:19|20)\d\d[)\]]?\s*$"
)
_DISC_DIR = re.compile(r"^(?:cd|disc|disk|dvd)\s*\d{1,2}$")
_PATH_BITRATE = re.compile(r"(?<!\d)(320|256)(?!\d)")

# Folder names that say nothing about artist or album.
# fmt: off
_GENERIC_DIRS = frozenset({
    "music", "musik", "musique", "mp3", "mp3s", "flac", "downloads", "download", "complete",
    "incoming", "shared", "share", "media", "audio", "albums", "singles", "misc", "soulseek",
    "slsk", "my music", "various", "various artists",
})
# fmt: on
# fmt: off
_QUALITY_WORDS = frozenset({
    "flac", "mp3", "aac", "alac", "m4a", "ogg", "opus", "wav", "aiff", "ape", "wv", "cd", "web",
    "vinyl", "lp", "rip", "cdrip", "webrip", "vbr", "cbr", "v0", "v2", "kbps", "kbit", "khz",
    "bit", "hq", "lossless", "hi", "res", "hires", "24bit", "16bit", "320kbps", "256kbps", "mqa",
    "sacd", "dsd", "remaster",
})
# fmt: on


@dataclass(frozen=True, slots=True)
class ParsedPath:
    """What a Soulseek path tells about the file (SPEC §3.2 step 3, §4.3).

    `stem` is the basename without extension and leading track number (SPEC §4.3); `body`
    is the stem from its track number on ("Artist - Album - 01 - Title" → "Title"); `title`
    the best title guess (also without a leading "Artist - "); `artist`, `album`, `year` are
    guesses or None; `path_text` joins all components.
    """

    filename: str
    components: tuple[str, ...]
    extension: str
    stem: str
    body: str
    title: str
    track_number: int | None
    artist: str | None
    album: str | None
    year: int | None
    parent: str | None
    grandparent: str | None
    path_text: str

    @property
    def format(self) -> str | None:
        """Extension upper-cased (`FLAC`), as search results show it (SPEC §3.2)."""
        return self.extension.upper() or None

    @property
    def path_bitrate(self) -> int | None:
        """320 or 256 when that number appears in the path (SPEC §3.2 bitrate fallback)."""
        found = _PATH_BITRATE.search(self.filename)
        return int(found.group(1)) if found else None


def _strip_track_number(stem: str) -> tuple[str, int | None]:
    for pattern, group in ((_DISC_TRACK, 2), (_VINYL_TRACK, 1), (_TRACK, 1)):
        found = pattern.match(stem)
        if found:
            return stem[found.end() :].strip(), int(found.group(group))
    return stem, None


def _split_artist_title(parts: list[str]) -> tuple[str | None, str]:
    """Split `Artist - Title (- Live)` into (artist, title); one part is just the title."""
    if len(parts) >= 2 and not is_annotation(parts[1]):
        return parts[0], " - ".join(parts[1:])
    return None, " - ".join(parts)


def _clean_album(directory: str) -> str:
    """Album folder without format tags ("[FLAC]", "[320]") and leading/trailing year."""

    def keep(found: re.Match[str]) -> str:
        tokens = norm(found.group(1)).split()
        is_tag = all(t in _QUALITY_WORDS or t.isdigit() or t[:-1].isdigit() for t in tokens)
        return " " if is_tag else found.group(0)

    cleaned = _BRACKETED.sub(keep, directory)
    previous = None
    while previous != cleaned:
        previous, cleaned = cleaned, _EDGE_YEAR.sub("", cleaned).strip(" -–.")
    return cleaned.strip()


def _is_generic(directory: str | None) -> bool:
    return directory is None or norm(directory) in _GENERIC_DIRS


def _directories(dirs: list[str]) -> tuple[str | None, str | None]:
    """(parent, grandparent), skipping disc folders ("CD1", "Disc 2")."""
    meaningful = [d for d in dirs if not _DISC_DIR.match(norm(d))]
    parent = meaningful[-1] if meaningful else None
    grandparent = meaningful[-2] if len(meaningful) >= 2 else None
    return parent, grandparent


def parse_soulseek_path(filename: str) -> ParsedPath:
    """Split a remote path into title, artist, album, year and extension guesses."""
    components = tuple(c for c in _SEPARATORS.split(filename or "") if c.strip())
    while components and components[0].startswith("@@"):
        components = components[1:]  # share prefix, e.g. "@@abcde"
    basename = components[-1] if components else ""
    found = _EXTENSION.search(basename)
    extension = found.group(1).lower() if found and found.start() > 0 else ""
    raw_stem = basename[: found.start()] if extension and found else basename
    if "_" in raw_stem and " " not in raw_stem.strip():
        raw_stem = raw_stem.replace("_", " ")  # "01_radiohead_-_nude"
    stem, track_number = _strip_track_number(" ".join(raw_stem.split()))

    parts = [p.strip() for p in _DASH.split(stem) if p.strip()]
    prefix: tuple[str, ...] = ()
    numbered = next((i for i, p in enumerate(parts) if i and _NUMBER_PART.match(p)), None)
    if numbered is not None:  # "Artist - Album - 01 - Title"
        prefix = tuple(parts[:numbered])
        track_number = int(re.sub(r"^\D*(?:\d+-)?", "", parts[numbered]) or 0) or None
        parts = parts[numbered + 1 :]
    elif track_number is None and len(parts) >= 2:  # "Artist - 03 Title"
        rest, number_found = _strip_track_number(parts[1])
        if number_found is not None:
            prefix, track_number, parts = (parts[0],), number_found, [rest, *parts[2:]]
    stem_artist, title = _split_artist_title(parts)

    parent, grandparent = _directories(list(components[:-1]))
    album: str | None = None
    parent_artist: str | None = None
    if parent and not _is_generic(parent):
        album_parts = [p for p in _DASH.split(_clean_album(parent)) if p and not _YEAR.fullmatch(p)]
        if len(album_parts) >= 2:  # "Radiohead - In Rainbows" / "Radiohead - 2007 - In Rainbows"
            parent_artist, album = album_parts[0], " - ".join(album_parts[1:])
        elif album_parts:
            album = album_parts[0]
    year_found = _YEAR.search(parent or "")

    artist = (
        (prefix[0] if prefix else None)
        or stem_artist
        or parent_artist
        or (None if _is_generic(grandparent) else grandparent)
    )
    return ParsedPath(
        filename=filename or "",
        components=components,
        extension=extension,
        stem=stem,
        body=" - ".join(parts) or stem,
        title=title or stem,
        track_number=track_number,
        artist=artist,
        album=(" - ".join(prefix[1:]) if len(prefix) >= 2 else None) or album,
        year=int(year_found.group(1)) if year_found else None,
        parent=parent,
        grandparent=grandparent,
        path_text=" ".join(components),
    )


def file_extension(file: Mapping[str, Any], parsed: ParsedPath) -> str:
    """slskd `extension` (may be empty) lower-cased without dot, else the path's."""
    ext = (text(file.get("extension")) or "").lower().lstrip(".")
    return ext or parsed.extension


def file_bitrate(file: Mapping[str, Any]) -> float | None:
    """slskd `bitRate` (the §2.9 body calls it `bitrate`) in kbps, None when absent."""
    return number(file.get("bitRate")) or number(file.get("bitrate"))


def _title_side(parsed: ParsedPath, spotify_artist_keys: Sequence[str]) -> str:
    """The stem from the track number on, minus a leading "<Spotify artist> - " (SPEC §4.3)."""
    head, sep, tail = parsed.body.partition(" - ")
    if sep and tail.strip() and artist_key(head) in spotify_artist_keys:
        return tail
    return parsed.body


def _artist_in_path(artists: Sequence[str], names: Sequence[str], path_text: str) -> float | None:
    """Best `partial_ratio` of a Spotify artist inside the path (SPEC §4.3).

    Both sides are padded with spaces so the artist must align on word boundaries: "Air"
    inside "Chair" is not a hit. The article-less key also counts ("The Beatles" vs a
    "Beatles" folder).
    """
    if not artists:
        return None
    haystack = f" {norm(path_text)} "
    needles = {norm(name) for name in names} | set(artists)
    return max(fuzz.partial_ratio(f" {n} ", haystack) for n in needles if n) / 100


def score_track_vs_soulseek(
    spotify_track: Mapping[str, Any], file: Mapping[str, Any]
) -> MatchScore:
    """Confidence that a Soulseek file is the Spotify track (SPEC §4.3 + version rule)."""
    return SpotifySide(spotify_track).score(file)


def best_soulseek_match(
    spotify_track: Mapping[str, Any], files: Sequence[Mapping[str, Any]]
) -> tuple[Mapping[str, Any] | None, MatchScore]:
    """Highest-confidence file; ties keep input order; `(None, 0.0)` when empty (SPEC §2.9)."""
    side = SpotifySide(spotify_track)
    best: Mapping[str, Any] | None = None
    best_score = MatchScore(confidence=0.0)
    for file in files:
        score = side.score(file)
        if best is None or score.confidence > best_score.confidence:
            best, best_score = file, score
    return best, best_score


class SpotifySide:
    """A Spotify track prepared once and scored against many Soulseek files (SPEC §4.3)."""

    def __init__(self, spotify_track: Mapping[str, Any]) -> None:
        self.facts = spotify_facts(spotify_track)
        self.names = spotify_artists(spotify_track)

    def score(self, file: Mapping[str, Any]) -> MatchScore:
        """§4.3 confidence of one file (`filename`, `bitRate`/`bitrate`, `length`, `extension`)."""
        facts = self.facts
        parsed = parse_soulseek_path(text(file.get("filename")) or "")
        title = analyse_title(_title_side(parsed, facts.artists))
        if not facts.title.core or not title.core:
            return NO_MATCH
        album_text = parsed.album or parsed.parent
        album = core_album(album_text)
        length = number(file.get("length"))
        bitrate = file_bitrate(file)
        lossless = file_extension(file, parsed) in LOSSLESS_EXTENSIONS
        components = {
            "title": fuzz.token_set_ratio(facts.title.core, title.core) / 100,
            "artist": _artist_in_path(facts.artists, self.names, parsed.path_text),
            "album": (
                fuzz.token_set_ratio(facts.album, album) / 100 if facts.album and album else None
            ),
            "duration": duration_similarity(facts.duration_ms, length * 1000 if length else None),
            "quality": 1.0 if lossless or (bitrate is not None and bitrate >= 256) else 0.5,
        }
        file_facts = TrackFacts(title, (), album, album_is_live(album_text), None)
        notes = recording_differences(facts, file_facts)
        penalty = DIFFERENT_RECORDING_FACTOR if notes else 1.0
        confidence, raw, coverage = combine(components, SOULSEEK_WEIGHTS, penalty)
        return MatchScore(
            confidence=confidence,
            coverage=coverage,
            raw=raw,
            penalty=penalty,
            notes=notes,
            **components,
        )
