"""What the user wants: Spotify playlists and saved tracks, de-duplicated and prioritised (SPEC §5.8 step 4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from integrations.clients.spotify import SpotifyClient
from integrations.models import SoulseekSearch
from matching.engine import norm, track_key
from watchlist.models import ArtistPreference

PLAYLIST_BASE = 10
SAVED_BASE = 20


@dataclass
class Wanted:
    """The loaded Spotify side of a run."""

    tracks: list[dict[str, Any]] = field(default_factory=list)
    playlists: int = 0
    saved_tracks: int = 0
    filtered_out: int = 0


def entry_from_track(track: dict[str, Any], *, base: int, lane: int) -> dict[str, Any] | None:
    """A plan entry (JSON-safe dict) from a Spotify track object; None for unusable items."""
    if not isinstance(track, dict) or track.get("is_local") or not track.get("name"):
        return None
    if track.get("type", "track") != "track":
        return None
    artists = [a for a in track.get("artists") or [] if isinstance(a, dict) and a.get("name")]
    album = track.get("album") if isinstance(track.get("album"), dict) else {}
    popularity = track.get("popularity")
    bonus = min(10, popularity // 10) if isinstance(popularity, int) and popularity >= 0 else 0
    images = [i for i in album.get("images") or [] if isinstance(i, dict) and i.get("url")]
    largest = max(
        images, key=lambda i: (i.get("width") or 0) * (i.get("height") or 0), default=None
    )
    entry = {
        "spotify_id": track.get("id") if isinstance(track.get("id"), str) else None,
        "title": track["name"],
        "artist": artists[0]["name"] if artists else "",
        "artists": [a["name"] for a in artists],
        "artist_ids": [a["id"] for a in artists if isinstance(a.get("id"), str)],
        "album": album.get("name") or "",
        "album_id": album.get("id") if isinstance(album.get("id"), str) else None,
        "album_artist_ids": [
            a["id"] for a in album.get("artists") or [] if isinstance(a, dict) and a.get("id")
        ],
        "duration_ms": track.get("duration_ms"),
        "isrc": (track.get("external_ids") or {}).get("isrc"),
        "track_number": track.get("track_number"),
        "disc_number": track.get("disc_number"),
        "release_date": album.get("release_date"),
        "artwork_url": largest["url"] if largest else None,
        "priority": base + bonus,
        "lane": lane,
    }
    entry["key"] = entry_key(entry)
    return entry


def entry_key(entry: dict[str, Any]) -> str:
    """`(norm(primary artist), core_title)` joined: the de-duplication key (SPEC §5.8)."""
    artist, title = track_key({"name": entry["title"], "artists": [{"name": entry["artist"]}]})
    return f"{artist}::{title}"


def skip_key(entry: dict[str, Any]) -> str:
    """`AutoSyncSkippedTrack.track_key`: the Spotify id, else `"<artist>::<title>"` (SPEC §1.3)."""
    if entry.get("spotify_id"):
        return entry["spotify_id"]
    return f"{norm(entry['artist'])}::{norm(entry['title'])}"


def load_wanted(client: SpotifyClient) -> Wanted:
    """All playlists' items and all saved tracks, paged to the end (one listing per playlist)."""
    result = Wanted()
    best: dict[str, dict[str, Any]] = {}
    playlists = client.all_playlists()
    result.playlists = len(playlists)
    for playlist in playlists:
        if not isinstance(playlist, dict) or not playlist.get("id"):
            continue
        for track in client.playlist_items(playlist["id"]):
            _keep(
                best, entry_from_track(track, base=PLAYLIST_BASE, lane=SoulseekSearch.Lane.PLAYLIST)
            )
    for track in client.saved_tracks():
        result.saved_tracks += 1
        _keep(best, entry_from_track(track, base=SAVED_BASE, lane=SoulseekSearch.Lane.SAVED))
    kept, dropped = apply_preferences(best.values())
    result.tracks = kept
    result.filtered_out = dropped
    return result


def _keep(best: dict[str, dict[str, Any]], entry: dict[str, Any] | None) -> None:
    """De-duplicate by key keeping the highest priority (saved beats playlist)."""
    if entry is None:
        return
    current = best.get(entry["key"])
    if current is None or entry["priority"] > current["priority"]:
        best[entry["key"]] = entry


def apply_preferences(entries: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Release preferences per artist (SPEC §5.8): only artists with preferences are filtered."""
    entries = list(entries)
    artists = {a for e in entries for a in (*e["artist_ids"], *e["album_artist_ids"])}
    rows = ArtistPreference.objects.filter(artist_id__in=artists).values_list(
        "artist_id", "release_id", "selected"
    )
    with_prefs: set[str] = set()
    selected: set[str] = set()
    for artist_id, release_id, is_selected in rows:
        with_prefs.add(artist_id)
        if is_selected:
            selected.add(release_id)
    kept = []
    for entry in entries:
        governed = with_prefs & {*entry["artist_ids"], *entry["album_artist_ids"]}
        if governed and entry["album_id"] and entry["album_id"] not in selected:
            continue
        kept.append(entry)
    return kept, len(entries) - len(kept)
