"""Every activity event type and status name (SPEC §6). Never rename: UI and monitoring use them."""

from __future__ import annotations

# Types
SYNC = "sync"
AUTOSYNC = "autosync"
SEARCH = "search"
DOWNLOAD = "download"
MATCHING = "matching"
METADATA = "metadata"
WATCHLIST = "watchlist"
WORKER = "worker"

TYPES = (SYNC, AUTOSYNC, SEARCH, DOWNLOAD, METADATA, MATCHING, WORKER, WATCHLIST)

# sync
SYNC_STARTED = "sync_started"
SPOTIFY_LOADED = "spotify_loaded"
SPOTIFY_UNAVAILABLE = "spotify_unavailable"
PLEX_CHECKED = "plex_checked"
PLEX_UNAVAILABLE = "plex_unavailable"
DOWNLOADS_REQUESTED = "downloads_requested"
SOULSEEK_SKIPPED = "soulseek_skipped"
SOULSEEK_ERROR = "soulseek_error"
SOULSEEK_LOW_QUALITY = "soulseek_low_quality"
SOULSEEK_NO_RESULTS = "soulseek_no_results"
DOWNLOAD_ENQUEUED = "download_enqueued"
TRACK_IMPORTED = "track_imported"
IMPORT_FAILED = "import_failed"
DOWNLOAD_FAILED = "download_failed"
PLEX_UPDATED = "plex_updated"
PLEX_UPDATE_FAILED = "plex_update_failed"
BEETS_IMPORTED = "beets_imported"
SYNC_PARTIAL = "sync_partial"
SYNC_COMPLETED = "sync_completed"
SYNC_BLOCKED = "sync_blocked"
PLAYLIST_SYNC_FAILED = "playlist_sync_failed"

# autosync
STARTED = "started"
AUTOSYNC_BLOCKED = "autosync_blocked"

# search
SEARCH_STARTED = "search_started"
SEARCH_COMPLETED = "search_completed"
SEARCH_FAILED = "search_failed"

# download
QUEUED = "queued"
DOWNLOAD_BLOCKED = "download_blocked"
DOWNLOAD_CANCELLED = "download_cancelled"
DOWNLOAD_RETRIED = "download_retried"
DOWNLOAD_RETRY_SCHEDULED = "download_retry_scheduled"
DOWNLOAD_RETRY_COMPLETED = "download_retry_completed"
DOWNLOAD_RETRY_FAILED = "download_retry_failed"
COMPLETED = "completed"
FAILED = "failed"
SYNC_JOB_FAILED = "sync_job_failed"

# matching
BATCH_SAVED = "batch_saved"
MATCHING_JOB_FAILED = "matching_job_failed"

# metadata (STARTED, COMPLETED, FAILED shared)
STOPPED = "stopped"
ALREADY_RUNNING = "already_running"
SCAN_FAILED = "scan_failed"

# watchlist
ARTIST_CHECKED = "artist_checked"
ARTIST_FAILED = "artist_failed"
WATCHLIST_BLOCKED = "watchlist_blocked"

# worker (STARTED, STOPPED shared)
RESTARTED = "restarted"
STALE = "stale"

# The (type, status) pairs Harmony emits, for the UI's status dropdown and for tests.
CATALOGUE: dict[str, tuple[str, ...]] = {
    SYNC: (
        SYNC_STARTED,
        SPOTIFY_LOADED,
        SPOTIFY_UNAVAILABLE,
        PLEX_CHECKED,
        PLEX_UNAVAILABLE,
        DOWNLOADS_REQUESTED,
        SOULSEEK_SKIPPED,
        SOULSEEK_ERROR,
        SOULSEEK_LOW_QUALITY,
        SOULSEEK_NO_RESULTS,
        DOWNLOAD_ENQUEUED,
        TRACK_IMPORTED,
        IMPORT_FAILED,
        DOWNLOAD_FAILED,
        PLEX_UPDATED,
        PLEX_UPDATE_FAILED,
        BEETS_IMPORTED,
        SYNC_PARTIAL,
        SYNC_COMPLETED,
        SYNC_BLOCKED,
        PLAYLIST_SYNC_FAILED,
    ),
    AUTOSYNC: (STARTED, AUTOSYNC_BLOCKED),
    SEARCH: (SEARCH_STARTED, SEARCH_COMPLETED, SEARCH_FAILED),
    DOWNLOAD: (
        QUEUED,
        DOWNLOAD_BLOCKED,
        DOWNLOAD_CANCELLED,
        DOWNLOAD_RETRIED,
        DOWNLOAD_RETRY_SCHEDULED,
        DOWNLOAD_RETRY_COMPLETED,
        DOWNLOAD_RETRY_FAILED,
        COMPLETED,
        FAILED,
        SYNC_JOB_FAILED,
    ),
    MATCHING: (BATCH_SAVED, MATCHING_JOB_FAILED),
    METADATA: (STARTED, STOPPED, ALREADY_RUNNING, COMPLETED, FAILED, SCAN_FAILED),
    WATCHLIST: (ARTIST_CHECKED, ARTIST_FAILED, WATCHLIST_BLOCKED),
    WORKER: (STARTED, RESTARTED, STOPPED, STALE),
}

ALL_STATUSES: tuple[str, ...] = tuple(
    sorted({s for statuses in CATALOGUE.values() for s in statuses})
)
