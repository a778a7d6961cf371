"""Module-level helpers of the Spotify client (SPEC §2.6, §9.2): the pooled connection per base
URL, bearer tokens, and the checks and reshaping of Web API answers.

Every Spotify call goes through one pooled `requests.Session` per base URL and process, so
concurrent requests reuse connections instead of opening new ones.

`integrations.clients.spotify` re-exports the names other modules import, so they keep importing
them from there; the paging limits stay in that module because tests patch them on it.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter

from core.errors import UpstreamError
from integrations.http import HttpClient, Response

SERVICE = "spotify"
POOL_SIZE = 64

ID_RE = re.compile(r"[0-9A-Za-z]{1,64}")
URI_RE = re.compile(r"spotify:(?:track|episode):[0-9A-Za-z]{1,64}")
_EP_WORD = re.compile(r"\bep\b", re.IGNORECASE)

_pool_lock = threading.Lock()
_pools: dict[str, HttpClient] = {}


def pooled(base_url: str) -> HttpClient:
    """The process-wide `HttpClient` for a base URL: one session, a pool of ≥ 50 connections."""
    key = base_url.rstrip("/")
    with _pool_lock:
        client = _pools.get(key)
        if client is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            client = HttpClient(SERVICE, key, timeout=10, session=session)
            _pools[key] = client
        return client


@dataclass(frozen=True)
class Bearer:
    """An access token and the credential it stands for (named in 401/403 errors)."""

    token: str
    label: str


class TokenSource(Protocol):
    """Hands out bearer tokens; `kind` is "user" or "app" (CONTRACT §4)."""

    def bearer(self, kind: str, stale: str | None = None) -> Bearer: ...


def is_id(value: object) -> bool:
    """A Spotify base62 id (anything else cannot name a Spotify object)."""
    return isinstance(value, str) and ID_RE.fullmatch(value) is not None


def _without_markets(obj: dict[str, Any]) -> dict[str, Any]:
    obj.pop("available_markets", None)
    return obj


def decode(response: Response, path: str) -> Any:
    """The JSON body without the bulky `available_markets` arrays, dropped while parsing at
    every depth (SPEC §2.6); garbage is a 502 (T33)."""
    if not response.content.strip():
        return None
    try:
        return json.loads(response.content, object_hook=_without_markets)
    except (ValueError, RecursionError) as exc:
        raise UpstreamError(SERVICE, f"spotify: invalid JSON from {path}") from exc


def malformed(path: str) -> UpstreamError:
    """The 502 for an answer of the wrong shape (T33: garbage is a 502, never a 500)."""
    return UpstreamError(SERVICE, f"spotify: unexpected response from {path}")


def paging(body: Any, path: str) -> dict[str, Any]:
    """A paging object with a list of items (T33: garbage is a 502, never a 500)."""
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise malformed(path)
    return body


def page_total(page: dict[str, Any]) -> int:
    """The paging object's `total`, or the number of items when it is missing or not an int."""
    total = page.get("total")
    return total if isinstance(total, int) and not isinstance(total, bool) else len(page["items"])


def entry_track(entry: Any) -> dict[str, Any] | None:
    """The track of a playlist entry or saved track (`item`, or the older `track`); None for
    unavailable tracks and for episodes."""
    if not isinstance(entry, dict):
        return None
    track = entry.get("item") if entry.get("item") is not None else entry.get("track")
    if not isinstance(track, dict) or track.get("type", "track") != "track":
        return None
    return track


def both_shapes(entry: dict[str, Any]) -> dict[str, Any]:
    """A playlist entry with both `item` (current API) and `track` (SPEC §9.2 shape)."""
    track = entry.get("item") if entry.get("item") is not None else entry.get("track")
    return {**entry, "item": track, "track": track}


def release_type(album: dict[str, Any]) -> str:
    """`album`/`single`/`ep`/`compilation` of SPEC §2.6 (Spotify files EPs under "single")."""
    album_type = str(album.get("album_type") or "").lower()
    if "compilation" in (album_type, str(album.get("album_group") or "").lower()):
        return "compilation"
    if album_type == "single":
        total = album.get("total_tracks")
        many = isinstance(total, int) and total >= 4
        return "ep" if many or _EP_WORD.search(str(album.get("name") or "")) else "single"
    return "album"


def release_year(release_date: Any) -> int | None:
    """The year of a `release_date` ("1998", "1998-03", "1998-03-16"), None when it has none."""
    text = str(release_date or "")[:4]
    return int(text) if text.isdigit() else None


def no_longer_offered(feature: str, status: int = 403) -> str:
    """Spotify closed audio features and recommendations to apps created after Nov 2024."""
    return f"Spotify no longer offers {feature} to this app (HTTP {status})"
