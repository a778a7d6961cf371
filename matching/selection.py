"""Pick the file to download from slskd search responses (SPEC §4.7).

Every file is scored (§4.3) and filtered: below the matching threshold → dropped; effective
bitrate known and below the minimum → dropped "for quality". The rest are ranked by
(preferred format, confidence rounded to 0.05, effective bitrate, free upload slot, shorter
queue, size); ties keep response order. Files of a different recording (live, remix,
other part — see `matching.scoring`) are dropped as well unless `allow_other_recordings`:
AutoSync must not download a live version because no studio file passed the threshold.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from matching.fields import number, text
from matching.scoring import MATCH_THRESHOLD, MatchScore, MatchScoreDict
from matching.soulseek_paths import (
    LOSSLESS_EXTENSIONS,
    SpotifySide,
    file_bitrate,
    file_extension,
    parse_soulseek_path,
)

MAX_ALTERNATIVES = 4
DEFAULT_MIN_BITRATE = 192  # `autosync_min_bitrate` (SPEC §7.1)
DEFAULT_PREFERRED_FORMATS = ("mp3", "flac")  # `autosync_preferred_formats` (SPEC §7.1)

Reason = Literal["quality", "no_results"]


class CandidateFileDict(TypedDict):
    """JSON form of a CandidateFile."""

    username: str
    filename: str
    size: int | None
    bitrate: int | None
    extension: str
    length: int | None
    confidence: float
    preferred: bool
    has_free_upload_slot: bool
    queue_length: int
    upload_speed: int | None
    scores: MatchScoreDict


@dataclass(frozen=True, slots=True)
class CandidateFile:
    """A downloadable file that passed selection; `bitrate` is the effective bitrate."""

    username: str
    filename: str
    size: int | None
    bitrate: int | None
    extension: str
    length: int | None
    confidence: float
    preferred: bool
    has_free_upload_slot: bool
    queue_length: int
    upload_speed: int | None
    score: MatchScore

    def rank(self) -> tuple[bool, int, int, bool, int, int]:
        """§4.7 ordering key (larger is better)."""
        # Half-up rounding to 0.05 steps; Python's round() would round 0.825 to even.
        bucket = math.floor(self.confidence * 20 + 0.5)
        return (
            self.preferred,
            bucket,
            self.bitrate or 0,
            self.has_free_upload_slot,
            -self.queue_length,
            self.size or 0,
        )

    def as_dict(self) -> CandidateFileDict:
        """JSON-ready dict."""
        return {
            "username": self.username,
            "filename": self.filename,
            "size": self.size,
            "bitrate": self.bitrate,
            "extension": self.extension,
            "length": self.length,
            "confidence": self.confidence,
            "preferred": self.preferred,
            "has_free_upload_slot": self.has_free_upload_slot,
            "queue_length": self.queue_length,
            "upload_speed": self.upload_speed,
            "scores": self.score.as_dict(),
        }


@dataclass(frozen=True, slots=True)
class Selection:
    """Outcome of §4.7: the best file and up to four alternatives, or why there is none.

    `reason` is `quality` when some file matched but every match was below the minimum
    bitrate, `no_results` otherwise, and None when a file was selected. The counters say
    what happened to the files considered (after de-duplication).
    """

    best: CandidateFile | None
    alternatives: tuple[CandidateFile, ...]
    reason: Reason | None
    considered: int
    below_threshold: int
    rejected_quality: int
    other_recording: int


def effective_bitrate(bitrate: float | None, extension: str) -> int | None:
    """`bitRate`, else 1000 for lossless extensions, else unknown (SPEC §4.7 step 2)."""
    if bitrate is not None:
        return int(bitrate)
    return 1000 if extension in LOSSLESS_EXTENSIONS else None


def _formats(preferred_formats: Iterable[str]) -> frozenset[str]:
    return frozenset(f.strip().lower().lstrip(".") for f in preferred_formats if f.strip())


def _int(value: Any) -> int | None:
    found = number(value)
    return int(found) if found is not None else None


def select_candidate(
    spotify_track: Mapping[str, Any],
    responses: Sequence[Mapping[str, Any]],
    *,
    threshold: float = MATCH_THRESHOLD,
    min_bitrate: int = DEFAULT_MIN_BITRATE,
    preferred_formats: Iterable[str] = DEFAULT_PREFERRED_FORMATS,
    allow_other_recordings: bool = False,
) -> Selection:
    """Choose the file to download for a Spotify track from slskd responses (SPEC §4.7)."""
    side = SpotifySide(spotify_track)
    preferred = _formats(preferred_formats)
    seen: set[tuple[str, str]] = set()
    passed: list[CandidateFile] = []
    considered = below = rejected_quality = other = 0
    for response in responses:
        username = text(response.get("username")) or ""
        files = response.get("files")
        for file in files if isinstance(files, list) else []:
            filename = text(file.get("filename")) if isinstance(file, Mapping) else None
            if not filename or (username, filename) in seen:
                continue
            seen.add((username, filename))
            considered += 1
            score = side.score(file)
            if score.confidence < threshold:
                below += 1
                continue
            if score.different_recording and not allow_other_recordings:
                other += 1  # part of step 1: not the track, so never a "quality" rejection
                continue
            extension = file_extension(file, parse_soulseek_path(filename))
            bitrate = effective_bitrate(file_bitrate(file), extension)
            if bitrate is not None and bitrate < min_bitrate:
                rejected_quality += 1
                continue
            queue = _int(response.get("queueLength")) or 0
            passed.append(
                CandidateFile(
                    username=username,
                    filename=filename,
                    size=_int(file.get("size")),
                    bitrate=bitrate,
                    extension=extension,
                    length=_int(file.get("length")),
                    confidence=score.confidence,
                    preferred=extension in preferred,
                    has_free_upload_slot=response.get("hasFreeUploadSlot") is True,
                    queue_length=queue,
                    upload_speed=_int(response.get("uploadSpeed")),
                    score=score,
                )
            )
    # sorted() is stable with reverse=True too: equal ranks keep response order.
    ranked = sorted(passed, key=CandidateFile.rank, reverse=True)
    reason: Reason | None = None
    if not ranked:
        reason = "quality" if rejected_quality else "no_results"
    return Selection(
        best=ranked[0] if ranked else None,
        alternatives=tuple(ranked[1 : 1 + MAX_ALTERNATIVES]),
        reason=reason,
        considered=considered,
        below_threshold=below,
        rejected_quality=rejected_quality,
        other_recording=other,
    )
