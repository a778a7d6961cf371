"""Collect the metadata of a finished download and write it into the file (SPEC §8.2).

Sources, first non-empty value wins per field: `request_payload.metadata` and the file dict →
Spotify track → Spotify album → Spotify artist genres (when the album has none) → Plex item →
tags already in the file → values an earlier run stored → the file name. `genre` is the first
genre; `composer` and `producer` come only from explicit credits (payload, Plex, file tags,
earlier runs), never from guesses. An upstream
that is unconfigured, down or answers garbage is skipped: collection goes on with the next
source. Peer-supplied values (file tags, file names) are cleaned and cut to the column sizes.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from django.utils import timezone

from core import config
from core.errors import Conflict, HarmonyError
from core.workers import queue
from downloads import tags
from downloads.models import Download
from downloads.paths import split_remote, stem_of
from downloads.states import clip, touch

logger = logging.getLogger(__name__)

ISRC_RE = re.compile(r"[A-Z]{2}[A-Z0-9]{3}\d{7}")
# Column sizes of the Download model (SPEC §1.3).
LIMITS = {"genre": 255, "composer": 512, "producer": 512, "isrc": 32, "copyright": 1024}
MAX_TEXT = 1024
TRACK_PREFIX = re.compile(r"^\s*(\d{1,2})\s*(?:[-._)]\s*|\s+)(.+)$")
PAYLOAD_TEXT = (
    "title",
    "artist",
    "album",
    "genre",
    "composer",
    "producer",
    "copyright",
    "spotify_track_id",
    "spotify_album_id",
    "plex_rating_key",
    "artwork_url",
)


@dataclass
class TrackMetadata:
    """Everything §8.2 collects for one download; `None` means "no source knew it yet"."""

    title: str | None = None
    artist: str | None = None
    album: str | None = None
    track_number: int | None = None
    disc_number: int | None = None
    date: str | None = None
    genre: str | None = None
    composer: str | None = None
    producer: str | None = None
    isrc: str | None = None
    copyright: str | None = None
    spotify_track_id: str | None = None
    spotify_album_id: str | None = None
    plex_rating_key: str | None = None
    artwork_url: str | None = None
    duration: float | None = None
    album_images: list[dict[str, Any]] = field(default_factory=list)
    artist_ids: list[str] = field(default_factory=list)

    def fill(self, **values: Any) -> None:
        """Take each value only where the field is still empty (first source wins)."""
        for name, value in values.items():
            value = _clean(name, value)
            if value is not None and getattr(self, name) in (None, "", []):
                setattr(self, name, value)

    def tag_values(self) -> tags.TagValues:
        names = {f.name for f in fields(tags.TagValues)}
        return tags.TagValues(**{name: getattr(self, name) for name in names})


def _text(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value if v not in (None, ""))
    if value is None or isinstance(value, dict | bool):
        return None
    text = "".join(c for c in str(value) if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))
    text = " ".join(text.split())
    return text[:MAX_TEXT] or None


def _positive(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    match = re.match(r"\s*(\d{1,4})", str(value)) if value is not None else None
    number = int(match.group(1)) if match else 0
    return number if number > 0 else None


def _seconds(milliseconds: Any) -> float | None:
    if isinstance(milliseconds, int | float) and not isinstance(milliseconds, bool):
        return milliseconds / 1000
    return None


def _clean(name: str, value: Any) -> Any:
    """Normalise one candidate value; None when it is unusable."""
    if name in ("track_number", "disc_number"):
        return _positive(value)
    if name == "duration":
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            return None
        return seconds if 0 < seconds < 24 * 3600 else None
    if name in ("album_images", "artist_ids"):
        return list(value) if isinstance(value, list) and value else None
    if name == "isrc":
        text = re.sub(r"[\s-]", "", _text(value) or "").upper()
        return text if ISRC_RE.fullmatch(text) else None
    text = _text(value)
    if text is not None and name in LIMITS:
        text = text[: LIMITS[name]]
    return text


# Sources


def _from_payload(meta: TrackMetadata, download: Download) -> None:
    payload = download.request_payload if isinstance(download.request_payload, dict) else {}
    file = payload.get("file") if isinstance(payload.get("file"), dict) else {}
    given = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else {}
    merged = {**file, **given}
    meta.fill(
        **{name: merged.get(name) for name in PAYLOAD_TEXT},
        date=merged.get("date") or merged.get("release_date") or merged.get("year"),
        track_number=merged.get("track_number"),
        disc_number=merged.get("disc_number"),
        isrc=merged.get("isrc"),
        duration=merged.get("duration") or merged.get("length"),
    )
    meta.fill(spotify_track_id=download.spotify_track_id)
    meta.fill(spotify_album_id=download.spotify_album_id)


def _spotify_client() -> Any:
    if config.missing_credentials("spotify"):
        return None
    from integrations.clients.spotify import SpotifyClient

    try:
        return SpotifyClient.from_config()
    except HarmonyError:
        return None


def _lookup(what: str, call: Any, *args: Any) -> dict[str, Any] | None:
    """One upstream lookup; failures are logged and the source is skipped."""
    try:
        body = call(*args)
    except HarmonyError as exc:
        logger.info("metadata: %s lookup failed: %s", what, exc.detail)
        return None
    return body if isinstance(body, dict) else None


def _names(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(i["name"]) for i in items if isinstance(i, dict) and i.get("name")]


def _from_spotify(meta: TrackMetadata) -> None:
    if not (meta.spotify_track_id or meta.spotify_album_id):
        return
    client = _spotify_client()
    if client is None:
        return
    if meta.spotify_track_id:
        track = _lookup("Spotify track", client.track, meta.spotify_track_id)
        if track is not None:
            album = track.get("album") if isinstance(track.get("album"), dict) else {}
            external = track.get("external_ids")
            meta.fill(
                title=track.get("name"),
                artist=_names(track.get("artists")) or None,
                album=album.get("name"),
                spotify_album_id=album.get("id"),
                track_number=track.get("track_number"),
                disc_number=track.get("disc_number"),
                date=album.get("release_date"),
                isrc=external.get("isrc") if isinstance(external, dict) else None,
                duration=_seconds(track.get("duration_ms")),
                album_images=album.get("images"),
            )
            artists = track.get("artists") if isinstance(track.get("artists"), list) else []
            meta.fill(artist_ids=[a["id"] for a in artists if isinstance(a, dict) and a.get("id")])
    if meta.spotify_album_id:
        _from_spotify_album(meta, client)


def _from_spotify_album(meta: TrackMetadata, client: Any) -> None:
    album = _lookup("Spotify album", client.album, meta.spotify_album_id)
    if album is None:
        return
    genres = album.get("genres") if isinstance(album.get("genres"), list) else []
    copyrights = album.get("copyrights") if isinstance(album.get("copyrights"), list) else []
    texts = [c.get("text") for c in copyrights if isinstance(c, dict) and c.get("text")]
    artists = album.get("artists") if isinstance(album.get("artists"), list) else []
    meta.fill(
        album=album.get("name"),
        date=album.get("release_date"),
        genre=genres[0] if genres else None,
        # Spotify albums without a copyright line still name their label.
        copyright=texts[0] if texts else album.get("label"),
        album_images=album.get("images"),
        artist=_names(artists) or None,
        artist_ids=[a["id"] for a in artists if isinstance(a, dict) and a.get("id")],
    )
    if not genres and not meta.genre and meta.artist_ids:
        artist = _lookup("Spotify artist", client.artist, meta.artist_ids[0])
        artist_genres = artist.get("genres") if artist else None
        if isinstance(artist_genres, list) and artist_genres:
            meta.fill(genre=artist_genres[0])


def _tags_of(item: dict[str, Any], *keys: str) -> list[str]:
    found = []
    for key in keys:
        entries = item.get(key)
        if isinstance(entries, list):
            found += [str(e["tag"]) for e in entries if isinstance(e, dict) and e.get("tag")]
    return found


def _from_plex(meta: TrackMetadata) -> None:
    if not meta.plex_rating_key or not str(meta.plex_rating_key).isdigit():
        return
    if config.missing_credentials("plex"):
        return
    from integrations.clients.plex import PlexClient

    try:
        client = PlexClient.from_config()
    except HarmonyError:
        return
    item = _lookup("Plex item", client.metadata, str(meta.plex_rating_key))
    if item is None:
        return
    guids = item.get("Guid") if isinstance(item.get("Guid"), list) else []
    isrcs = [
        str(g["id"])[len("isrc://") :]
        for g in guids
        if isinstance(g, dict) and str(g.get("id", "")).startswith("isrc://")
    ]
    genres = _tags_of(item, "Genre")
    meta.fill(
        title=item.get("title"),
        artist=item.get("originalTitle") or item.get("grandparentTitle"),
        album=item.get("parentTitle"),
        track_number=item.get("index"),
        disc_number=item.get("parentIndex"),
        date=item.get("parentYear") or item.get("year"),
        genre=genres[0] if genres else None,
        # Plex exposes credits as tag lists; only explicit ones are used (SPEC §8.2).
        composer=_tags_of(item, "Composer", "Writer") or None,
        producer=_tags_of(item, "Producer") or None,
        isrc=isrcs[0] if isrcs else None,
        duration=_seconds(item.get("duration")),
    )


def _from_file(meta: TrackMetadata, path: Path | None) -> None:
    if path is None:
        return
    try:
        existing = tags.read_tags(path)
    except tags.TagError:
        return  # the write step reports the broken file
    meta.fill(**existing)
    if meta.duration is None:
        meta.fill(duration=tags.duration(path))


def _from_filename(meta: TrackMetadata, remote_filename: str) -> None:
    """`Artist - Album - 01 - Title`, `Artist - 01 - Title`, `Artist - Album - Title`,
    `01 - Artist - Title`, `Artist - Title` or the bare stem (the §8.1 guesses)."""
    _, basename = split_remote(remote_filename)
    stem = stem_of(basename).replace("_", " ").strip()
    numbered = TRACK_PREFIX.match(stem)
    if numbered:
        meta.fill(track_number=numbered.group(1))
        stem = numbered.group(2).strip()
    parts = [p.strip() for p in stem.split(" - ")]
    if len(parts) >= 3 and parts[-2].isdigit():
        album = parts[1] if len(parts) >= 4 else None
        meta.fill(artist=parts[0], album=album, track_number=parts[-2], title=parts[-1])
    elif len(parts) >= 3:
        meta.fill(artist=parts[0], album=parts[1], title=" - ".join(parts[2:]))
    elif len(parts) == 2 and parts[0]:
        meta.fill(artist=parts[0], title=parts[1])
    meta.fill(title=stem)


def collect(download: Download, path: Path | None) -> TrackMetadata:
    """Run every source of §8.2 in order for `download` (its audio file at `path`, if any)."""
    meta = TrackMetadata()
    _from_payload(meta, download)
    _from_spotify(meta)
    _from_plex(meta)
    _from_file(meta, path)
    # What an earlier run stored (formats without tags keep it only here).
    meta.fill(**{name: getattr(download, name) for name in LIMITS})
    _from_filename(meta, download.filename)
    return meta


def audio_path(download: Download) -> Path | None:
    """The download's audio file: `organized_path`, else `local_path`, if it is a file."""
    for value in (download.organized_path, download.local_path):
        if value:
            candidate = Path(value)
            if candidate.is_file():
                return candidate
    return None


def update_fields(download: Download, **values: Any) -> None:
    """Field-level update of the enrichment's own fields (never `save()`, RELIABILITY T57)."""
    Download.objects.filter(pk=download.pk).update(**touch(timezone.now(), **values))
    for name, value in values.items():
        setattr(download, name, value)


def refresh_metadata(download: Download) -> TrackMetadata:
    """Collect, write the tags and store the rich fields on the download (SPEC §5.4 step 3).

    Values are stored even when the file cannot be tagged; `metadata_status` is `done`, or
    `failed` with the reason in `metadata_error` (missing or corrupt file, write error).
    """
    update_fields(download, metadata_status=Download.Enrichment.RUNNING, metadata_error=None)
    path = audio_path(download)
    meta = collect(download, path)
    error = None
    if path is None:
        error = "audio file missing"
    else:
        try:
            tags.write_tags(path, meta.tag_values())
        except tags.TagError as exc:
            error = str(exc)
    stored = {name: getattr(meta, name) for name in LIMITS}
    ids = {"spotify_track_id": meta.spotify_track_id, "spotify_album_id": meta.spotify_album_id}
    stored |= {k: v[:64] for k, v in ids.items() if v}
    status = Download.Enrichment.FAILED if error else Download.Enrichment.DONE
    update_fields(
        download, **stored, metadata_status=status, metadata_error=clip(error) if error else None
    )
    if error:
        logger.warning("metadata of download %s: %s", download.pk, error)
    return meta


def request_refresh(download: Download) -> None:
    """`POST …/metadata/refresh`: 409 without a local file, else enqueue the §8.2 step."""
    if audio_path(download) is None:
        raise Conflict("Audio file not found on disk")
    update_fields(download, metadata_status=Download.Enrichment.PENDING, metadata_error=None)
    queue.enqueue("downloads.enrichment_tasks.run_metadata", download.pk)
