"""The `/spotify` endpoints (SPEC §2.6, CONTRACT §4). Thin: validate, call the client, wrap.

Errors are raised as domain errors and mapped once (SPEC §2.0): missing credentials → 503,
missing user authorisation → 503 naming `SPOTIFY_REFRESH_TOKEN`, upstream failures → 502,
unknown ids → 404.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import query
from core.errors import HarmonyError, NotFound, ValidationFailed
from core.timefmt import iso_z
from integrations import spotify_auth
from integrations.api import spotify_serializers as s
from integrations.clients.spotify import SpotifyClient, is_id
from integrations.models import Playlist

logger = logging.getLogger(__name__)

SETTINGS_PAGE = "/ui/settings"
BAD_STATE_PAGE = (
    "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Spotify login failed</title>"
    "</head><body><h1>Spotify login failed</h1><p>The login link is invalid or has expired. "
    'Start again from <a href="/ui/settings">the settings page</a>.</p></body></html>'
)


def _client() -> SpotifyClient:
    return SpotifyClient.from_config()


def _valid_body(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _require_id(value: str, what: str) -> str:
    """A path id that cannot be a Spotify id is unknown without asking Spotify (SPEC §2.0)."""
    if not is_id(value):
        raise NotFound(f"{what} not found")
    return value


class SpotifyLoginView(APIView):
    @extend_schema(
        responses={302: OpenApiResponse(description="Redirect to Spotify's authorize page")},
        summary="Start the Spotify authorization-code flow",
    )
    def get(self, request: Request) -> HttpResponse:
        return HttpResponseRedirect(spotify_auth.begin_login(request.session))


@login_not_required
@never_cache
@require_GET
def spotify_callback(request: HttpRequest) -> HttpResponse:
    """`GET /spotify/callback`: the one route without authentication; `state` protects it."""
    if not spotify_auth.state_matches(request.session, request.GET.get("state")):
        return HttpResponseBadRequest(BAD_STATE_PAGE, content_type="text/html; charset=utf-8")
    code = request.GET.get("code")
    if request.GET.get("error") or not code:
        return HttpResponseRedirect(f"{SETTINGS_PAGE}?spotify=error")
    try:
        spotify_auth.complete_login(code)
    except HarmonyError as exc:
        logger.warning("Spotify login failed: %s", exc.detail)
        return HttpResponseRedirect(f"{SETTINGS_PAGE}?spotify=error")
    return HttpResponseRedirect(f"{SETTINGS_PAGE}?spotify=connected")


class SpotifyStatusView(APIView):
    @extend_schema(responses=s.SpotifyStatusSerializer, summary="Spotify connection status")
    def get(self, request: Request) -> Response:
        return Response(spotify_auth.connection_status())


class SpotifySearchView(APIView):
    @extend_schema(
        parameters=[s.SearchQuerySerializer],
        responses=s.ItemsSerializer,
        summary="Search Spotify tracks, artists or albums",
    )
    def get(self, request: Request, kind: str) -> Response:
        params = query(s.SearchQuerySerializer, request)
        found = _client().search(params["query"], (kind,), params["limit"])
        return Response({"items": found[kind]})


class SpotifyTrackView(APIView):
    @extend_schema(responses=s.TrackSerializer, summary="One Spotify track")
    def get(self, request: Request, track_id: str) -> Response:
        return Response({"track": _client().track(_require_id(track_id, "Track"))})


class SpotifyAudioFeaturesView(APIView):
    @extend_schema(responses=s.AudioFeaturesSerializer, summary="Audio features of one track")
    def get(self, request: Request, track_id: str) -> Response:
        features = _client().audio_features(_require_id(track_id, "Audio features"))
        return Response({"audio_features": features})


class SpotifyAudioFeaturesListView(APIView):
    @extend_schema(
        parameters=[s.AudioFeaturesQuerySerializer],
        responses=s.AudioFeaturesListSerializer,
        operation_id="spotify_audio_features_list",
        summary="Audio features of up to 100 tracks",
    )
    def get(self, request: Request) -> Response:
        ids = query(s.AudioFeaturesQuerySerializer, request)["ids"]
        return Response({"audio_features": _client().audio_features_many(ids)})


class SpotifyFollowedArtistsView(APIView):
    @extend_schema(responses=s.FollowedArtistsSerializer, summary="Artists the user follows")
    def get(self, request: Request) -> Response:
        return Response({"artists": _client().followed_artists()})


class SpotifyArtistReleasesView(APIView):
    @extend_schema(responses=s.ReleasesSerializer, summary="Albums, singles, EPs, compilations")
    def get(self, request: Request, artist_id: str) -> Response:
        releases = _client().artist_releases(_require_id(artist_id, "Artist"))
        return Response({"artist_id": artist_id, "releases": releases})


class SpotifyPlaylistsView(APIView):
    @extend_schema(responses=s.PlaylistListSerializer, summary="Cached playlists (database only)")
    def get(self, request: Request) -> Response:
        rows = Playlist.objects.order_by("-updated_at", "id")
        playlists = [
            {
                "id": p.id,
                "name": p.name,
                "track_count": p.track_count,
                "updated_at": iso_z(p.updated_at),
            }
            for p in rows
        ]
        return Response({"playlists": playlists})


class SpotifyPlaylistTracksView(APIView):
    @extend_schema(
        parameters=[s.PlaylistTracksQuerySerializer],
        responses=s.PagedItemsSerializer,
        summary="Items of a playlist",
    )
    def get(self, request: Request, playlist_id: str) -> Response:
        params = query(s.PlaylistTracksQuerySerializer, request)
        pid = _require_id(playlist_id, "Playlist")
        items, total = _client().playlist_items_page(pid, params["limit"], params["offset"])
        return Response({"items": items, "total": total})

    @extend_schema(
        request=s.PlaylistAddSerializer,
        responses=s.StatusSnapshotSerializer,
        summary="Add tracks to a playlist",
    )
    def post(self, request: Request, playlist_id: str) -> Response:
        body = _valid_body(s.PlaylistAddSerializer, request)
        pid = _require_id(playlist_id, "Playlist")
        snapshot = _client().add_playlist_items(pid, body["uris"], body["position"])
        return Response({"status": "tracks-added", "snapshot_id": snapshot})

    @extend_schema(
        request=s.PlaylistRemoveSerializer,
        responses=s.StatusSnapshotSerializer,
        summary="Remove tracks from a playlist",
    )
    def delete(self, request: Request, playlist_id: str) -> Response:
        body = _valid_body(s.PlaylistRemoveSerializer, request)
        pid = _require_id(playlist_id, "Playlist")
        snapshot = _client().remove_playlist_items(pid, body["uris"])
        return Response({"status": "tracks-removed", "snapshot_id": snapshot})


class SpotifyPlaylistReorderView(APIView):
    @extend_schema(
        request=s.PlaylistReorderSerializer,
        responses=s.StatusSnapshotSerializer,
        summary="Move a range of playlist items",
    )
    def put(self, request: Request, playlist_id: str) -> Response:
        body = _valid_body(s.PlaylistReorderSerializer, request)
        snapshot = _client().reorder_playlist(
            _require_id(playlist_id, "Playlist"),
            body["range_start"],
            body["insert_before"],
            body["range_length"],
            body.get("snapshot_id"),
        )
        return Response({"status": "playlist-reordered", "snapshot_id": snapshot})


class SpotifyMeView(APIView):
    @extend_schema(responses=s.ProfileSerializer, summary="The Spotify user's profile")
    def get(self, request: Request) -> Response:
        return Response({"profile": _client().me()})


class SpotifySavedTracksView(APIView):
    @extend_schema(
        parameters=[s.SavedTracksQuerySerializer],
        responses=s.PagedItemsSerializer,
        summary="The user's saved tracks",
    )
    def get(self, request: Request) -> Response:
        params = query(s.SavedTracksQuerySerializer, request)
        items, total = _client().saved_tracks_page(params["limit"], params["offset"])
        return Response({"items": items, "total": total})

    @extend_schema(
        request=s.SavedTracksBodySerializer,
        responses=s.StatusOnlySerializer,
        summary="Save tracks to the library",
    )
    def put(self, request: Request) -> Response:
        ids = _valid_body(s.SavedTracksBodySerializer, request)["ids"]
        _client().save_tracks(ids)
        return Response({"status": "tracks-saved"})

    @extend_schema(
        request=s.SavedTracksBodySerializer,
        responses=s.StatusOnlySerializer,
        summary="Remove tracks from the library",
    )
    def delete(self, request: Request) -> Response:
        ids = _valid_body(s.SavedTracksBodySerializer, request)["ids"]
        _client().remove_saved_tracks(ids)
        return Response({"status": "tracks-removed"})


class SpotifyTopView(APIView):
    @extend_schema(
        parameters=[s.TopQuerySerializer],
        responses=s.ItemsSerializer,
        summary="The user's top tracks or artists",
    )
    def get(self, request: Request, type: str) -> Response:
        if type not in ("tracks", "artists"):
            raise ValidationFailed({"type": ["Must be one of tracks, artists."]})
        params = query(s.TopQuerySerializer, request)
        return Response({"items": _client().top(type, params["limit"], params["time_range"])})


class SpotifyRecommendationsView(APIView):
    @extend_schema(
        parameters=[s.RecommendationsQuerySerializer],
        responses={200: s.RecommendationsSerializer, 502: OpenApiTypes.OBJECT},
        summary="Recommendations from 1–5 seeds",
    )
    def get(self, request: Request) -> Response:
        params = query(s.RecommendationsQuerySerializer, request)
        seeds = {name: params[name] for name in s.SEED_FIELDS}
        return Response(_client().recommendations(seeds, params["limit"]))
