"""Plex writes and per-user actions (SPEC §2.7, §9.3, §11 D17), mixed into `PlexClient`.

Playback reports, playlists, play queues and tag edits live here so that `plex.py` keeps the
connection, library reads and counting. The mixin owns no transport: `PlexClient` provides
`_call`, `_plex_json`, `get_json`, `metadata` and `machine_identifier`, with the same headers,
deadline and error mapping as every other Plex call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from core.errors import UpstreamError

if TYPE_CHECKING:
    from integrations.http import Response

LIBRARY = "com.plexapp.plugins.library"
# Plex metadata type numbers, needed by the section edit endpoint (tags).
TYPE_NUMBERS = {"movie": 1, "show": 2, "season": 3, "episode": 4, "artist": 8, "album": 9}
TYPE_NUMBERS |= {"track": 10, "photo": 13, "photoalbum": 14}
TAG_FIELDS = ("genre", "mood", "style", "collection", "label")
Params = Sequence[tuple[str, str]] | Mapping[str, Any] | None


class PlexActions:
    """Playback, playlists, play queues and tags; needs `PlexClient`'s transport methods."""

    service: str

    if TYPE_CHECKING:

        def _call(
            self,
            method: str,
            path: str,
            params: Params = None,
            headers: Mapping[str, str] | None = None,
            not_found: str | None = None,
        ) -> Response: ...

        def _plex_json(self, response: Response, path: str) -> dict: ...

        def get_json(
            self, path: str, params: Params = None, *, not_found: str | None = None
        ) -> dict: ...

        def metadata(self, rating_key: str) -> dict: ...

        def machine_identifier(self) -> str: ...

    # Playback (GETs except rate, D17)

    def update_timeline(
        self, rating_key: str, state: str, time_ms: int, duration: int | None, key: str | None
    ) -> None:
        params: dict[str, Any] = {
            "ratingKey": rating_key,
            "key": key or f"/library/metadata/{rating_key}",
            "identifier": LIBRARY,
            "state": state,
            "time": time_ms,
        }
        if duration is not None:
            params["duration"] = duration
        self._call("GET", "/:/timeline", params, not_found="Item not found")

    def scrobble(self, rating_key: str, *, played: bool = True) -> None:
        """Mark played (`/:/scrobble`) or unplayed (`/:/unscrobble`)."""
        path = "/:/scrobble" if played else "/:/unscrobble"
        params = {"key": rating_key, "identifier": LIBRARY}
        self._call("GET", path, params, not_found="Item not found")

    def rate(self, rating_key: str, rating: float | None) -> None:
        """`PUT /:/rate`; None clears the rating (`rating=-1`)."""
        value: float = -1 if rating is None else rating
        text = str(int(value)) if float(value).is_integer() else str(value)
        params = {"key": rating_key, "identifier": LIBRARY, "rating": text}
        self._call("PUT", "/:/rate", params, not_found="Item not found")

    # Playlists and play queues

    def _uri(self, suffix: str) -> str:
        return f"server://{self.machine_identifier()}/{LIBRARY}{suffix}"

    def items_uri(self, rating_keys: Sequence[str]) -> str:
        return self._uri("/library/metadata/" + ",".join(rating_keys))

    def playlists(self, params: Params = None) -> dict:
        forwarded = [(k, v) for k, v in _pairs(params) if k != "playlistType"]
        return self.get_json("/playlists", [("playlistType", "audio"), *forwarded])

    def create_playlist(self, title: str, rating_keys: Sequence[str]) -> dict:
        """`POST /playlists` (not retried: a retry could create a duplicate, T37)."""
        params = {"type": "audio", "title": title, "smart": 0, "uri": self.items_uri(rating_keys)}
        return self._plex_json(self._call("POST", "/playlists", params), "/playlists")

    def update_playlist(
        self, playlist_id: str, title: str | None = None, summary: str | None = None
    ) -> None:
        params = {k: v for k, v in (("title", title), ("summary", summary)) if v is not None}
        self._call("PUT", f"/playlists/{playlist_id}", params, not_found="Playlist not found")

    def add_playlist_items(self, playlist_id: str, rating_keys: Sequence[str]) -> None:
        params = {"uri": self.items_uri(rating_keys)}
        path = f"/playlists/{playlist_id}/items"
        self._call("PUT", path, params, not_found="Playlist not found")

    def delete_playlist(self, playlist_id: str) -> None:
        self._call("DELETE", f"/playlists/{playlist_id}", not_found="Playlist not found")

    def create_play_queue(
        self,
        *,
        rating_keys: Sequence[str] = (),
        playlist_id: str | None = None,
        shuffle: bool = False,
        repeat: int = 0,
        continuous: bool = False,
        start_item_id: str | None = None,
    ) -> dict:
        """`POST /playQueues?type=audio&uri=…` (a playlist also as `playlistID`)."""
        params: dict[str, Any] = {"type": "audio"}
        if playlist_id is not None:
            params["uri"] = self._uri(f"/playlists/{playlist_id}/items")
            params["playlistID"] = playlist_id
        else:
            params["uri"] = self.items_uri(rating_keys)
        params.update(shuffle=int(shuffle), repeat=repeat, continuous=int(continuous))
        if start_item_id is not None:
            params["key"] = f"/library/metadata/{start_item_id}"
        response = self._call("POST", "/playQueues", params, not_found="Playlist not found")
        return self._plex_json(response, "/playQueues")

    # Tags (section edit endpoint, D17)

    def set_tags(self, item_id: str, tags: Mapping[str, list[str]]) -> dict[str, list[str]]:
        """Make the given lists the item's exact tag sets (additions and removals computed)."""
        item = self.metadata(item_id)
        section_id, type_ = item.get("librarySectionID"), TYPE_NUMBERS.get(item.get("type", ""))
        if not isinstance(section_id, int | str) or isinstance(section_id, bool) or type_ is None:
            raise UpstreamError(self.service, "plex: item without section or known type")
        params: list[tuple[str, str]] = [("type", str(type_)), ("id", item_id)]
        result: dict[str, list[str]] = {}
        for field in TAG_FIELDS:
            if field not in tags:
                continue
            wanted = list(dict.fromkeys(tags[field]))
            current = _current_tags(item, field)
            added = [t for t in wanted if t not in current]
            removed = [t for t in current if t not in wanted]
            params.extend((f"{field}[{i}].tag.tag", tag) for i, tag in enumerate(added))
            if removed:
                params.append((f"{field}[].tag.tag-", ",".join(_escape_tag(t) for t in removed)))
            params.append((f"{field}.locked", "1"))
            result[field] = wanted
        path = f"/library/sections/{section_id}/all"
        self._call("PUT", path, params, not_found="Item not found")
        return result


def _pairs(params: Params) -> list[tuple[str, Any]]:
    if params is None:
        return []
    if isinstance(params, Mapping):
        return list(params.items())
    return list(params)


def _current_tags(item: dict, field: str) -> list[str]:
    entries = item.get(field.capitalize(), [])
    if not isinstance(entries, list):
        return []
    return [e["tag"] for e in entries if isinstance(e, dict) and isinstance(e.get("tag"), str)]


def _escape_tag(tag: str) -> str:
    # Removals are one comma-separated value that Plex URL-decodes item by item.
    return tag.replace("%", "%25").replace(",", "%2C")
