"""The enrichment plug point of the completion pipeline (SPEC §5.4 steps 3–4, §8.2, §8.3).

`downloads.pipeline` calls `run_enrichment(download)` once the file sits at its organised place
and before the beets import. Three steps run in order — metadata (collect + tags), artwork,
lyrics — each failure-isolated: an exception in one is logged, recorded in that step's own
status fields and the next step still runs; nothing is raised into the pipeline, so the
download stays `completed` and the import follows. The steps write field-level `update()`s of
their own fields only and never move or rename the audio file.

The one-off tasks of the refresh endpoints (`downloads.enrichment_tasks`) call the same
guarded steps.
"""

from __future__ import annotations

import logging

from downloads.metadata import TrackMetadata, update_fields
from downloads.models import Download
from downloads.states import clip

logger = logging.getLogger(__name__)


def enrich_metadata(download: Download) -> TrackMetadata | None:
    """§8.2 collect + tag write; an unexpected error marks `metadata_status=failed`."""
    from downloads.metadata import refresh_metadata

    try:
        return refresh_metadata(download)
    except Exception as exc:
        logger.exception("metadata step of download %s failed", download.pk)
        update_fields(
            download,
            metadata_status=Download.Enrichment.FAILED,
            metadata_error=clip(f"metadata step failed: {exc}"),
        )
        return None


def enrich_artwork(
    download: Download, *, force: bool = False, meta: TrackMetadata | None = None
) -> None:
    """§8.3 artwork; an unexpected error marks `artwork_status=failed`."""
    from downloads.artwork import process_artwork

    try:
        process_artwork(download, force=force, meta=meta)
    except Exception as exc:
        logger.exception("artwork step of download %s failed", download.pk)
        update_fields(
            download,
            artwork_status=Download.Artwork.FAILED,
            has_artwork=False,
            artwork_path=None,
            artwork_error=clip(f"artwork step failed: {exc}"),
        )


def enrich_lyrics(download: Download, meta: TrackMetadata | None = None) -> None:
    """LRCLIB lyrics; an unexpected error marks `lyrics_status=failed`."""
    from downloads.lyrics import fetch_lyrics

    try:
        fetch_lyrics(download, meta)
    except Exception:
        logger.exception("lyrics step of download %s failed", download.pk)
        update_fields(
            download, lyrics_status=Download.Enrichment.FAILED, has_lyrics=False, lyrics_path=None
        )


def run_enrichment(download: Download) -> None:
    """Metadata, artwork and lyrics for a freshly organised download; never raises."""
    try:
        meta = enrich_metadata(download)
        enrich_artwork(download, meta=meta)
        enrich_lyrics(download, meta)
    except Exception:
        # Only a failing status write (database gone) gets here; the pipeline must go on.
        logger.exception("enrichment of download %s failed", download.pk)
