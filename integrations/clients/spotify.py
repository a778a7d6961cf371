"""Spotify Web API client (SPEC §2.6, §9.2); tokens come from `integrations.spotify_auth`.

Written against the Web API as it is after Spotify's February/March 2026 changes: playlist
contents live under `/playlists/{id}/items` (entries carry `item`; older answers carry `track`),
saving and removing tracks is `PUT|DELETE /me/library?uris=` (≤ 40 URIs), search and artist
albums accept at most 10 results per request, `popularity` and other fields may be missing, and
the batch lookups `GET /tracks` and `GET /artists` are gone for Development Mode apps (Harmony
falls back to one request per id). The pooled session, token types and answer checks are in
`integrations.clients.spotify_shapes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from core.errors import NotFound, UpstreamError, UpstreamNotFound
from integrations.clients.spotify_shapes import (
    SERVICE,
    URI_RE,
    Bearer,
    TokenSource,
    both_shapes,
    decode,
    entry_track,
    is_id,
    malformed,
    no_longer_offered,
    page_total,
    paging,
    pooled,
    release_type,
    release_year,
)
from integrations.http import Response

# What other modules import from here; the helpers themselves live in `spotify_shapes`.
__all__ = [
    "SEARCH_PAGE",
    "SERVICE",
    "URI_RE",
    "Bearer",
    "SpotifyClient",
    "entry_track",
    "is_id",
    "pooled",
]

SEARCH_PAGE = 10  # February 2026: `GET /search` takes limit ≤ 10
RELEASES_PAGE = 10  # February 2026: `GET /artists/{id}/albums` takes limit ≤ 10
PAGE = 50  # every other offset-paged endpoint: limit ≤ 50
LIBRARY_CHUNK = 40  # `PUT|DELETE /me/library`: ≤ 40 URIs
IDS_CHUNK = 50  # `GET /tracks?ids=`, `GET /artists?ids=`
# The paging limits below are read at call time, so tests can patch them on this module.
FOLLOWED_CAP = 2000
MAX_PAGES = 500  # a paging loop that never ends is a broken upstream, not a big library


class SpotifyClient:
    """Spotify Web API (SPEC §9.2). "app" calls use the user token when one exists, otherwise
    client credentials; "user" calls need the user token (503 otherwise)."""

    service = SERVICE

    def __init__(self, api_url: str, tokens: TokenSource, timeout: float) -> None:
        self.http = pooled(api_url)
        self.base_url = self.http.base_url
        self.tokens = tokens
        self.timeout = timeout

    @classmethod
    def from_config(cls) -> SpotifyClient:
        """Read effective settings now; raises MissingCredentials (→ 503)."""
        from integrations.spotify_auth import SpotifyTokens

        tokens = SpotifyTokens.from_config()
        return cls(tokens.settings.api_url, tokens, tokens.settings.timeout)

    # Transport

    def call(
        self,
        method: str,
        path: str,
        *,
        kind: str = "app",
        params: Any = None,
        json_body: Any = None,
        ok: tuple[int, ...] = (),
        refused: str | None = None,
    ) -> Response:
        """One call with the right token; a 401 triggers one refresh and one retry (SPEC §9.2)."""
        bearer = self.tokens.bearer(kind)
        response = self._send(method, path, bearer, params, json_body, ok)
        if response.status == 401:
            bearer = self.tokens.bearer(kind, stale=bearer.token)
            response = self._send(method, path, bearer, params, json_body, ok)
        if response.status == 403 and refused:
            raise UpstreamError(SERVICE, refused, upstream_status=403)
        if response.status in (401, 403):
            raise UpstreamError(
                SERVICE,
                f"Spotify rejected the {bearer.label} (HTTP {response.status})",
                upstream_status=response.status,
            )
        return response

    def _send(
        self, method: str, path: str, bearer: Bearer, params: Any, json_body: Any, ok: tuple
    ) -> Response:
        return self.http.request(
            method,
            path,
            params=params,
            json_body=json_body,
            headers={"Authorization": f"Bearer {bearer.token}"},
            timeout=self.timeout,
            ok=(*ok, 401, 403),
        )

    def get(self, path: str, *, kind: str = "app", params: Any = None, **kw: Any) -> Any:
        """GET and decode; the body is a JSON object with `available_markets` removed."""
        body = decode(self.call("GET", path, kind=kind, params=params, **kw), path)
        if not isinstance(body, dict):
            raise malformed(path)
        return body

    def lookup(self, path: str, what: str, *, refused: str | None = None) -> dict[str, Any]:
        """GET one object by id: upstream 404 and 400 "invalid id" are a 404 (SPEC §2.0)."""
        try:
            response = self.call("GET", path, ok=(400,), refused=refused)
        except UpstreamNotFound:
            raise NotFound(f"{what} not found") from None
        body = decode(response, path)
        if response.status == 400 or body is None:
            raise NotFound(f"{what} not found")
        if not isinstance(body, dict):
            raise malformed(path)
        return body

    def pages(
        self, path: str, params: dict[str, Any], *, kind: str = "app", key: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Offset paging: follow `next` until it is null (links must stay on the API origin)."""
        url: str | None = path
        query: dict[str, Any] | None = params
        for _ in range(MAX_PAGES):
            body = self.get(url, kind=kind, params=query)
            page = paging(body.get(key) if key else body, path)
            yield page
            url, query = self._next(page.get("next"), path), None
            if url is None:
                return
        raise malformed(path)

    def _next(self, link: Any, path: str) -> str | None:
        if link is None:
            return None
        # The bearer token must never travel to another origin (T09).
        if not isinstance(link, str) or not link.startswith(self.base_url + "/"):
            raise malformed(path)
        return link[len(self.base_url) :]

    # Catalogue ("app")

    def search(
        self, query: str, types: Iterable[str] = ("track",), limit: int = 20
    ) -> dict[str, list[dict[str, Any]]]:
        """`{type: [objects]}`, fetched in requests of ≤ 10 results (February 2026 limit)."""
        found: dict[str, list[dict[str, Any]]] = {kind: [] for kind in types}
        pending, offset = list(found), 0
        while pending and offset < limit:
            size = min(SEARCH_PAGE, limit - offset)
            params = {"q": query, "type": ",".join(pending), "limit": size, "offset": offset}
            body = self.get("/search", params=params)
            still = []
            for kind in pending:
                page = paging(body.get(f"{kind}s"), "/search")
                found[kind].extend(i for i in page["items"] if isinstance(i, dict))
                if page.get("next") and len(page["items"]) >= size:
                    still.append(kind)
            pending, offset = still, offset + size
        return found

    def track(self, track_id: str) -> dict[str, Any]:
        return self.lookup(f"/tracks/{quote(track_id, safe='')}", "Track")

    def tracks(self, ids: list[str]) -> list[dict[str, Any] | None]:
        """Several tracks in order (None for unknown ids), in chunks of 50."""
        return self._several("/tracks", "tracks", ids, self.track)

    def artist(self, artist_id: str) -> dict[str, Any]:
        return self.lookup(f"/artists/{quote(artist_id, safe='')}", "Artist")

    def artists(self, ids: list[str]) -> list[dict[str, Any] | None]:
        return self._several("/artists", "artists", ids, self.artist)

    def _several(self, path: str, key: str, ids: list[str], one: Any) -> list[Any]:
        result: list[Any] = []
        for start in range(0, len(ids), IDS_CHUNK):
            chunk = ids[start : start + IDS_CHUNK]
            try:
                items = self.get(path, params={"ids": ",".join(chunk)}).get(key)
            except UpstreamError as exc:
                if exc.upstream_status != 403:
                    raise
                # February 2026: batch lookups are gone for Development Mode apps.
                items = [self._or_none(one, item_id) for item_id in chunk]
            if not isinstance(items, list) or len(items) != len(chunk):
                raise malformed(path)
            result.extend(item if isinstance(item, dict) else None for item in items)
        return result

    @staticmethod
    def _or_none(one: Any, item_id: str) -> dict[str, Any] | None:
        try:
            return one(item_id)
        except NotFound:
            return None

    def album(self, album_id: str) -> dict[str, Any]:
        return self.lookup(f"/albums/{quote(album_id, safe='')}", "Album")

    def album_tracks(self, album_id: str) -> list[dict[str, Any]]:
        """Every track of an album (all pages)."""
        path = f"/albums/{quote(album_id, safe='')}/tracks"
        try:
            pages = list(self.pages(path, {"limit": PAGE, "offset": 0}))
        except UpstreamNotFound:
            raise NotFound("Album not found") from None
        return [t for page in pages for t in page["items"] if isinstance(t, dict)]

    def artist_releases(
        self, artist_id: str, include_groups: str = "album,single,compilation"
    ) -> list[dict[str, Any]]:
        """Every release of an artist with `release_type` and `year`, newest first (SPEC §2.6)."""
        path = f"/artists/{quote(artist_id, safe='')}/albums"
        params = {"include_groups": include_groups, "limit": RELEASES_PAGE, "offset": 0}
        releases: dict[str, dict[str, Any]] = {}
        try:
            for page in self.pages(path, params):
                for album in page["items"]:
                    if isinstance(album, dict) and isinstance(album.get("id"), str):
                        album = {**album, "release_type": release_type(album)}
                        album["year"] = release_year(album.get("release_date"))
                        releases.setdefault(album["id"], album)
        except UpstreamNotFound:
            raise NotFound("Artist not found") from None
        return sorted(
            releases.values(), key=lambda a: str(a.get("release_date") or ""), reverse=True
        )

    def audio_features(self, track_id: str) -> dict[str, Any]:
        path = f"/audio-features/{quote(track_id, safe='')}"
        return self.lookup(path, "Audio features", refused=no_longer_offered("audio features"))

    def audio_features_many(self, ids: list[str]) -> list[dict[str, Any] | None]:
        body = self.get(
            "/audio-features",
            params={"ids": ",".join(ids)},
            refused=no_longer_offered("audio features"),
        )
        items = body.get("audio_features")
        if not isinstance(items, list):
            raise malformed("/audio-features")
        return [item if isinstance(item, dict) else None for item in items]

    def recommendations(self, seeds: dict[str, list[str]], limit: int) -> dict[str, Any]:
        """`{"tracks", "seeds"}`; `seeds` maps `seed_tracks`/`seed_artists`/`seed_genres` to ids."""
        params: dict[str, Any] = {k: ",".join(v) for k, v in seeds.items() if v}
        params["limit"] = limit
        try:
            body = self.get(
                "/recommendations", params=params, refused=no_longer_offered("recommendations")
            )
        except UpstreamNotFound:
            raise NotFound(no_longer_offered("recommendations", 404)) from None
        if not isinstance(body.get("tracks"), list):
            raise malformed("/recommendations")
        return {"tracks": body["tracks"], "seeds": body.get("seeds") or []}

    # The current user ("user")

    def me(self) -> dict[str, Any]:
        return self.get("/me", kind="user")

    def saved_tracks_page(self, limit: int, offset: int) -> tuple[list[Any], int]:
        body = self.get("/me/tracks", kind="user", params={"limit": limit, "offset": offset})
        page = paging(body, "/me/tracks")
        return page["items"], page_total(page)

    def saved_tracks(self) -> Iterator[dict[str, Any]]:
        """Every saved track (all pages), skipping unavailable entries."""
        for page in self.pages("/me/tracks", {"limit": PAGE, "offset": 0}, kind="user"):
            yield from filter(None, map(entry_track, page["items"]))

    def save_tracks(self, ids: list[str]) -> None:
        self._library("PUT", ids)

    def remove_saved_tracks(self, ids: list[str]) -> None:
        self._library("DELETE", ids)

    def _library(self, method: str, ids: list[str]) -> None:
        """`PUT|DELETE /me/library?uris=spotify:track:…` in chunks of 40 (February 2026)."""
        for start in range(0, len(ids), LIBRARY_CHUNK):
            uris = ",".join(f"spotify:track:{i}" for i in ids[start : start + LIBRARY_CHUNK])
            self.call(method, "/me/library", kind="user", params={"uris": uris})

    def followed_artists(self, cap: int | None = None) -> list[dict[str, Any]]:
        """Followed artists, following `cursors.after` until `next` is null (at most 2,000)."""
        cap = cap or FOLLOWED_CAP
        artists: list[dict[str, Any]] = []
        params: dict[str, Any] = {"type": "artist", "limit": PAGE}
        for _ in range(MAX_PAGES):
            body = self.get("/me/following", kind="user", params=params)
            page = paging(body.get("artists"), "/me/following")
            artists.extend(a for a in page["items"] if isinstance(a, dict))
            after = (page.get("cursors") or {}).get("after")
            if not page.get("next") or not after or len(artists) >= cap:
                return artists[:cap]
            params = {**params, "after": after}
        raise malformed("/me/following")

    def top(self, kind: str, limit: int, time_range: str) -> list[dict[str, Any]]:
        params = {"limit": limit, "time_range": time_range}
        body = self.get(f"/me/top/{kind}", kind="user", params=params)
        return [i for i in paging(body, "/me/top")["items"] if isinstance(i, dict)]

    def all_playlists(self) -> list[dict[str, Any]]:
        """The user's playlists (owned and followed), all pages."""
        pages = self.pages("/me/playlists", {"limit": PAGE, "offset": 0}, kind="user")
        return [p for page in pages for p in page["items"] if p is not None]

    def playlist_items_page(
        self, playlist_id: str, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Entries `offset…offset+limit` (requests of ≤ 50); each carries `item` and `track`."""
        path = f"/playlists/{quote(playlist_id, safe='')}/items"
        entries: list[dict[str, Any]] = []
        total = 0
        try:
            while len(entries) < limit:
                size = min(PAGE, limit - len(entries))
                params = {"limit": size, "offset": offset + len(entries)}
                page = paging(self.get(path, kind="user", params=params), path)
                total = page_total(page)
                entries.extend(both_shapes(e) for e in page["items"] if isinstance(e, dict))
                if not page.get("next") or len(page["items"]) < size:
                    break
        except UpstreamNotFound:
            raise NotFound("Playlist not found") from None
        return entries, total

    def playlist_items(self, playlist_id: str) -> Iterator[dict[str, Any]]:
        """Every track of a playlist (all pages), skipping unavailable tracks and episodes."""
        path = f"/playlists/{quote(playlist_id, safe='')}/items"
        for page in self.pages(path, {"limit": PAGE, "offset": 0}, kind="user"):
            yield from filter(None, map(entry_track, page["items"]))

    def add_playlist_items(self, playlist_id: str, uris: list[str], position: int | None) -> str:
        body: dict[str, Any] = {"uris": uris}
        if position is not None:
            body["position"] = position
        return self._snapshot("POST", playlist_id, body)

    def remove_playlist_items(self, playlist_id: str, uris: list[str]) -> str:
        return self._snapshot("DELETE", playlist_id, {"items": [{"uri": u} for u in uris]})

    def reorder_playlist(
        self,
        playlist_id: str,
        range_start: int,
        insert_before: int,
        range_length: int = 1,
        snapshot_id: str | None = None,
    ) -> str:
        body: dict[str, Any] = {
            "range_start": range_start,
            "insert_before": insert_before,
            "range_length": range_length,
        }
        if snapshot_id:
            body["snapshot_id"] = snapshot_id
        return self._snapshot("PUT", playlist_id, body)

    def _snapshot(self, method: str, playlist_id: str, body: dict[str, Any]) -> str:
        path = f"/playlists/{quote(playlist_id, safe='')}/items"
        try:
            answer = decode(self.call(method, path, kind="user", json_body=body), path)
        except UpstreamNotFound:
            raise NotFound("Playlist not found") from None
        snapshot = answer.get("snapshot_id") if isinstance(answer, dict) else None
        if not isinstance(snapshot, str):
            raise malformed(path)
        return snapshot
