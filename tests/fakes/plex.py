"""Fake Plex Media Server (SPEC §9.3, §2.7).

Needs ``X-Plex-Token`` (header or, as real Plex allows, query parameter: check the request log
to prove Harmony only uses the header) except for ``/identity``, which Plex serves without a
token. Answers JSON only with ``Accept: application/json``, XML otherwise. Paging honours
``X-Plex-Container-Start``/``-Size`` as headers or query parameters. ``/:/eventsource/
notifications`` is a real Server-Sent Events stream fed by ``push_notification``.
"""

from __future__ import annotations

import itertools
import json
import queue
import random
import re
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ._plex_library import TYPE_NUMBERS, PlexLibraryMixin, fold, to_xml
from .base import (
    FakeServer,
    RecordedRequest,
    Response,
    Stream,
    empty_response,
    json_response,
    route,
)

LIBRARY = "com.plexapp.plugins.library"
URI_RE = re.compile(r"server://(?P<mid>[^/]+)/com\.plexapp\.plugins\.library(?P<path>/.*)")
TAG_ADD = re.compile(r"(?P<field>\w+)\[\d+\]\.tag\.tag")
TAG_REMOVE = re.compile(r"(?P<field>\w+)\[\]\.tag\.tag-")
_END = object()


def _html(status: int, title: str) -> Response:
    page = f"<html><head><title>{title}</title></head><body><h1>{status} {title}</h1></body></html>"
    return Response(status, page.encode(), {"Content-Type": "text/html"})


class FakePlex(PlexLibraryMixin, FakeServer):
    """Plex with seedable library, sessions, history, playlists, play queues and SSE.

    Seed: ``add_section``, ``add_artist``, ``add_album``, ``add_track``, ``make_tracks``,
    ``add_session``, ``add_history``, ``add_playlist``. Observe: ``refresh_calls`` (per section
    key), ``timeline_updates``, ``scrobbles``, ``tag_edits``, item fields (``viewCount``,
    ``userRating``, ``Genre`` …). SSE: ``push_notification``, ``wait_for_subscribers``,
    ``end_notifications``.
    """

    name = "plex"

    def __init__(
        self,
        token: str = "plex-token",
        *,
        machine_identifier: str = "fake-plex-machine-id",
        version: str = "1.41.3.9314-fake",
        sse_ping_interval: float | None = None,
    ) -> None:
        super().__init__()
        self.token = token
        self.machine_identifier = machine_identifier
        self.version = version
        self.sse_ping_interval = sse_ping_interval
        self.sections: dict[str, dict[str, Any]] = {}
        self.items: dict[str, dict[str, Any]] = {}
        self.sessions: list[dict[str, Any]] = []
        self.history: list[dict[str, Any]] = []
        self.playlists: dict[str, dict[str, Any]] = {}
        self.play_queues: dict[str, dict[str, Any]] = {}
        self.devices = [
            {
                "id": 1,
                "name": "Harmony",
                "platform": "Linux",
                "clientIdentifier": "harmony",
                "createdAt": 1_700_000_000,
            }
        ]
        self.dvrs: list[dict[str, Any]] = []
        self.refresh_calls: Counter[str] = Counter()
        self.timeline_updates: list[dict[str, str]] = []
        self.scrobbles: list[tuple[str, str]] = []
        self.tag_edits: list[dict[str, Any]] = []
        self._subscribers: list[queue.Queue[Any]] = []
        self._ids = itertools.count(1000)
        self._clock = itertools.count(1_700_000_000, 60)

    # Seeding beyond the library

    def add_session(
        self,
        track: dict[str, Any] | str,
        *,
        user: str = "alice",
        player: str = "Plexamp",
        state: str = "playing",
        view_offset: int = 0,
        session_key: str | None = None,
    ) -> dict[str, Any]:
        """Add a ``/status/sessions`` entry for a track."""
        item = self.public(self.items[_rk(track)])
        key = session_key or str(len(self.sessions) + 1)
        item.update(
            {
                "sessionKey": key,
                "viewOffset": view_offset,
                "User": {"id": "1", "thumb": "https://plex.tv/users/1/avatar", "title": user},
                "Player": {
                    "address": "192.168.1.20",
                    "machineIdentifier": f"player-{key}",
                    "platform": "iOS",
                    "product": player,
                    "state": state,
                    "title": f"{user}'s {player}",
                    "local": True,
                },
                "Session": {"id": f"session-{key}", "bandwidth": 1200, "location": "lan"},
            }
        )
        with self.lock:
            self.sessions.append(item)
        return item

    def add_history(
        self, track: dict[str, Any] | str, *, viewed_at: int | None = None, account_id: int = 1
    ) -> dict[str, Any]:
        """Add a play to ``/status/sessions/history/all``."""
        item = self.items[_rk(track)]
        entry = {
            "historyKey": f"/status/sessions/history/{len(self.history) + 1}",
            "key": item["key"],
            "ratingKey": item["ratingKey"],
            "librarySectionID": str(item["librarySectionID"]),
            "parentKey": item.get("parentKey"),
            "grandparentKey": item.get("grandparentKey"),
            "title": item["title"],
            "grandparentTitle": item.get("grandparentTitle"),
            "parentTitle": item.get("parentTitle"),
            "type": item["type"],
            "index": item.get("index"),
            "parentIndex": item.get("parentIndex"),
            "viewedAt": viewed_at or next(self._clock),
            "accountID": account_id,
            "deviceID": 1,
        }
        with self.lock:
            self.history.append({k: v for k, v in entry.items() if v is not None})
        return entry

    def add_playlist(
        self, title: str, tracks: Sequence[dict[str, Any] | str] = ()
    ) -> dict[str, Any]:
        """Add an audio playlist."""
        rating_key = str(next(self._ids))
        stamp = next(self._clock)
        playlist = {
            "ratingKey": rating_key,
            "key": f"/playlists/{rating_key}/items",
            "guid": f"com.plexapp.agents.none://{rating_key}",
            "type": "playlist",
            "title": title,
            "summary": "",
            "smart": False,
            "playlistType": "audio",
            "composite": f"/playlists/{rating_key}/composite/{stamp}",
            "icon": "playlist://image.smart",
            "addedAt": stamp,
            "updatedAt": stamp,
            "_items": [_rk(t) for t in tracks],
        }
        with self.lock:
            self.playlists[rating_key] = playlist
        return playlist

    # SSE

    def push_notification(self, name: str, data: dict[str, Any]) -> int:
        """Send ``event: name`` / ``data: json`` to every connected stream; returns how many."""
        with self.lock:
            for subscriber in self._subscribers:
                subscriber.put((name, data))
            return len(self._subscribers)

    def end_notifications(self) -> None:
        """Close every open notification stream (upstream hang-up)."""
        with self.lock:
            for subscriber in self._subscribers:
                subscriber.put(_END)

    def wait_for_subscribers(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Poll until ``count`` streams are connected (so pushed events are not lost)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self._subscribers) >= count:
                return True
            self._stopping.wait(0.01)
        return False

    @property
    def subscriber_count(self) -> int:
        """Connected notification streams."""
        return len(self._subscribers)

    # Hooks

    def authorize(self, request: RecordedRequest) -> Response | None:
        """Token from header or query; ``/identity`` needs none."""
        if request.path == "/identity":
            return None
        token = request.header("X-Plex-Token") or request.arg("X-Plex-Token")
        return None if token == self.token else _html(401, "Unauthorized")

    def error_response(self, status: int, message: str) -> Response:
        """Plex answers errors with tiny HTML pages."""
        return _html(status, message)

    def _reply(self, request: RecordedRequest, container: dict[str, Any]) -> Response:
        body = {"MediaContainer": container}
        if "application/json" in (request.header("Accept") or ""):
            return json_response(body)
        return Response(200, to_xml(body), {"Content-Type": "text/xml;charset=utf-8"})

    def _window(
        self, request: RecordedRequest, rows: list[Any]
    ) -> tuple[list[Any], dict[str, Any]]:
        start = request.header("X-Plex-Container-Start") or request.arg("X-Plex-Container-Start")
        size = request.header("X-Plex-Container-Size") or request.arg("X-Plex-Container-Size")
        if start is None and size is None:
            return rows, {"size": len(rows)}
        offset = self.number(start)
        window = rows[offset:] if size is None else rows[offset : offset + self.number(size)]
        return window, {"size": len(window), "totalSize": len(rows), "offset": offset}

    def _metadata(
        self, request: RecordedRequest, rows: list[dict[str, Any]], **extra: Any
    ) -> Response:
        window, counts = self._window(request, rows)
        window = list(window)
        container = {**counts, "allowSync": True, "identifier": LIBRARY, **extra}
        if window:
            container["Metadata"] = window
        return self._reply(request, container)

    # Server and library

    @route("GET", r"/identity")
    def _identity(self, request: RecordedRequest) -> Response:
        return self._reply(
            request,
            {
                "size": 0,
                "apiVersion": "1.1.1",
                "claimed": True,
                "machineIdentifier": self.machine_identifier,
                "version": self.version,
            },
        )

    @route("GET", r"/library/sections")
    def _sections(self, request: RecordedRequest) -> Response:
        sections = list(self.sections.values())
        return self._reply(
            request,
            {
                "size": len(sections),
                "allowSync": False,
                "title1": "Plex Library",
                "Directory": sections,
            },
        )

    def _section(self, request: RecordedRequest) -> dict[str, Any] | None:
        return self.sections.get(request.params["sid"])

    @route("GET", r"/library/sections/(?P<sid>[^/]+)/all")
    def _section_all(self, request: RecordedRequest) -> Response:
        section = self._section(request)
        if section is None:
            return _html(404, "Not Found")
        number = self.number(request.arg("type"), TYPE_NUMBERS[section["type"]])
        kind = next((k for k, v in TYPE_NUMBERS.items() if v == number), "")
        guids = request.arg("includeGuids") == "1"
        items = [
            i
            for i in self.items.values()
            if i["_section"] == section["key"] and i["type"] == kind and self._filtered(request, i)
        ]
        return self._metadata(
            request,
            _Rendered(items, lambda i: self.public(i, guids=guids)),
            librarySectionID=int(section["key"]),
            librarySectionTitle=section["title"],
            librarySectionUUID=section["uuid"],
            title1=section["title"],
            title2=f"All {kind.title()}s",
            viewGroup=kind,
        )

    def _filtered(self, request: RecordedRequest, item: dict[str, Any]) -> bool:
        title = request.arg("title")
        if title and fold(title) not in fold(item["title"]):
            return False
        for field in ("addedAt", "updatedAt"):
            bound = request.arg(f"{field}>>") or request.arg(f"{field}>")
            if bound and item[field] < self.number(bound.lstrip("=")):
                return False
        return True

    @route("GET", r"/library/sections/(?P<sid>[^/]+)/refresh")
    @route("PUT", r"/library/sections/(?P<sid>[^/]+)/refresh")
    def _refresh(self, request: RecordedRequest) -> Response:
        if self._section(request) is None:
            return _html(404, "Not Found")
        self.refresh_calls[request.params["sid"]] += 1
        return empty_response(200)

    @route("PUT", r"/library/sections/(?P<sid>[^/]+)/all")
    def _edit_tags(self, request: RecordedRequest) -> Response:
        item = self.items.get(request.arg("id") or "")
        if (
            self._section(request) is None
            or item is None
            or item["_section"] != request.params["sid"]
        ):
            return _html(404, "Not Found")
        if request.arg("type") and self.number(request.arg("type")) != TYPE_NUMBERS[item["type"]]:
            return _html(400, "Bad Request")
        edit: dict[str, Any] = {
            "ratingKey": item["ratingKey"],
            "add": {},
            "remove": {},
            "locked": [],
        }
        for name, values in request.query.items():
            if match := TAG_ADD.fullmatch(name):
                edit["add"].setdefault(match["field"], []).extend(values)
            elif match := TAG_REMOVE.fullmatch(name):
                edit["remove"].setdefault(match["field"], []).extend(
                    v for value in values for v in value.split(",") if v
                )
            elif name.endswith(".locked") and values[0] == "1":
                edit["locked"].append(name.removesuffix(".locked"))
        for field in set(edit["add"]) | set(edit["remove"]):
            key = field.capitalize()
            tags = [
                t["tag"] for t in item.get(key, []) if t["tag"] not in edit["remove"].get(field, [])
            ]
            tags += [t for t in edit["add"].get(field, []) if t not in tags]
            item[key] = [{"tag": t} for t in tags]
        locked = {f["name"] for f in item.get("Field", [])} | set(edit["locked"])
        if locked:
            item["Field"] = [{"locked": True, "name": n} for n in sorted(locked)]
        item["updatedAt"] = next(self._clock)
        self.tag_edits.append(edit)
        return empty_response(200)

    @route("GET", r"/hubs/search")
    def _hubs_search(self, request: RecordedRequest) -> Response:
        query = request.arg("query")
        if not query:
            return _html(400, "Bad Request")
        limit = self.number(request.arg("limit"), 3)
        section = request.arg("sectionId")
        terms = fold(query).split()
        hubs = []
        for kind in ("artist", "album", "track"):
            hits = [
                self.public(i)
                for i in self.items.values()
                if i["type"] == kind
                and (section is None or i["_section"] == section)
                and all(
                    t
                    in fold(
                        " ".join(
                            (i["title"], i.get("parentTitle", ""), i.get("grandparentTitle", ""))
                        )
                    )
                    for t in terms
                )
            ]
            hub = {
                "title": f"{kind.title()}s",
                "type": kind,
                "hubIdentifier": kind,
                "context": f"hub.search.{kind}s",
                "size": min(len(hits), limit),
                "more": len(hits) > limit,
                "style": "shelf",
            }
            if hits:
                hub["Metadata"] = hits[:limit]
            hubs.append(hub)
        return self._reply(request, {"size": len(hubs), "Hub": hubs})

    @route("GET", r"/library/metadata/(?P<keys>[\d,]+)")
    def _metadata_item(self, request: RecordedRequest) -> Response:
        found = [
            self.public(self.items[k]) for k in request.params["keys"].split(",") if k in self.items
        ]
        if not found:
            return _html(404, "Not Found")
        return self._metadata(request, found, librarySectionID=found[0]["librarySectionID"])

    @route("GET", r"/library/metadata/(?P<key>\d+)/children")
    def _children(self, request: RecordedRequest) -> Response:
        if request.params["key"] not in self.items:
            return _html(404, "Not Found")
        rows = [
            self.public(i) for i in self.items.values() if i.get("_parent") == request.params["key"]
        ]
        return self._metadata(request, rows)

    # Sessions and playback

    @route("GET", r"/status/sessions")
    def _sessions(self, request: RecordedRequest) -> Response:
        return self._metadata(request, list(self.sessions))

    @route("GET", r"/status/sessions/history/all")
    def _history(self, request: RecordedRequest) -> Response:
        rows = sorted(self.history, key=lambda h: h["viewedAt"], reverse=True)
        return self._metadata(request, rows)

    @route("GET", r"/:/timeline")
    def _timeline(self, request: RecordedRequest) -> Response:
        state = request.arg("state")
        if not request.arg("ratingKey") or state not in (
            "playing",
            "paused",
            "stopped",
            "buffering",
        ):
            return _html(400, "Bad Request")
        self.timeline_updates.append({k: v[0] for k, v in request.query.items()})
        return empty_response(200)

    @route("GET", r"/:/(?P<action>scrobble|unscrobble)")
    def _scrobble(self, request: RecordedRequest) -> Response:
        if request.arg("identifier") != LIBRARY:
            return _html(400, "Bad Request")
        item = self.items.get(request.arg("key") or "")
        if item is None:
            return _html(404, "Not Found")
        if request.params["action"] == "scrobble":
            item["viewCount"] = item.get("viewCount", 0) + 1
            item["lastViewedAt"] = next(self._clock)
        else:
            item.pop("viewCount", None)
            item.pop("lastViewedAt", None)
        self.scrobbles.append((request.params["action"], item["ratingKey"]))
        return empty_response(200)

    @route("PUT", r"/:/rate")
    def _rate(self, request: RecordedRequest) -> Response:
        item = self.items.get(request.arg("key") or "")
        rating = self.number(request.arg("rating"), -2, kind=float)
        if request.arg("identifier") != LIBRARY or not (rating == -1 or 0 <= rating <= 10):
            return _html(400, "Bad Request")
        if item is None:
            return _html(404, "Not Found")
        if rating == -1:
            item.pop("userRating", None)
        else:
            item["userRating"] = rating
            item["lastRatedAt"] = next(self._clock)
        return empty_response(200)

    # Playlists and play queues

    def _playlist_public(self, playlist: dict[str, Any]) -> dict[str, Any]:
        body = {k: v for k, v in playlist.items() if not k.startswith("_")}
        tracks = [self.items[k] for k in playlist["_items"] if k in self.items]
        body.update(
            {"leafCount": len(tracks), "duration": sum(t.get("duration", 0) for t in tracks)}
        )
        return body

    def _uri_keys(self, uri: str | None) -> list[str] | None:
        match = URI_RE.fullmatch(uri or "")
        if match is None or match["mid"] != self.machine_identifier:
            return None
        path = match["path"]
        if found := re.fullmatch(r"/playlists/(\d+)(/items)?", path):
            playlist = self.playlists.get(found[1])
            return list(playlist["_items"]) if playlist else None
        found = re.fullmatch(r"/library/metadata/([\d,]+)", path)
        keys = found[1].split(",") if found else []
        return keys if keys and all(k in self.items for k in keys) else None

    @route("GET", r"/playlists")
    def _playlists(self, request: RecordedRequest) -> Response:
        kind = request.arg("playlistType")
        rows = [
            self._playlist_public(p)
            for p in self.playlists.values()
            if kind in (None, p["playlistType"])
        ]
        return self._metadata(request, rows)

    @route("POST", r"/playlists")
    def _create_playlist(self, request: RecordedRequest) -> Response:
        keys = self._uri_keys(request.arg("uri"))
        if not request.arg("title") or request.arg("type") != "audio" or keys is None:
            return _html(400, "Bad Request")
        playlist = self.add_playlist(request.arg("title") or "", keys)
        return self._metadata(request, [self._playlist_public(playlist)])

    @route("GET", r"/playlists/(?P<id>\d+)")
    def _playlist(self, request: RecordedRequest) -> Response:
        playlist = self.playlists.get(request.params["id"])
        if playlist is None:
            return _html(404, "Not Found")
        return self._metadata(request, [self._playlist_public(playlist)])

    @route("GET", r"/playlists/(?P<id>\d+)/items")
    def _playlist_items(self, request: RecordedRequest) -> Response:
        playlist = self.playlists.get(request.params["id"])
        if playlist is None:
            return _html(404, "Not Found")
        rows = [
            {**self.public(self.items[k]), "playlistItemID": n}
            for n, k in enumerate(playlist["_items"], 1)
            if k in self.items
        ]
        return self._metadata(
            request, rows, ratingKey=playlist["ratingKey"], title=playlist["title"]
        )

    @route("PUT", r"/playlists/(?P<id>\d+)")
    def _update_playlist(self, request: RecordedRequest) -> Response:
        playlist = self.playlists.get(request.params["id"])
        if playlist is None:
            return _html(404, "Not Found")
        for field in ("title", "summary"):
            if request.arg(field) is not None:
                playlist[field] = request.arg(field)
        playlist["updatedAt"] = next(self._clock)
        return empty_response(200)

    @route("PUT", r"/playlists/(?P<id>\d+)/items")
    def _add_playlist_items(self, request: RecordedRequest) -> Response:
        playlist = self.playlists.get(request.params["id"])
        keys = self._uri_keys(request.arg("uri"))
        if playlist is None:
            return _html(404, "Not Found")
        if keys is None:
            return _html(400, "Bad Request")
        playlist["_items"].extend(keys)
        return self._reply(
            request,
            {
                "leafCountAdded": len(keys),
                "leafCountRequested": len(keys),
                "size": 1,
                "Metadata": [self._playlist_public(playlist)],
            },
        )

    @route("DELETE", r"/playlists/(?P<id>\d+)")
    def _delete_playlist(self, request: RecordedRequest) -> Response:
        if self.playlists.pop(request.params["id"], None) is None:
            return _html(404, "Not Found")
        return empty_response(204)

    @route("POST", r"/playQueues")
    def _create_play_queue(self, request: RecordedRequest) -> Response:
        playlist = self.playlists.get(request.arg("playlistID") or "")
        keys = list(playlist["_items"]) if playlist else self._uri_keys(request.arg("uri"))
        if not keys or request.arg("type") != "audio":
            return _html(400, "Bad Request")
        shuffled = request.arg("shuffle") == "1"
        if shuffled:
            random.Random(len(self.play_queues)).shuffle(keys)
        queue_id = str(next(self._ids))
        start = (request.arg("key") or "").rsplit("/", 1)[-1]
        selected = start if start in keys else keys[0]
        rows = [
            {**self.public(self.items[k]), "playQueueItemID": 100 + n} for n, k in enumerate(keys)
        ]
        self.play_queues[queue_id] = {
            "size": len(rows),
            "identifier": LIBRARY,
            "playQueueID": int(queue_id),
            "playQueueSelectedItemID": 100 + keys.index(selected),
            "playQueueSelectedItemOffset": 0,
            "playQueueSelectedMetadataItemID": selected,
            "playQueueShuffled": shuffled,
            "playQueueSourceURI": request.arg("uri") or "",
            "playQueueTotalCount": len(rows),
            "playQueueVersion": 1,
            "repeat": self.number(request.arg("repeat")),
            "Metadata": rows,
        }
        return self._reply(request, self.play_queues[queue_id])

    @route("GET", r"/playQueues/(?P<id>\d+)")
    def _play_queue(self, request: RecordedRequest) -> Response:
        play_queue = self.play_queues.get(request.params["id"])
        return _html(404, "Not Found") if play_queue is None else self._reply(request, play_queue)

    # Misc

    @route("GET", r"/devices")
    def _devices(self, request: RecordedRequest) -> Response:
        container = {"size": len(self.devices), "identifier": "com.plexapp.system.devices"}
        return self._reply(request, {**container, "Device": self.devices})

    @route("GET", r"/livetv/dvrs")
    def _dvrs(self, request: RecordedRequest) -> Response:
        container: dict[str, Any] = {"size": len(self.dvrs)}
        if self.dvrs:
            container["Dvr"] = self.dvrs
        return self._reply(request, container)

    @route("GET", r"/livetv/sessions")
    def _livetv_sessions(self, request: RecordedRequest) -> Response:
        return self._reply(request, {"size": 0})

    @route("GET", r"/:/eventsource/notifications", exclusive=False)
    def _notifications(self, request: RecordedRequest) -> Response:
        inbox: queue.Queue[Any] = queue.Queue()
        with self.lock:
            self._subscribers.append(inbox)

        def stream(out: Stream) -> None:
            last_ping = time.monotonic()
            try:
                while out.wait(0):
                    try:
                        event = inbox.get(timeout=0.05)
                    except queue.Empty:
                        event = None
                    if event is _END:
                        return
                    if event is not None:
                        name, data = event
                        if not out.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()):
                            return
                    interval = self.sse_ping_interval
                    if interval and time.monotonic() - last_ping >= interval:
                        last_ping = time.monotonic()
                        if not out.write(b"event: ping\ndata: {}\n\n"):
                            return
            finally:
                with self.lock:
                    self._subscribers.remove(inbox)

        headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        return Response(200, headers=headers, stream=stream)


def _rk(item: dict[str, Any] | str) -> str:
    return str(item["ratingKey"]) if isinstance(item, dict) else str(item)


__all__ = ["FakePlex"]


class _Rendered:
    """Rows rendered on access: a page of a 50,000-item section renders only that page."""

    def __init__(self, items: list[dict[str, Any]], render: Any) -> None:
        self.items, self.render = items, render

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.render(i) for i in self.items[index]]
        return self.render(self.items[index])

    def __iter__(self) -> Any:
        return (self.render(i) for i in self.items)
