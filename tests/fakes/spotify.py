"""Fake Spotify Accounts service and Web API (SPEC §9.2), one server for both.

Tests set ``SPOTIFY_ACCOUNTS_URL = fake.url`` and ``SPOTIFY_API_URL = fake.api_url`` (``url + "/v1"``).
Shapes follow Spotify's OpenAPI definition as of mid-2026 (sonallux/spotify-web-api,
``fixed-spotify-open-api.yml``), including the February 2026 Development Mode changes:
``/playlists/{id}/items`` (entries carry ``item``; the old ``/tracks`` route carries ``track``),
``PUT|DELETE /me/library?uris=`` (max 40 URIs) replacing ``/me/tracks`` and ``/me/following``
writes, playlist objects with ``items`` instead of ``tracks``. ``dev_mode_2026=True`` turns the
removed endpoints into 403, caps search/artist-album limits at 10 (default 5) and drops the
deprecated fields (popularity, followers, label, available_markets).
"""

from __future__ import annotations

import base64
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from ._spotify_webapi import SpotifyWebApiMixin, api_error, item_key, spotify_id
from .base import FakeServer, RecordedRequest, Response, json_response, route


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    return json_response({"error": error, "error_description": description}, status)


@dataclass
class IssuedToken:
    """An access token the fake handed out."""

    kind: str
    expires_at: float


class FakeSpotify(SpotifyWebApiMixin, FakeServer):
    """Spotify Accounts (``POST /api/token``) plus Web API under ``/v1``.

    Seed with ``add_artist``/``add_album``/``add_track``/``make_tracks``/``add_playlist``,
    ``save_tracks``, ``follow_artists``, ``set_top``, ``set_audio_features``,
    ``set_recommendations``. Tokens: ``issue_token``, ``issue_refresh_token``,
    ``issue_auth_code``, ``expire_token``, ``expire_all_tokens``; ``token_calls`` counts token
    requests per ``grant_type``.
    """

    name = "spotify"

    def __init__(
        self,
        client_id: str = "harmony-client-id",
        client_secret: str = "harmony-client-secret",
        *,
        access_token_ttl: int = 3600,
        rotate_refresh_tokens: bool = False,
        deprecated_endpoints: bool = False,
        dev_mode_2026: bool = False,
        legacy_track_field: bool = False,
    ) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.access_token_ttl = access_token_ttl
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.deprecated_endpoints = deprecated_endpoints
        self.dev_mode_2026 = dev_mode_2026
        self.legacy_track_field = legacy_track_field
        self.token_calls: Counter[str] = Counter()
        self.tokens: dict[str, IssuedToken] = {}
        self.refresh_tokens: set[str] = set()
        self.auth_codes: dict[str, str | None] = {}
        self.user = {
            "id": "harmony-user",
            "display_name": "Harmony User",
            "email": "user@example.com",
            "country": "DE",
            "product": "premium",
        }
        self.artists: dict[str, dict[str, Any]] = {}
        self.albums: dict[str, dict[str, Any]] = {}
        self.tracks: dict[str, dict[str, Any]] = {}
        self.playlists: dict[str, dict[str, Any]] = {}
        self.saved: list[tuple[str, str]] = []
        self.saved_albums: list[str] = []
        self.followed: list[str] = []
        self.library_other: set[str] = set()
        self.top: dict[str, list[str]] = {"tracks": [], "artists": []}
        self.audio_features: dict[str, dict[str, Any]] = {}
        self.recommendations: list[str] | None = None
        self._counter = 0
        self._clock = datetime(2026, 1, 1, tzinfo=UTC)

    @property
    def api_url(self) -> str:
        """Web API base: ``url + "/v1"``."""
        return self.url + "/v1"

    # Tokens

    def issue_token(self, kind: str = "user", expires_in: int | None = None) -> str:
        """Create a valid access token (``kind`` "user" or "app")."""
        token = "BQD" + spotify_id(f"token-{self._next()}")
        ttl = self.access_token_ttl if expires_in is None else expires_in
        with self.lock:
            self.tokens[token] = IssuedToken(kind, time.time() + ttl)
        return token

    def issue_refresh_token(self) -> str:
        """Create a refresh token the token endpoint accepts."""
        token = "AQB" + spotify_id(f"refresh-{self._next()}")
        with self.lock:
            self.refresh_tokens.add(token)
        return token

    def issue_auth_code(self, redirect_uri: str | None = None) -> str:
        """Create a single-use authorization code (as if the user approved ``/authorize``)."""
        code = "AQC" + spotify_id(f"code-{self._next()}")
        with self.lock:
            self.auth_codes[code] = redirect_uri
        return code

    def expire_token(self, token: str) -> None:
        """Make ``token`` answer 401 "The access token expired"."""
        with self.lock:
            self.tokens[token].expires_at = 0

    def expire_all_tokens(self) -> None:
        """Expire every access token handed out so far."""
        with self.lock:
            for token in self.tokens.values():
                token.expires_at = 0

    def revoke_refresh_token(self, token: str) -> None:
        """Make ``token`` answer ``invalid_grant``."""
        with self.lock:
            self.refresh_tokens.discard(token)

    # Seeding

    def add_artist(
        self,
        name: str,
        *,
        id: str | None = None,
        genres: Sequence[str] = (),
        images: list[dict[str, Any]] | None = None,
        popularity: int | None = 50,
        followers: int = 1000,
    ) -> dict[str, Any]:
        """Add an artist; returns its record (``id``, ``uri``, ``name`` …)."""
        artist_id = id or spotify_id(f"artist-{name}-{self._next()}")
        record = {
            "id": artist_id,
            "uri": f"spotify:artist:{artist_id}",
            "name": name,
            "genres": list(genres),
            "images": images if images is not None else self._images(artist_id),
            "popularity": popularity,
            "followers": followers,
        }
        with self.lock:
            self.artists[artist_id] = record
        return record

    def add_album(
        self,
        name: str,
        artists: str | Sequence[str] = "Artist",
        *,
        id: str | None = None,
        album_type: str = "album",
        release_date: str = "2001-03-12",
        images: list[dict[str, Any]] | None = None,
        genres: Sequence[str] = (),
        label: str = "Fake Records",
        copyrights: list[dict[str, str]] | None = None,
        upc: str | None = None,
        popularity: int | None = 50,
        album_group: str | None = None,
        appears_on: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Add an album by artist name(s); ``appears_on`` artists list it as ``appears_on``."""
        album_id = id or spotify_id(f"album-{name}-{self._next()}")
        year = release_date[:4]
        record = {
            "id": album_id,
            "uri": f"spotify:album:{album_id}",
            "name": name,
            "album_type": album_type,
            "release_date": release_date,
            "release_date_precision": {4: "year", 7: "month"}.get(len(release_date), "day"),
            "images": images if images is not None else self._images(album_id),
            "genres": list(genres),
            "label": label,
            "copyrights": copyrights
            if copyrights is not None
            else [{"text": f"(P) {year} {label}", "type": "P"}],
            "upc": upc or f"{self._next():012d}",
            "popularity": popularity,
            "album_group": album_group,
            "artist_ids": [self._artist_by_name(a) for a in _names(artists)],
            "appears_on_ids": [self._artist_by_name(a) for a in appears_on],
            "track_ids": [],
        }
        with self.lock:
            self.albums[album_id] = record
        return record

    def add_track(
        self,
        name: str,
        artists: str | Sequence[str] = "Artist",
        album: str | None = "Album",
        *,
        id: str | None = None,
        duration_ms: int = 200_000,
        popularity: int | None = 50,
        track_number: int | None = None,
        disc_number: int = 1,
        explicit: bool = False,
        isrc: str | None = None,
        is_local: bool = False,
        album_type: str = "album",
        release_date: str = "2001-03-12",
        images: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Add a track; artists and album are found by name or created. ``popularity=None``
        omits the field (Spotify 2026 may omit it)."""
        artist_names = _names(artists)
        album_name = album or name
        album_record = next(
            (
                a
                for a in self.albums.values()
                if a["name"] == album_name
                and a["artist_ids"][:1] == [self._artist_by_name(artist_names[0])]
            ),
            None,
        ) or self.add_album(
            album_name,
            artist_names[:1],
            album_type=album_type if album else "single",
            release_date=release_date,
            images=images,
        )
        track_id = id or spotify_id(f"track-{name}-{self._next()}")
        record = {
            "id": track_id,
            "uri": f"spotify:track:{track_id}",
            "name": name,
            "artist_ids": [self._artist_by_name(a) for a in artist_names],
            "album_id": album_record["id"],
            "duration_ms": duration_ms,
            "popularity": popularity,
            "track_number": track_number or len(album_record["track_ids"]) + 1,
            "disc_number": disc_number,
            "explicit": explicit,
            "isrc": isrc or f"QZFAK{self._counter:07d}",
            "is_local": is_local,
        }
        with self.lock:
            self.tracks[track_id] = record
            album_record["track_ids"].append(track_id)
        return record

    def make_tracks(
        self,
        count: int,
        *,
        artist: str = "Bulk Artist",
        album: str = "Bulk Album",
        prefix: str = "Track",
    ) -> list[dict[str, Any]]:
        """Add ``count`` tracks on one album (bulk seeding for paging tests)."""
        return [
            self.add_track(f"{prefix} {i}", artist, album, track_number=i)
            for i in range(1, count + 1)
        ]

    def add_playlist(
        self,
        name: str,
        tracks: Iterable[dict[str, Any] | str | None] = (),
        *,
        id: str | None = None,
        owner_id: str | None = None,
        owner_name: str | None = None,
        description: str | None = None,
        public: bool = True,
        collaborative: bool = False,
    ) -> dict[str, Any]:
        """Add a playlist (owned by the current user unless ``owner_id``); ``None`` entries are
        unavailable tracks (``item: null``)."""
        playlist_id = id or spotify_id(f"playlist-{name}-{self._next()}")
        record: dict[str, Any] = {
            "id": playlist_id,
            "uri": f"spotify:playlist:{playlist_id}",
            "name": name,
            "owner_id": owner_id or self.user["id"],
            "owner_name": owner_name or owner_id or self.user["display_name"],
            "description": description,
            "public": public,
            "collaborative": collaborative,
            "version": 0,
            "entries": [],
        }
        record["snapshot_id"] = self._snapshot(record)
        for track in tracks:
            record["entries"].append({"added_at": self._stamp(), "track_id": item_key(track)})
        with self.lock:
            self.playlists[playlist_id] = record
        return record

    def save_tracks(self, tracks: Iterable[dict[str, Any] | str]) -> None:
        """Put tracks into "Liked Songs" (newest first, like Spotify)."""
        with self.lock:
            for track in tracks:
                self.saved.insert(0, (self._stamp(), item_key(track)))

    def follow_artists(self, artists: Iterable[dict[str, Any] | str]) -> None:
        """Follow artists (records or ids)."""
        with self.lock:
            self.followed.extend(item_key(a) for a in artists if item_key(a) not in self.followed)

    def set_top(self, kind: str, items: Iterable[dict[str, Any] | str]) -> None:
        """Set ``/me/top/{kind}`` (``tracks`` or ``artists``)."""
        with self.lock:
            self.top[kind] = [item_key(i) for i in items]

    def set_audio_features(self, track: dict[str, Any] | str, **values: Any) -> None:
        """Override audio-feature values for a track."""
        with self.lock:
            self.audio_features[item_key(track)] = values

    def set_recommendations(self, tracks: Iterable[dict[str, Any] | str]) -> None:
        """Fix what ``/recommendations`` returns (default: every track but the seeds)."""
        with self.lock:
            self.recommendations = [item_key(t) for t in tracks]

    def saved_track_ids(self) -> list[str]:
        """Ids in "Liked Songs", newest first."""
        with self.lock:
            return [track_id for _, track_id in self.saved]

    def playlist_track_ids(self, playlist_id: str) -> list[str | None]:
        """Track ids of a playlist in order."""
        with self.lock:
            return [e["track_id"] for e in self.playlists[playlist_id]["entries"]]

    # Hooks

    def authorize(self, request: RecordedRequest) -> Response | None:
        """Bearer check for ``/v1``: 401 for missing, unknown or expired tokens."""
        if not request.path.startswith("/v1/"):
            return None
        header = request.header("Authorization") or ""
        if not header.startswith("Bearer "):
            return api_error(401, "No token provided")
        token = self.tokens.get(header.removeprefix("Bearer ").strip())
        if token is None:
            return api_error(401, "Invalid access token")
        if token.expires_at <= time.time():
            return api_error(401, "The access token expired")
        return None

    def error_response(self, status: int, message: str) -> Response:
        """Spotify's ``{"error": {"status", "message"}}``."""
        return api_error(status, message)

    # Accounts service

    @route("POST", r"/api/token")
    def _token(self, request: RecordedRequest) -> Response:
        form = {k: v[0] for k, v in parse_qs(request.body.decode(errors="replace")).items()}
        grant = form.get("grant_type", "")
        self.token_calls[grant] += 1
        if not self._client_ok(request, form):
            return _oauth_error("invalid_client", "Invalid client")
        body: dict[str, Any] = {"token_type": "Bearer", "expires_in": self.access_token_ttl}
        scope = "user-library-read user-library-modify playlist-read-private"
        if grant == "client_credentials":
            return json_response({"access_token": self.issue_token("app"), **body})
        if grant == "authorization_code":
            code = form.get("code", "")
            if code not in self.auth_codes:
                return _oauth_error("invalid_grant", "Invalid authorization code")
            expected = self.auth_codes.pop(code)
            if expected is not None and form.get("redirect_uri") != expected:
                return _oauth_error("invalid_grant", "Invalid redirect URI")
            refresh = self.issue_refresh_token()
            token = self.issue_token()
            return json_response(
                {"access_token": token, **body, "refresh_token": refresh, "scope": scope}
            )
        if grant == "refresh_token":
            refresh = form.get("refresh_token", "")
            if refresh not in self.refresh_tokens:
                return _oauth_error("invalid_grant", "Invalid refresh token")
            body = {"access_token": self.issue_token(), **body, "scope": scope}
            if self.rotate_refresh_tokens:
                self.refresh_tokens.discard(refresh)
                body["refresh_token"] = self.issue_refresh_token()
            return json_response(body)
        return _oauth_error("unsupported_grant_type", f"grant_type {grant!r} is not supported")

    def _client_ok(self, request: RecordedRequest, form: dict[str, str]) -> bool:
        header = request.header("Authorization") or ""
        if header.startswith("Basic "):
            try:
                pair = base64.b64decode(header[6:]).decode()
            except ValueError:
                return False
            return pair == f"{self.client_id}:{self.client_secret}"
        return (form.get("client_id"), form.get("client_secret")) == (
            self.client_id,
            self.client_secret,
        )

    # Helpers

    def _next(self) -> int:
        with self.lock:
            self._counter += 1
            return self._counter

    def _stamp(self) -> str:
        self._clock += timedelta(minutes=1)
        return self._clock.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _snapshot(self, playlist: dict[str, Any]) -> str:
        playlist["version"] += 1
        raw = f"{playlist['version']},{spotify_id(playlist['id'] + str(playlist['version']))}"
        return base64.b64encode(raw.encode()).decode()

    def _images(self, seed: str) -> list[dict[str, Any]]:
        return [
            {"url": f"https://i.scdn.co/image/ab67616d0000b273{seed}", "width": 640, "height": 640},
            {"url": f"https://i.scdn.co/image/ab67616d00001e02{seed}", "width": 300, "height": 300},
        ]

    def _artist_by_name(self, name: str) -> str:
        for artist in self.artists.values():
            if artist["name"] == name:
                return str(artist["id"])
        return str(self.add_artist(name)["id"])

    def _album_by_name(self, name: str, artist_id: str) -> dict[str, Any] | None:
        for album in self.albums.values():
            if album["name"] == name and album["artist_ids"][:1] == [artist_id]:
                return album
        return None


def _names(artists: str | Sequence[str]) -> list[str]:
    return [artists] if isinstance(artists, str) else list(artists)
