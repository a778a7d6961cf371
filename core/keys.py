"""The catalogue of configuration keys: defaults, environment names, kinds, secrecy (SPEC §7.1)."""

from __future__ import annotations

from dataclasses import dataclass

TRUE_VALUES = {"1", "true", "yes", "on"}
BOOL_VALUES = {"1", "0", "true", "false", "yes", "no"}

SPOTIFY_DEFAULT_SCOPE = (
    "user-library-read user-library-modify user-follow-read playlist-read-private "
    "playlist-read-collaborative playlist-modify-public playlist-modify-private user-top-read "
    "user-read-private"
)


@dataclass(frozen=True)
class Key:
    """One configuration key. `kind` selects the validation of `POST /settings` (SPEC §7.1)."""

    name: str
    default: str | None = None
    kind: str = "str"  # str | int1 | int0 | float01 | threshold | bool | formats | url
    env_only: bool = False

    @property
    def env(self) -> str:
        """Lower-case tunables map to the upper-case environment variable of the same words."""
        return self.name.upper()


# Tunables seeded into the settings table at start (SPEC §2.11 defaults table, §7.2).
SEEDED: tuple[Key, ...] = (
    Key("sync_worker_concurrency", "1", "int1"),
    Key("matching_worker_batch_size", "10", "int1"),
    Key("autosync_min_bitrate", "192", "int0"),
    Key("autosync_preferred_formats", "mp3,flac", "formats"),
    Key("matching_confidence_threshold", "0.65", "threshold"),
    Key("scan_worker_interval_seconds", "600", "int1"),
    Key("scan_worker_incremental", "true", "bool"),
    Key("autosync_skip_threshold", "3", "int1"),
    Key("autosync_wait_timeout_seconds", "3600", "int1"),
)

_CONFIG: tuple[Key, ...] = (
    Key("SPOTIFY_CLIENT_ID"),
    Key("SPOTIFY_CLIENT_SECRET"),
    Key("SPOTIFY_REDIRECT_URI", kind="url"),
    Key("SPOTIFY_SCOPE", SPOTIFY_DEFAULT_SCOPE),
    Key("SPOTIFY_API_URL", "https://api.spotify.com/v1", "url"),
    Key("SPOTIFY_ACCOUNTS_URL", "https://accounts.spotify.com", "url"),
    Key("SPOTIFY_REFRESH_TOKEN"),
    Key("SPOTIFY_ACCESS_TOKEN"),
    Key("SPOTIFY_TOKEN_EXPIRES_AT"),
    Key("PLEX_BASE_URL", kind="url"),
    Key("PLEX_TOKEN"),
    Key("PLEX_LIBRARY", "Music"),
    Key("PLEX_CLIENT_IDENTIFIER"),
    Key("SLSKD_URL", kind="url"),
    Key("SLSKD_HOST", env_only=True),
    Key("SLSKD_PORT", "5030", env_only=True),
    Key("SLSKD_API_KEY"),
    Key("SLSKD_DOWNLOADS_DIR", "./data/slskd-downloads"),
    Key("SLSKD_SEARCH_TIMEOUT_SEC", "20", "int1"),
    Key("MUSIC_DIR", "./data/music"),
    Key("ARTWORK_DIR", "./data/artwork"),
    Key("ARTWORK_TIMEOUT_SEC", "15", "int1"),
    Key("ARTWORK_MAX_BYTES", "10485760", "int1"),
    Key("ARTWORK_CONCURRENCY", "2", "int1"),
    Key("ARTWORK_FALLBACK_ENABLED", "false", "bool"),
    Key("ARTWORK_FALLBACK_PROVIDER", "musicbrainz"),
    Key("ARTWORK_FALLBACK_TIMEOUT_SEC", "12", "int1"),
    Key("ARTWORK_FALLBACK_MAX_BYTES", "10485760", "int1"),
    Key("ARTWORK_ALLOWED_HOSTS", "*.scdn.co,*.spotifycdn.com,*.archive.org"),
    Key("MUSICBRAINZ_URL", "https://musicbrainz.org", "url"),
    Key("COVERART_URL", "https://coverartarchive.org", "url"),
    Key("LYRICS_ENABLED", "true", "bool"),
    Key("LRCLIB_URL", "https://lrclib.net", "url"),
    Key("BEETS_COMMAND"),
    Key("BEETSDIR", "./data/beets"),
    Key("BEETS_TIMEOUT_SEC", "300", "int1"),
    Key("WATCHLIST_INTERVAL", "86400", "int1"),
    Key("SEARCH_MAX_LIMIT", "100", "int1"),
    Key("SEARCH_TIMEOUT_MS", "8000", "int1"),
    Key("SOULSEEK_SEARCH_BUDGET", "34", "int1"),
    Key("SOULSEEK_SEARCH_WINDOW_SEC", "220", "int1"),
    Key("SOULSEEK_SEARCH_MIN_GAP_SEC", "2", "int0"),
    Key("RETRY_MAX_ATTEMPTS", "10", "int1"),
    Key("RETRY_BASE_SECONDS", "60", "int1"),
    Key("RETRY_JITTER_PCT", "0.2", "float01"),
    Key("RETRY_SCAN_INTERVAL_SEC", "60", "int1"),
    Key("RETRY_SCAN_BATCH_LIMIT", "100", "int1"),
    Key("SYNC_POLL_INTERVAL_SEC", "2", "int1"),
    Key("SYNC_IDLE_POLL_INTERVAL_SEC", "30", "int1"),
    Key("DOWNLOAD_QUEUED_TIMEOUT_SEC", "21600", "int1"),
    Key("DOWNLOAD_INIT_TIMEOUT_SEC", "300", "int1"),
    Key("DOWNLOAD_STALL_TIMEOUT_SEC", "600", "int1"),
    Key("matching_auto_accept_threshold", "0.85", "threshold"),
    Key("AUTOSYNC_INTERVAL_SECONDS", "86400", "int1"),
    Key("PLAYLIST_SYNC_INTERVAL_SECONDS", "900", "int1"),
    Key("WORKER_HEARTBEAT_SECONDS", "15", "int1"),
    Key("WORKER_STALE_SECONDS", "60", "int1"),
    Key("UPSTREAM_TIMEOUT_SEC", "10", "int1"),
)

KEYS: dict[str, Key] = {key.name: key for key in (*SEEDED, *_CONFIG)}

# Settings rows with these prefixes belong to the workers (SPEC §2.11: read-only for users).
WORKER_PREFIXES = ("worker:", "worker.", "metrics.")
SECRET_SUFFIXES = ("_SECRET", "_TOKEN", "_API_KEY", "_API_KEYS", "_PASSWORD")

# Credential groups (SPEC §2.0): required and optional keys per service.
CREDENTIALS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "spotify": (("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI"), ()),
    "plex": (("PLEX_BASE_URL", "PLEX_TOKEN"), ("PLEX_LIBRARY",)),
    "soulseek": (("SLSKD_URL",), ("SLSKD_API_KEY",)),
}


def is_secret(key: str) -> bool:
    """Secret detection of SPEC §7.1 (case-insensitive on the suffix)."""
    upper = key.upper()
    return upper == "HARMONY_SECRET_KEY" or upper.endswith(SECRET_SUFFIXES)


def mask(value: str | None) -> str | None:
    """`"••••"` + the last four characters; `"••••"` alone for short values (SPEC §0.2)."""
    if value is None:
        return None
    return "••••" if len(value) <= 4 else "••••" + value[-4:]
