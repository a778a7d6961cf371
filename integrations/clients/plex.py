"""Plex Media Server JSON API (SPEC §2.7, §9.3, §11 D17).

Every call carries `X-Plex-Token` (header only, never in a query string: T08),
`Accept: application/json` (Plex answers XML otherwise), the installation's
`X-Plex-Client-Identifier` and `X-Plex-Product: Harmony`. Redirects are refused (T09).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import requests

from core import config
from core.errors import MissingCredentials, NotFound, UpstreamError, UpstreamNotFound
from core.models import Setting
from core.settings_store import write_system
from integrations.http import HttpClient, Response

logger = logging.getLogger(__name__)

LIBRARY = "com.plexapp.plugins.library"
PRODUCT = "Harmony"
PAGE_SIZE = 500
TYPE_ARTIST, TYPE_ALBUM, TYPE_TRACK = 8, 9, 10
# Plex metadata type numbers, needed by the section edit endpoint (tags).
TYPE_NUMBERS = {"movie": 1, "show": 2, "season": 3, "episode": 4, "artist": 8, "album": 9}
TYPE_NUMBERS |= {"track": 10, "photo": 13, "photoalbum": 14}
TAG_FIELDS = ("genre", "mood", "style", "collection", "label")
NOTIFICATIONS_PATH = "/:/eventsource/notifications"
Params = Sequence[tuple[str, str]] | Mapping[str, Any] | None


@dataclass(frozen=True)
class PlexSection:
    """One entry of `GET /library/sections` (SPEC §9.3)."""

    key: str
    type: str
    title: str


@dataclass(frozen=True)
class LibraryCounts:
    """Artists, albums and tracks summed over sections (SPEC §5.6 step 2)."""

    artists: int
    albums: int
    tracks: int


def client_identifier() -> str:
    """`PLEX_CLIENT_IDENTIFIER`: stable per installation, generated once (SPEC §7.1)."""
    existing = config.get("PLEX_CLIENT_IDENTIFIER")
    if existing:
        return existing
    candidate = str(uuid.uuid4())
    # get_or_create keeps the first identifier when two requests race on a fresh install.
    row, created = Setting.objects.get_or_create(
        key="PLEX_CLIENT_IDENTIFIER",
        defaults={"value": candidate, "source": Setting.Source.SYSTEM},
    )
    if created:
        return candidate
    if row.value and row.value.strip():
        return row.value.strip()
    write_system("PLEX_CLIENT_IDENTIFIER", candidate)
    return candidate


class _DeadlineHttp(HttpClient):
    """`HttpClient` whose retries and backoff share one total deadline per call (T31).

    A user waiting for a proxy endpoint gets its 502 within `UPSTREAM_TIMEOUT_SEC`, even when
    the idempotent retries of SPEC §9 would otherwise multiply the timeout.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._local = threading.local()

    def call(self, method: str, path: str, **kwargs: Any) -> Response:
        self._local.deadline = time.monotonic() + self.timeout
        try:
            return self.request(method, path, **kwargs)
        finally:
            self._local.deadline = None

    def _remaining(self) -> float | None:
        deadline = getattr(self._local, "deadline", None)
        return None if deadline is None else deadline - time.monotonic()

    def _send(self, *args: Any) -> Response:
        # HttpClient passes (method, path, params, json_body, data, headers, timeout).
        *head, timeout = args
        limit = self.timeout if timeout is None else float(timeout)
        remaining = self._remaining()
        if remaining is not None:
            if remaining <= 0.05:
                raise UpstreamError(self.service, f"{self.service}: timeout")
            limit = min(limit, remaining)
        return super()._send(*head, limit)

    def sleep(self, seconds: float) -> None:  # type: ignore[override]
        remaining = self._remaining()
        if remaining is not None:
            seconds = min(seconds, max(0.0, remaining))
        HttpClient.sleep(seconds)


class PlexClient:
    """Plex Media Server (SPEC §9.3). No database access beyond `from_config`."""

    service = "plex"

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        identifier: str,
        timeout: float,
        library: str = "Music",
    ) -> None:
        self.library = library
        self.timeout = float(timeout)
        self.http = _DeadlineHttp(
            self.service,
            base_url,
            timeout=timeout,
            headers={
                "X-Plex-Token": token,
                "Accept": "application/json",
                "X-Plex-Client-Identifier": identifier,
                "X-Plex-Product": PRODUCT,
            },
        )

    @classmethod
    def from_config(cls) -> PlexClient:
        """Read effective settings now; raises MissingCredentials (→ 503) when unconfigured."""
        missing = config.missing_credentials("plex")
        if missing:
            raise MissingCredentials({"plex": missing}, "Plex is not configured")
        values = config.get_many(["PLEX_BASE_URL", "PLEX_TOKEN", "PLEX_LIBRARY"])
        return cls(
            values["PLEX_BASE_URL"] or "",
            values["PLEX_TOKEN"] or "",
            identifier=client_identifier(),
            timeout=max(1, config.get_int("UPSTREAM_TIMEOUT_SEC", 10)),
            library=values["PLEX_LIBRARY"] or "Music",
        )

    # Transport

    def _call(
        self,
        method: str,
        path: str,
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        not_found: str | None = None,
    ) -> Response:
        try:
            return self.http.call(method, path, params=params, headers=headers)
        except UpstreamNotFound as exc:
            raise NotFound(not_found or "Not found at plex") from exc

    def get_json(self, path: str, params: Params = None, *, not_found: str | None = None) -> dict:
        """A Plex JSON body (`{"MediaContainer": {...}}`), validated at the boundary (T33)."""
        return self._plex_json(self._call("GET", path, params, not_found=not_found), path)

    def _plex_json(self, response: Response, path: str) -> dict:
        body = response.json()
        if not isinstance(body, dict) or not isinstance(body.get("MediaContainer"), dict):
            raise UpstreamError(self.service, f"plex: unexpected response from {path}")
        return body

    def _container(self, path: str, params: Params = None, **kwargs: Any) -> dict:
        return self.get_json(path, params, **kwargs)["MediaContainer"]

    def _entries(self, container: dict, key: str, path: str) -> list[dict]:
        entries = container.get(key, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise UpstreamError(self.service, f"plex: unexpected {key} list from {path}")
        return entries

    # Server and library

    def identity(self) -> dict:
        """`GET /identity` → MediaContainer (with `machineIdentifier`)."""
        return self._container("/identity")

    def machine_identifier(self) -> str:
        value = self.identity().get("machineIdentifier")
        if not isinstance(value, str) or not value or "/" in value:
            raise UpstreamError(self.service, "plex: identity without machineIdentifier")
        return value

    def sections(self) -> list[PlexSection]:
        """All library sections."""
        path = "/library/sections"
        result = []
        for entry in self._entries(self._container(path), "Directory", path):
            key, kind, title = entry.get("key"), entry.get("type"), entry.get("title")
            if not isinstance(key, str | int) or not isinstance(kind, str):
                raise UpstreamError(self.service, "plex: malformed library section")
            result.append(PlexSection(str(key), kind, title if isinstance(title, str) else ""))
        return result

    def music_sections(self) -> list[PlexSection]:
        """Target sections (SPEC §5.6): artist sections titled `PLEX_LIBRARY`, else all of them."""
        artists = [s for s in self.sections() if s.type == "artist"]
        wanted = self.library.strip().casefold()
        named = [s for s in artists if s.title.strip().casefold() == wanted]
        if named:
            return named
        logger.warning(
            "no Plex music section titled %r; using all %d artist sections",
            self.library,
            len(artists),
        )
        return artists

    def count(self, section_id: str, type_: int) -> int:
        """`MediaContainer.totalSize` of a section for one type (8/9/10), without items."""
        path = f"/library/sections/{section_id}/all"
        params = {"type": type_}
        container = self._paged(path, params, start=0, size=0, not_found="Section not found")
        total = container.get("totalSize")
        if not isinstance(total, int) or isinstance(total, bool) or total < 0:
            raise UpstreamError(self.service, "plex: count without totalSize")
        return total

    def library_counts(self, section_ids: Iterable[str]) -> LibraryCounts:
        """Counts of types 8/9/10 summed over `section_ids` (SPEC §5.6 step 2)."""
        totals = [0, 0, 0]
        for section_id in section_ids:
            for i, type_ in enumerate((TYPE_ARTIST, TYPE_ALBUM, TYPE_TRACK)):
                totals[i] += self.count(section_id, type_)
        return LibraryCounts(*totals)

    def _paged(
        self, path: str, params: dict, *, start: int, size: int, not_found: str | None = None
    ) -> dict:
        headers = {"X-Plex-Container-Start": str(start), "X-Plex-Container-Size": str(size)}
        response = self._call("GET", path, params, headers=headers, not_found=not_found)
        return self._plex_json(response, path)["MediaContainer"]

    def all_tracks(self, section_ids: Iterable[str]) -> list[dict]:
        """Every track entry of the sections, in pages of 500 to the end (SPEC §5.8 step 5)."""
        tracks: list[dict] = []
        for section_id in section_ids:
            path = f"/library/sections/{section_id}/all"
            params = {"type": TYPE_TRACK, "includeGuids": 1}
            start = 0
            while True:
                container = self._paged(path, params, start=start, size=PAGE_SIZE)
                page = self._entries(container, "Metadata", path)
                tracks.extend(page)
                start += len(page)
                total = container.get("totalSize")
                if not page or (isinstance(total, int) and start >= total):
                    break
                if not isinstance(total, int) and len(page) < PAGE_SIZE:
                    break
        return tracks

    def refresh(self, section_id: str) -> None:
        """`GET /library/sections/{id}/refresh` (no `force`): an incremental scan."""
        self._call("GET", f"/library/sections/{section_id}/refresh", not_found="Section not found")

    def hub_search(self, query: str, limit: int = 60, section_id: str | None = None) -> list[dict]:
        """`GET /hubs/search` → the `Hub` list (track, album, artist hubs …)."""
        params: dict[str, Any] = {"query": query, "limit": limit}
        if section_id is not None:
            params["sectionId"] = section_id
        return self._entries(self._container("/hubs/search", params), "Hub", "/hubs/search")

    def metadata(self, rating_key: str) -> dict:
        """`MediaContainer.Metadata[0]` of an item; NotFound (→ 404) when unknown."""
        path = f"/library/metadata/{rating_key}"
        entries = self._entries(self._container(path, not_found="Item not found"), "Metadata", path)
        if not entries:
            raise NotFound("Item not found")
        return entries[0]

    # Pass-through reads (Plex JSON unchanged, SPEC §2.7)

    def library_sections(self, params: Params = None) -> dict:
        return self.get_json("/library/sections", params)

    def section_items(self, section_id: str, params: Params = None) -> dict:
        path = f"/library/sections/{section_id}/all"
        return self.get_json(path, params, not_found="Section not found")

    def item(self, rating_key: str, params: Params = None) -> dict:
        return self.get_json(f"/library/metadata/{rating_key}", params, not_found="Item not found")

    def sessions(self, params: Params = None) -> dict:
        return self.get_json("/status/sessions", params)

    def history(self, params: Params = None) -> dict:
        return self.get_json("/status/sessions/history/all", params)

    def play_queue(self, play_queue_id: str, params: Params = None) -> dict:
        path = f"/playQueues/{play_queue_id}"
        return self.get_json(path, params, not_found="Play queue not found")

    def devices(self, params: Params = None) -> dict:
        return self.get_json("/devices", params)

    def dvrs(self, params: Params = None) -> dict:
        return self.get_json("/livetv/dvrs", params)

    def livetv_sessions(self, params: Params = None) -> dict:
        return self.get_json("/livetv/sessions", params)

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

    # SSE (SPEC §2.7 notifications)

    def open_notifications(self) -> requests.Response:
        """Open `/:/eventsource/notifications` for streaming; the caller reads and closes it.

        Same session and headers, no redirects; connect/header timeouts as every call.
        """
        url = self.http.base_url + NOTIFICATIONS_PATH
        try:
            response = self.http.session.get(
                url,
                headers={"Accept": "text/event-stream"},
                timeout=(min(self.timeout, 10.0), self.timeout),
                allow_redirects=False,
                stream=True,
            )
        except requests.Timeout as exc:
            raise UpstreamError(self.service, "plex: timeout") from exc
        except requests.RequestException as exc:
            raise UpstreamError(self.service, "plex unreachable") from exc
        status = response.status_code
        content_type = response.headers.get("Content-Type", "")
        if status == 200 and content_type.startswith("text/event-stream"):
            return response
        response.close()
        if 300 <= status < 400:
            raise UpstreamError(self.service, f"plex: unexpected redirect (HTTP {status})")
        if status in (401, 403):
            raise UpstreamError(self.service, f"plex rejected the credentials (HTTP {status})")
        if status != 200:
            raise UpstreamError(self.service, f"plex: HTTP {status}", upstream_status=status)
        raise UpstreamError(self.service, "plex: notifications are not an event stream")


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
