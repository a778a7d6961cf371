"""Plex Media Server JSON API (SPEC §2.7, §9.3, §11 D17).

Every call carries `X-Plex-Token` (header only, never in a query string: T08),
`Accept: application/json` (Plex answers XML otherwise), the installation's
`X-Plex-Client-Identifier` and `X-Plex-Product: Harmony`. Redirects are refused (T09).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from core import config
from core.errors import MissingCredentials, NotFound, UpstreamError, UpstreamNotFound
from core.models import Setting
from core.settings_store import write_system

# LIBRARY, TAG_FIELDS and TYPE_NUMBERS are re-exported (redundant aliases) for importers.
from integrations.clients.plex_actions import LIBRARY as LIBRARY
from integrations.clients.plex_actions import TAG_FIELDS as TAG_FIELDS
from integrations.clients.plex_actions import TYPE_NUMBERS as TYPE_NUMBERS
from integrations.clients.plex_actions import Params, PlexActions
from integrations.http import HttpClient, Response

logger = logging.getLogger(__name__)

PRODUCT = "Harmony"
PAGE_SIZE = 500
TYPE_ARTIST, TYPE_ALBUM, TYPE_TRACK = 8, 9, 10
NOTIFICATIONS_PATH = "/:/eventsource/notifications"


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


class PlexClient(PlexActions):
    """Plex Media Server (SPEC §9.3). No database access beyond `from_config`.

    Connection, library reads, counting and search live here; playback, playlists, play queues
    and tags come from `PlexActions` (`plex_actions.py`).
    """

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
        self.http = HttpClient(
            self.service,
            base_url,
            timeout=timeout,
            # Proxy endpoints answer within UPSTREAM_TIMEOUT_SEC, retries included (T31).
            deadline=True,
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
            return self.http.request(method, path, params=params, headers=headers)
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
