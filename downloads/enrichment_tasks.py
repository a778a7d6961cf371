"""django-q2 entry points of the enrichment (SPEC §5.0, §5.10, §8.2, §8.3).

Plain functions that take ids and are safe to run twice: an unknown download or run returns
quietly. The refresh endpoints enqueue them; tests call them directly.
"""

from __future__ import annotations

from downloads import refresh
from downloads.enrichment_hook import enrich_artwork, enrich_lyrics, enrich_metadata
from downloads.models import Download


def _download(download_id: int) -> Download | None:
    return Download.objects.filter(pk=download_id).first()


def run_metadata(download_id: int) -> str | None:
    """`POST …/metadata/refresh`: collect + tag write again; returns `metadata_status`."""
    download = _download(download_id)
    if download is None:
        return None
    enrich_metadata(download)
    return download.metadata_status


def run_artwork(download_id: int, force: bool = False) -> str | None:
    """`POST …/artwork/refresh` (forced: cache bypassed); returns `artwork_status`."""
    download = _download(download_id)
    if download is None:
        return None
    enrich_artwork(download, force=force)
    return download.artwork_status


def run_lyrics(download_id: int) -> str | None:
    """`POST …/lyrics/refresh`; returns `lyrics_status`."""
    download = _download(download_id)
    if download is None:
        return None
    enrich_lyrics(download)
    return download.lyrics_status


def run_metadata_refresh(run_id: int) -> bool:
    """One batch of the metadata refresh run; True when more batches were enqueued."""
    return refresh.run_batch(run_id)
