"""The three search sources (SPEC §3.2 step 2): what each asks its upstream and normalises.

Each source is built in the request thread (`from_config()` reads the settings and raises
`MissingCredentials` when unconfigured) and fetched in a worker thread with the time budget
it has left. Each returns at most 60 candidates (Spotify: ≤ 50 per type).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

from core.errors import HarmonyError
from integrations.clients import slskd
from integrations.clients.plex import PlexClient
from integrations.clients.slskd import SlskdClient
from integrations.clients.spotify import SpotifyClient
from integrations.models import SoulseekSearch
from matching.search.candidates import (
    Candidate,
    from_plex,
    from_soulseek,
    from_spotify,
    spotify_primary_artist,
)
from matching.search.request import YEAR_MAX, YEAR_MIN, SearchRequest

logger = logging.getLogger(__name__)

MAX_CANDIDATES = 60
SPOTIFY_PER_TYPE = 50
ARTIST_IDS = 50  # `GET /artists?ids=` takes at most 50 ids


class Source(Protocol):
    """A prepared source: `fetch` runs in a worker thread and may raise any error."""

    name: str

    def fetch(self, request: SearchRequest, budget: float) -> list[Candidate]: ...


def spotify_query(request: SearchRequest) -> str:
    """`q` of the Spotify search: the query plus `genre:"…"` and `year:<from>-<to>` filters."""
    parts = [request.query]
    if request.genre:
        parts.append('genre:"{}"'.format(" ".join(request.genre.replace('"', " ").split())))
    if request.has_year_bound:
        start = request.year_from if request.year_from is not None else YEAR_MIN
        end = request.year_to if request.year_to is not None else YEAR_MAX
        parts.append(f"year:{start}-{end}")
    return " ".join(parts)


class SpotifySource:
    """One `GET /search` (app token) plus one `GET /artists?ids=` for genres (SPEC §3.2)."""

    name = "spotify"

    def __init__(self) -> None:
        self.client = SpotifyClient.from_config()

    def fetch(self, request: SearchRequest, budget: float) -> list[Candidate]:
        found = self.client.search(spotify_query(request), request.kinds, SPOTIFY_PER_TYPE)
        hits = [(kind, item) for kind in request.kinds for item in found.get(kind, [])]
        genres = {
            str(item["id"]): list(item["genres"])
            for kind, item in hits
            if kind == "artist" and isinstance(item.get("genres"), list) and item["genres"]
        }
        wanted = (spotify_primary_artist(item) for kind, item in hits if kind != "artist")
        genres.update(self.artist_genres(a for a in wanted if a and a not in genres))
        candidates = (from_spotify(kind, item, genres) for kind, item in hits)
        return [c for c in candidates if c is not None]

    def artist_genres(self, artist_ids: Iterable[str]) -> dict[str, list[str]]:
        """Genres per artist from one batch lookup; any failure leaves them empty.

        Spotify's 2026 Development Mode removed `GET /artists?ids=` (and artist genres) for
        some apps: that is not worth failing the search for, nor worth one call per artist.
        """
        ids = list(dict.fromkeys(artist_ids))[:ARTIST_IDS]
        if not ids:
            return {}
        try:
            body = self.client.get("/artists", params={"ids": ",".join(ids)})
        except HarmonyError as exc:
            logger.info("spotify artist genres unavailable: %s", exc.detail)
            return {}
        artists = body.get("artists")
        result: dict[str, list[str]] = {}
        for artist in artists if isinstance(artists, list) else []:
            if isinstance(artist, dict) and isinstance(artist.get("id"), str):
                tags = artist.get("genres")
                names = [g for g in tags if isinstance(g, str)] if isinstance(tags, list) else []
                result[artist["id"]] = names
        return result


class PlexSource:
    """`GET /hubs/search` in every target music section (SPEC §3.2, §5.6)."""

    name = "plex"

    def __init__(self) -> None:
        self.client = PlexClient.from_config()

    def fetch(self, request: SearchRequest, budget: float) -> list[Candidate]:
        candidates: list[Candidate] = []
        for section in self.client.music_sections():
            for hub in self.client.hub_search(request.query, MAX_CANDIDATES, section.key):
                if not isinstance(hub, dict) or hub.get("type") not in request.kinds:
                    continue
                entries = hub.get("Metadata")
                for entry in entries if isinstance(entries, list) else []:
                    candidate = from_plex(entry) if isinstance(entry, dict) else None
                    if candidate is not None and candidate["type"] in request.kinds:
                        candidates.append(candidate)
        return candidates[:MAX_CANDIDATES]


def soulseek_seconds(budget: float) -> float:
    """How long the slskd search may run so that stopping it and reading its responses still
    fits in the budget (slskd stores responses only once a search has ended)."""
    return max(budget * 0.25, budget - slskd.STOP_GRACE - 0.5)


class SoulseekSource:
    """An slskd search stopped at the deadline; whatever responses exist are used (§3.2)."""

    name = "soulseek"

    def __init__(self) -> None:
        self.client = SlskdClient.from_config()

    def fetch(self, request: SearchRequest, budget: float) -> list[Candidate]:
        result = self.client.search(
            request.query,
            timeout=soulseek_seconds(budget),
            lane=SoulseekSearch.Lane.MANUAL,
            requested_by="api/search",
        )
        candidates: list[Candidate] = []
        for response in result.responses:
            for file in response.get("files") or []:
                candidate = from_soulseek(response, file)
                if candidate is not None:
                    candidates.append(candidate)
                if len(candidates) >= MAX_CANDIDATES:
                    return candidates
        return candidates


SOURCE_CLASSES: dict[str, Any] = {
    "spotify": SpotifySource,
    "plex": PlexSource,
    "soulseek": SoulseekSource,
}
