"""Web API half of ``FakeSpotify``: object renderers, paging and the ``/v1`` routes.

Kept apart from ``spotify.py`` (accounts service and seeding) to keep both modules small.
Object shapes follow Spotify's OpenAPI definition (TrackObject, SimplifiedAlbumObject,
ArtistObject, PlaylistTrackObject, PagingObject, CursorPagingObject) as of mid-2026.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from .base import Abort, RecordedRequest, Response, empty_response, json_response, route

BASE62 = string.digits + string.ascii_letters
ID_RE = re.compile(r"[0-9A-Za-z]{22}")
URI_RE = re.compile(r"spotify:(track|album|artist|playlist|user|episode|show|audiobook):(\w+)")
FILTER_RE = re.compile(r'(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)')
SEARCH_TYPES = {"album", "artist", "playlist", "track", "show", "episode", "audiobook"}
GROUPS = {"album", "single", "appears_on", "compilation"}
PID = r"(?P<id>[^/]+)"


def spotify_id(seed: str) -> str:
    """A deterministic 22-character base62 id derived from ``seed``."""
    number = int(hashlib.sha1(seed.encode()).hexdigest(), 16)
    chars = []
    for _ in range(22):
        number, rest = divmod(number, 62)
        chars.append(BASE62[rest])
    return "".join(chars)


def api_error(status: int, message: str) -> Response:
    """Spotify's Web API error body ``{"error": {"status", "message"}}``."""
    return json_response({"error": {"status": status, "message": message}}, status)


def item_key(item: dict[str, Any] | str | None) -> Any:
    """Id of a seeded record, a bare id, or the id inside a ``spotify:…`` URI."""
    if isinstance(item, dict):
        return item["id"]
    if isinstance(item, str) and URI_RE.fullmatch(item):
        return item.rsplit(":", 1)[1]
    return item


class SpotifyWebApiMixin:
    """Routes under ``/v1``; state lives on ``FakeSpotify``."""

    api_url: str
    user: dict[str, Any]
    artists: dict[str, dict[str, Any]]
    albums: dict[str, dict[str, Any]]
    tracks: dict[str, dict[str, Any]]
    playlists: dict[str, dict[str, Any]]
    saved: list[tuple[str, str]]
    saved_albums: list[str]
    followed: list[str]
    library_other: set[str]
    top: dict[str, list[str]]
    audio_features: dict[str, dict[str, Any]]
    recommendations: list[str] | None
    deprecated_endpoints: bool
    dev_mode_2026: bool
    legacy_track_field: bool
    _stamp: Callable[[], str]
    number: Callable[..., Any]
    _snapshot: Callable[[dict[str, Any]], str]

    # Renderers

    def _link(self, kind: str, item_id: str) -> dict[str, Any]:
        return {
            "external_urls": {"spotify": f"https://open.spotify.com/{kind}/{item_id}"},
            "href": f"{self.api_url}/{kind}s/{item_id}",
            "id": item_id,
            "type": kind,
            "uri": f"spotify:{kind}:{item_id}",
        }

    def _artist_simple(self, artist_id: str) -> dict[str, Any]:
        return {**self._link("artist", artist_id), "name": self.artists[artist_id]["name"]}

    def _artist_full(self, artist_id: str) -> dict[str, Any]:
        record = self.artists[artist_id]
        body = {
            **self._artist_simple(artist_id),
            "genres": record["genres"],
            "images": record["images"],
        }
        if not self.dev_mode_2026:
            body["followers"] = {"href": None, "total": record["followers"]}
            if record["popularity"] is not None:
                body["popularity"] = record["popularity"]
        return body

    def _album_simple(self, album_id: str) -> dict[str, Any]:
        record = self.albums[album_id]
        body = {
            **self._link("album", album_id),
            "album_type": record["album_type"],
            "total_tracks": len(record["track_ids"]),
            "images": record["images"],
            "name": record["name"],
            "release_date": record["release_date"],
            "release_date_precision": record["release_date_precision"],
            "artists": [self._artist_simple(a) for a in record["artist_ids"]],
        }
        if not self.dev_mode_2026:
            body["available_markets"] = ["DE", "GB", "US"]
        return body

    def _album_full(self, album_id: str) -> dict[str, Any]:
        record = self.albums[album_id]
        body = {
            **self._album_simple(album_id),
            "copyrights": record["copyrights"],
            "external_ids": {"upc": record["upc"]},
            "genres": record["genres"],
            "tracks": self._paging(
                f"/albums/{album_id}/tracks",
                [self._track_simple(t) for t in record["track_ids"][:50]],
                50,
                0,
                len(record["track_ids"]),
            ),
        }
        if not self.dev_mode_2026:
            body["label"] = record["label"]
            if record["popularity"] is not None:
                body["popularity"] = record["popularity"]
        return body

    def _track_simple(self, track_id: str) -> dict[str, Any]:
        record = self.tracks[track_id]
        body = {
            **self._link("track", track_id),
            "artists": [self._artist_simple(a) for a in record["artist_ids"]],
            "disc_number": record["disc_number"],
            "duration_ms": record["duration_ms"],
            "explicit": record["explicit"],
            "is_local": record["is_local"],
            "name": record["name"],
            "preview_url": None,
            "track_number": record["track_number"],
        }
        if not self.dev_mode_2026:
            body["available_markets"] = ["DE", "GB", "US"]
        return body

    def _track_full(self, track_id: str) -> dict[str, Any]:
        record = self.tracks[track_id]
        body = {
            **self._track_simple(track_id),
            "album": self._album_simple(record["album_id"]),
            "external_ids": {"isrc": record["isrc"]},
        }
        if record["popularity"] is not None and not self.dev_mode_2026:
            body["popularity"] = record["popularity"]
        return body

    def _user(self, user_id: str, name: str | None = None) -> dict[str, Any]:
        body = self._link("user", user_id)
        body["display_name"] = name
        return body

    def _playlist_simple(self, playlist_id: str) -> dict[str, Any]:
        record = self.playlists[playlist_id]
        ref = {"href": f"{self.api_url}/playlists/{playlist_id}/items", "total": 0}
        ref["total"] = len(record["entries"])
        body = {
            **self._link("playlist", playlist_id),
            "collaborative": record["collaborative"],
            "description": record["description"],
            "images": [],
            "name": record["name"],
            "owner": self._user(record["owner_id"], record["owner_name"]),
            "primary_color": None,
            "public": record["public"],
            "snapshot_id": record["snapshot_id"],
            "items": ref,
        }
        if not self.dev_mode_2026:
            body["tracks"] = {**ref, "href": ref["href"].replace("/items", "/tracks")}
        return body

    def _entry(self, playlist_id: str, field: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        owner = self.playlists[playlist_id]["owner_id"]

        def render(entry: dict[str, Any]) -> dict[str, Any]:
            track = self._track_full(entry["track_id"]) if entry["track_id"] else None
            body = {
                "added_at": entry["added_at"],
                "added_by": self._link("user", owner),
                "is_local": False,
                "primary_color": None,
                field: track,
            }
            if field == "item" and self.legacy_track_field:
                body["track"] = track
            return body

        return render

    # Paging and validation

    def _require(self, table: dict[str, dict[str, Any]], item_id: str) -> dict[str, Any]:
        if item_id in table:
            return table[item_id]
        if not ID_RE.fullmatch(item_id):
            raise Abort(api_error(400, "Invalid base62 id"))
        raise Abort(api_error(404, "Resource not found"))

    def _ids(self, request: RecordedRequest, maximum: int) -> list[str]:
        raw = request.arg("ids")
        if raw is None and isinstance(request.json, dict):
            raw = ",".join(request.json.get("ids", []))
        ids = [i for i in (raw or "").split(",") if i]
        if not ids:
            raise Abort(api_error(400, "Missing required parameter: ids"))
        if len(ids) > maximum:
            raise Abort(api_error(400, "Too many ids requested"))
        return ids

    def _limit_offset(
        self, request: RecordedRequest, default: int, maximum: int
    ) -> tuple[int, int]:
        limit = self.number(request.arg("limit"), default)
        offset = self.number(request.arg("offset"))
        if not 1 <= limit <= maximum:
            raise Abort(api_error(400, "Invalid limit"))
        if offset < 0:
            raise Abort(api_error(400, "Invalid offset"))
        return limit, offset

    def _page(
        self,
        request: RecordedRequest,
        path: str,
        keys: Sequence[Any],
        render: Callable[[Any], Any],
        *,
        default: int = 20,
        maximum: int = 50,
        extra: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        limit, offset = self._limit_offset(request, default, maximum)
        items = [render(k) for k in keys[offset : offset + limit]]
        return self._paging(path, items, limit, offset, len(keys), extra)

    def _paging(
        self,
        path: str,
        items: list[Any],
        limit: int,
        offset: int,
        total: int,
        extra: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        def link(at: int) -> str:
            query = urlencode({**(extra or {}), "offset": at, "limit": limit})
            return f"{self.api_url}{path}?{query}"

        return {
            "href": link(offset),
            "items": items,
            "limit": limit,
            "next": link(offset + limit) if offset + limit < total else None,
            "offset": offset,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "total": total,
        }

    def _removed_in_dev_mode(self) -> None:
        if self.dev_mode_2026:
            raise Abort(api_error(403, "Forbidden"))

    @property
    def _small_limits(self) -> tuple[int, int]:
        # February 2026: search and artist albums default to 5, at most 10, for Dev Mode apps.
        return (5, 10) if self.dev_mode_2026 else (20, 50)

    # Catalogue

    @route("GET", r"/v1/search")
    def _search(self, request: RecordedRequest) -> Response:
        query = request.arg("q") or request.arg("query")
        if not query:
            return api_error(400, "No search query")
        types = [t for t in (request.arg("type") or "").split(",") if t]
        if not types:
            return api_error(400, "Missing parameter type")
        if not set(types) <= SEARCH_TYPES:
            return api_error(400, "Bad search type field")
        default, maximum = self._small_limits
        text, filters = _parse_query(query)
        sources: dict[str, tuple[dict[str, dict[str, Any]], Callable[[str], Any]]] = {
            "track": (self.tracks, self._track_full),
            "album": (self.albums, self._album_simple),
            "artist": (self.artists, self._artist_full),
            "playlist": (self.playlists, self._playlist_simple),
        }
        body = {}
        for kind in types:
            table, render = sources.get(kind, ({}, str))
            hits = [i for i in table if self._matches(kind, i, text, filters)]
            extra = {"query": query, "type": kind}
            page = self._page(
                request, "/search", hits, render, default=default, maximum=maximum, extra=extra
            )
            if page["offset"] > 1000:
                return api_error(400, "Invalid offset")
            body[f"{kind}s"] = page
        return json_response(body)

    def _matches(self, kind: str, item_id: str, text: list[str], filters: dict[str, str]) -> bool:
        if kind == "track":
            record = self.tracks[item_id]
            album = self.albums[record["album_id"]]
            artists = [self.artists[a]["name"] for a in record["artist_ids"]]
            fields = {
                "track": [record["name"]],
                "artist": artists,
                "album": [album["name"]],
                "year": [album["release_date"][:4]],
                "isrc": [record["isrc"]],
            }
            haystack = [record["name"], *artists, album["name"]]
        elif kind == "album":
            record = self.albums[item_id]
            artists = [self.artists[a]["name"] for a in record["artist_ids"]]
            fields = {"album": [record["name"]], "artist": artists}
            fields["year"] = [record["release_date"][:4]]
            haystack = [record["name"], *artists]
        elif kind == "artist":
            record = self.artists[item_id]
            fields = {"artist": [record["name"]], "genre": record["genres"]}
            haystack = [record["name"]]
        else:
            fields, haystack = {}, [self.playlists[item_id]["name"]]
        blob = " ".join(haystack).lower()
        if not all(term in blob for term in text):
            return False
        return all(
            any(value in candidate.lower() for candidate in fields.get(name, []))
            for name, value in filters.items()
        )

    @route("GET", rf"/v1/tracks/{PID}")
    def _track(self, request: RecordedRequest) -> Response:
        self._require(self.tracks, request.params["id"])
        return json_response(self._track_full(request.params["id"]))

    @route("GET", r"/v1/tracks")
    def _several_tracks(self, request: RecordedRequest) -> Response:
        self._removed_in_dev_mode()
        ids = self._ids(request, 50)
        items = [self._track_full(i) if i in self.tracks else None for i in ids]
        return json_response({"tracks": items})

    def _features(self, track_id: str) -> dict[str, Any]:
        seed = int(hashlib.md5(track_id.encode()).hexdigest()[:8], 16)
        body = {
            "acousticness": (seed % 100) / 100,
            "danceability": (seed // 7 % 100) / 100,
            "energy": (seed // 11 % 100) / 100,
            "instrumentalness": (seed // 13 % 100) / 100,
            "key": seed % 12,
            "liveness": (seed // 17 % 100) / 100,
            "loudness": -float(seed % 20),
            "mode": seed % 2,
            "speechiness": (seed // 19 % 100) / 100,
            "tempo": 80.0 + seed % 100,
            "time_signature": 4,
            "valence": (seed // 23 % 100) / 100,
            "duration_ms": self.tracks[track_id]["duration_ms"],
            "id": track_id,
            "type": "audio_features",
            "uri": f"spotify:track:{track_id}",
            "track_href": f"{self.api_url}/tracks/{track_id}",
            "analysis_url": f"{self.api_url}/audio-analysis/{track_id}",
        }
        return {**body, **self.audio_features.get(track_id, {})}

    @route("GET", rf"/v1/audio-features/{PID}")
    def _audio_features(self, request: RecordedRequest) -> Response:
        if self.deprecated_endpoints:
            return api_error(403, "Forbidden")
        self._require(self.tracks, request.params["id"])
        return json_response(self._features(request.params["id"]))

    @route("GET", r"/v1/audio-features")
    def _several_audio_features(self, request: RecordedRequest) -> Response:
        if self.deprecated_endpoints:
            return api_error(403, "Forbidden")
        ids = self._ids(request, 100)
        items = [self._features(i) if i in self.tracks else None for i in ids]
        return json_response({"audio_features": items})

    @route("GET", r"/v1/recommendations")
    def _recommendations(self, request: RecordedRequest) -> Response:
        if self.deprecated_endpoints:
            return api_error(404, "Not found.")
        seeds = {
            kind: [s for s in (request.arg(f"seed_{kind}s") or "").split(",") if s]
            for kind in ("artist", "genre", "track")
        }
        count = sum(len(v) for v in seeds.values())
        if not 1 <= count <= 5:
            return api_error(400, "Invalid seeds: between 1 and 5 seeds are required")
        limit, _ = self._limit_offset(request, 20, 100)
        pool = self.recommendations
        if pool is None:
            pool = [t for t in self.tracks if t not in seeds["track"]]
        seed_objects = [
            {
                "afterFilteringSize": 250,
                "afterRelinkingSize": 250,
                "href": None,
                "id": s,
                "initialPoolSize": 250,
                "type": kind.upper(),
            }
            for kind, values in seeds.items()
            for s in values
        ]
        tracks = [self._track_full(t) for t in pool[:limit]]
        return json_response({"seeds": seed_objects, "tracks": tracks})

    @route("GET", rf"/v1/artists/{PID}/albums")
    def _artist_albums(self, request: RecordedRequest) -> Response:
        artist_id = request.params["id"]
        self._require(self.artists, artist_id)
        wanted = [g for g in (request.arg("include_groups") or "").split(",") if g] or GROUPS
        if not set(wanted) <= GROUPS:
            return api_error(400, "Invalid include_groups value")
        rows = []
        for album_id, album in self.albums.items():
            if artist_id in album["artist_ids"]:
                group = album["album_group"] or album["album_type"]
            elif artist_id in album["appears_on_ids"]:
                group = "appears_on"
            else:
                continue
            if group in wanted:
                rows.append((album_id, group))
        default, maximum = self._small_limits
        extra = {"include_groups": ",".join(sorted(wanted))}
        page = self._page(
            request,
            f"/artists/{artist_id}/albums",
            rows,
            lambda row: {**self._album_simple(row[0]), "album_group": row[1]},
            default=default,
            maximum=maximum,
            extra=extra,
        )
        return json_response(page)

    @route("GET", rf"/v1/artists/{PID}")
    def _artist(self, request: RecordedRequest) -> Response:
        self._require(self.artists, request.params["id"])
        return json_response(self._artist_full(request.params["id"]))

    @route("GET", r"/v1/artists")
    def _several_artists(self, request: RecordedRequest) -> Response:
        self._removed_in_dev_mode()
        ids = self._ids(request, 50)
        items = [self._artist_full(i) if i in self.artists else None for i in ids]
        return json_response({"artists": items})

    @route("GET", rf"/v1/albums/{PID}/tracks")
    def _album_tracks(self, request: RecordedRequest) -> Response:
        album = self._require(self.albums, request.params["id"])
        path = f"/albums/{album['id']}/tracks"
        return json_response(self._page(request, path, album["track_ids"], self._track_simple))

    @route("GET", rf"/v1/albums/{PID}")
    def _album(self, request: RecordedRequest) -> Response:
        self._require(self.albums, request.params["id"])
        return json_response(self._album_full(request.params["id"]))

    # Current user

    @route("GET", r"/v1/me")
    def _me(self, request: RecordedRequest) -> Response:
        body = {**self._user(self.user["id"], self.user["display_name"]), **self.user}
        body.update({"images": [], "followers": {"href": None, "total": 0}})
        return json_response(body)

    @route("GET", r"/v1/me/tracks")
    def _saved_tracks(self, request: RecordedRequest) -> Response:
        page = self._page(
            request,
            "/me/tracks",
            self.saved,
            lambda row: {"added_at": row[0], "track": self._track_full(row[1])},
        )
        return json_response(page)

    @route("PUT", r"/v1/me/tracks")
    @route("DELETE", r"/v1/me/tracks")
    def _change_saved_tracks(self, request: RecordedRequest) -> Response:
        self._removed_in_dev_mode()
        ids = self._ids(request, 50)
        for track_id in ids:
            if track_id not in self.tracks and not ID_RE.fullmatch(track_id):
                return api_error(400, f"Invalid base62 id: {track_id}")
        self._apply_library(request.method, [("track", i) for i in ids])
        return empty_response(200)

    @route("PUT", r"/v1/me/library")
    @route("DELETE", r"/v1/me/library")
    def _change_library(self, request: RecordedRequest) -> Response:
        uris = [u for u in (request.arg("uris") or "").split(",") if u]
        if not uris:
            return api_error(400, "Missing required parameter: uris")
        if len(uris) > 40:
            return api_error(400, "Too many URIs: maximum is 40")
        parsed = []
        for uri in uris:
            match = URI_RE.fullmatch(uri.strip())
            if match is None:
                return api_error(400, f"Invalid URI: {uri}")
            parsed.append((match[1], match[2]))
        self._apply_library(request.method, parsed)
        return empty_response(200)

    @route("GET", r"/v1/me/library/contains")
    def _library_contains(self, request: RecordedRequest) -> Response:
        uris = [u for u in (request.arg("uris") or "").split(",") if u]
        if not 1 <= len(uris) <= 40:
            return api_error(400, "Between 1 and 40 URIs are required")
        collections = {
            "track": {t for _, t in self.saved},
            "artist": set(self.followed),
            "album": set(self.saved_albums),
        }
        found = []
        for uri in uris:
            kind, _, item_id = uri.removeprefix("spotify:").partition(":")
            found.append(
                item_id in collections[kind] if kind in collections else uri in self.library_other
            )
        return json_response(found)

    def _apply_library(self, method: str, items: list[tuple[str, str]]) -> None:
        for kind, item_id in items:
            if kind == "track":
                self.saved = [row for row in self.saved if row[1] != item_id]
                if method == "PUT":
                    self.saved.insert(0, (self._stamp(), item_id))
            elif kind in ("artist", "album"):
                target = self.followed if kind == "artist" else self.saved_albums
                if method == "PUT" and item_id not in target:
                    target.append(item_id)
                elif method == "DELETE" and item_id in target:
                    target.remove(item_id)
            elif method == "PUT":
                self.library_other.add(f"spotify:{kind}:{item_id}")
            else:
                self.library_other.discard(f"spotify:{kind}:{item_id}")

    @route("GET", r"/v1/me/following")
    def _following(self, request: RecordedRequest) -> Response:
        if request.arg("type") != "artist":
            return api_error(400, "Only valid type is artist")
        limit, _ = self._limit_offset(request, 20, 50)
        after = request.arg("after")
        ids = list(self.followed)
        start = ids.index(after) + 1 if after in ids else 0
        window = ids[start : start + limit]
        more = start + limit < len(ids)
        cursor = window[-1] if window and more else None
        base = f"{self.api_url}/me/following?type=artist&limit={limit}"
        body = {
            "items": [self._artist_full(a) for a in window],
            "next": f"{base}&after={cursor}" if cursor else None,
            "total": len(ids),
            "cursors": {"after": cursor, "before": None},
            "limit": limit,
            "href": base + (f"&after={after}" if after else ""),
        }
        return json_response({"artists": body})

    @route("GET", r"/v1/me/top/(?P<kind>[^/]+)")
    def _top(self, request: RecordedRequest) -> Response:
        kind = request.params["kind"]
        if kind not in ("tracks", "artists"):
            return api_error(400, "Unsupported type")
        if request.arg("time_range", "medium_term") not in (
            "short_term",
            "medium_term",
            "long_term",
        ):
            return api_error(400, "Invalid time range")
        render = self._track_full if kind == "tracks" else self._artist_full
        return json_response(self._page(request, f"/me/top/{kind}", self.top[kind], render))

    # Playlists

    @route("GET", r"/v1/me/playlists")
    def _my_playlists(self, request: RecordedRequest) -> Response:
        keys = list(self.playlists)
        return json_response(self._page(request, "/me/playlists", keys, self._playlist_simple))

    @route("GET", rf"/v1/playlists/{PID}")
    def _playlist(self, request: RecordedRequest) -> Response:
        record = self._require(self.playlists, request.params["id"])
        body = self._playlist_simple(record["id"])
        body["followers"] = {"href": None, "total": 0}
        entries = record["entries"]
        for field, path in (("item", "items"), ("track", "tracks")):
            if field == "track" and self.dev_mode_2026:
                continue
            render = self._entry(record["id"], field)
            body[path] = self._paging(
                f"/playlists/{record['id']}/{path}",
                [render(e) for e in entries[:100]],
                100,
                0,
                len(entries),
            )
        return json_response(body)

    def _playlist_for(self, request: RecordedRequest) -> dict[str, Any]:
        if request.params["kind"] == "tracks":
            self._removed_in_dev_mode()
        record = self._require(self.playlists, request.params["id"])
        if self.dev_mode_2026 and record["owner_id"] != self.user["id"]:
            raise Abort(api_error(403, "Forbidden"))
        return record

    @route("GET", rf"/v1/playlists/{PID}/(?P<kind>items|tracks)")
    def _playlist_items(self, request: RecordedRequest) -> Response:
        record = self._playlist_for(request)
        kind = request.params["kind"]
        render = self._entry(record["id"], "item" if kind == "items" else "track")
        path = f"/playlists/{record['id']}/{kind}"
        return json_response(self._page(request, path, record["entries"], render, maximum=100))

    def _uris(self, request: RecordedRequest) -> list[str] | None:
        body = request.json if isinstance(request.json, dict) else {}
        raw = request.arg("uris")
        uris = raw.split(",") if raw else body.get("uris")
        if uris is None:
            return None
        if len(uris) > 100:
            raise Abort(api_error(400, "You can add a maximum of 100 tracks per request."))
        for uri in uris:
            if item_key(uri) not in self.tracks:
                raise Abort(api_error(400, f"Invalid track uri: {uri}"))
        return [item_key(u) for u in uris]

    @route("POST", rf"/v1/playlists/{PID}/(?P<kind>items|tracks)")
    def _add_items(self, request: RecordedRequest) -> Response:
        record = self._playlist_for(request)
        ids = self._uris(request)
        if not ids:
            return api_error(400, "No uris provided")
        body = request.json if isinstance(request.json, dict) else {}
        position = request.arg("position") or body.get("position")
        at = self.number(position, len(record["entries"]))
        if not 0 <= at <= len(record["entries"]):
            return api_error(400, "Index out of bounds")
        record["entries"][at:at] = [{"added_at": self._stamp(), "track_id": t} for t in ids]
        record["snapshot_id"] = self._snapshot(record)
        return json_response({"snapshot_id": record["snapshot_id"]}, 201)

    @route("DELETE", rf"/v1/playlists/{PID}/(?P<kind>items|tracks)")
    def _remove_items(self, request: RecordedRequest) -> Response:
        record = self._playlist_for(request)
        body = request.json if isinstance(request.json, dict) else {}
        rows = body.get("items", body.get("tracks"))
        if not isinstance(rows, list) or not rows or len(rows) > 100:
            return api_error(400, "Missing or invalid items")
        drop = {item_key(r.get("uri")) for r in rows if isinstance(r, dict)}
        record["entries"] = [e for e in record["entries"] if e["track_id"] not in drop]
        record["snapshot_id"] = self._snapshot(record)
        return json_response({"snapshot_id": record["snapshot_id"]})

    @route("PUT", rf"/v1/playlists/{PID}/(?P<kind>items|tracks)")
    def _update_items(self, request: RecordedRequest) -> Response:
        record = self._playlist_for(request)
        ids = self._uris(request)
        entries = record["entries"]
        if ids is not None:
            record["entries"] = [{"added_at": self._stamp(), "track_id": t} for t in ids]
        else:
            body = request.json if isinstance(request.json, dict) else {}
            try:
                start, before = int(body["range_start"]), int(body["insert_before"])
                length = int(body.get("range_length", 1))
            except (KeyError, TypeError, ValueError):
                return api_error(400, "range_start and insert_before are required")
            if not (0 <= start < len(entries) and 0 <= before <= len(entries) and length >= 1):
                return api_error(400, "Index out of bounds")
            moved = entries[start : start + length]
            rest = entries[:start] + entries[start + length :]
            at = before if before <= start else before - len(moved)
            record["entries"] = rest[:at] + moved + rest[at:]
        record["snapshot_id"] = self._snapshot(record)
        return json_response({"snapshot_id": record["snapshot_id"]})


def _parse_query(query: str) -> tuple[list[str], dict[str, str]]:
    text: list[str] = []
    filters: dict[str, str] = {}
    known = {"track", "artist", "album", "year", "isrc", "genre"}
    for quoted_key, quoted, key, value, phrase, word in FILTER_RE.findall(query):
        name = quoted_key or key
        if name.lower() in known:
            filters[name.lower()] = (quoted or value).lower()
        elif phrase or word:
            text.extend((phrase or word).lower().split())
        else:
            text.extend(f"{name}:{quoted or value}".lower().split())
    return text, filters
