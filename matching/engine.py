"""Public API of the matching engine (SPEC §4): pure, deterministic, no I/O.

Import from here; the implementation lives in modules named by concern:
`normalize` (§4.1), `fields` (reading payloads), `scoring` (§4.2 and the version rule),
`soulseek_paths` (§3.2 step 3, §4.3), `relevance` (§4.4), `albums` (§4.5), `bulk` (§4.6),
`selection` (§4.7).
"""

from __future__ import annotations

from matching.albums import best_album_match, score_album_vs_plex
from matching.bulk import PRESENCE_THRESHOLD, LibraryIndex, PresenceResult
from matching.fields import track_key
from matching.normalize import TitleInfo, analyse_title, artist_key, core_album, core_title, norm
from matching.relevance import search_relevance
from matching.scoring import (
    AUTO_ACCEPT,
    DIFFERENT_RECORDING_FACTOR,
    MATCH_THRESHOLD,
    MatchScore,
    MatchScoreDict,
    best_plex_match,
    classify,
    score_track_vs_plex,
)
from matching.selection import CandidateFile, Selection, effective_bitrate, select_candidate
from matching.soulseek_paths import (
    LOSSLESS_EXTENSIONS,
    ParsedPath,
    best_soulseek_match,
    parse_soulseek_path,
    score_track_vs_soulseek,
)

__all__ = [
    "AUTO_ACCEPT",
    "DIFFERENT_RECORDING_FACTOR",
    "LOSSLESS_EXTENSIONS",
    "MATCH_THRESHOLD",
    "PRESENCE_THRESHOLD",
    "CandidateFile",
    "LibraryIndex",
    "MatchScore",
    "MatchScoreDict",
    "ParsedPath",
    "PresenceResult",
    "Selection",
    "TitleInfo",
    "analyse_title",
    "artist_key",
    "best_album_match",
    "best_plex_match",
    "best_soulseek_match",
    "classify",
    "core_album",
    "core_title",
    "effective_bitrate",
    "norm",
    "parse_soulseek_path",
    "score_album_vs_plex",
    "score_track_vs_plex",
    "score_track_vs_soulseek",
    "search_relevance",
    "select_candidate",
    "track_key",
]
