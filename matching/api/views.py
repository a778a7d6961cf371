"""The `/matching` endpoints (SPEC §2.9) and `POST /api/search` (SPEC §3). Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import query
from matching import services
from matching.api import serializers as s
from matching.models import Match
from matching.search import build_request, run_search
from matching.search.request import SearchRequestSerializer, SearchResponseSerializer

Source = Match.Source


def _body(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _answer(result: services.MatchResult) -> Response:
    return Response({"best_match": result.best, "confidence": round(result.confidence, 4)})


class MatchingViewSet(viewsets.ViewSet):
    """Scoring endpoints, the stored matches and the operator's confirm/reject decisions."""

    @extend_schema(
        request=s.PlexMatchRequestSerializer,
        responses=s.MatchResponseSerializer,
        summary="Best Plex track for a Spotify track (stored when it passes the threshold)",
    )
    def spotify_to_plex(self, request: Request) -> Response:
        data = _body(s.PlexMatchRequestSerializer, request)
        track, candidates = data["spotify_track"], data["candidates"]
        return _answer(services.match_track(Source.SPOTIFY_TO_PLEX, track, candidates))

    @extend_schema(
        request=s.SoulseekMatchRequestSerializer,
        responses=s.MatchResponseSerializer,
        summary="Best Soulseek file for a Spotify track (stored when it passes the threshold)",
    )
    def spotify_to_soulseek(self, request: Request) -> Response:
        data = _body(s.SoulseekMatchRequestSerializer, request)
        track, candidates = data["spotify_track"], data["candidates"]
        return _answer(services.match_track(Source.SPOTIFY_TO_SOULSEEK, track, candidates))

    @extend_schema(
        parameters=[s.AlbumMatchQuerySerializer],
        request=s.AlbumMatchRequestSerializer,
        responses=s.MatchResponseSerializer,
        summary="Best Plex album for a Spotify album; persist=true stores one match per track",
    )
    def spotify_to_plex_album(self, request: Request) -> Response:
        persist = query(s.AlbumMatchQuerySerializer, request)["persist"]
        data = _body(s.AlbumMatchRequestSerializer, request)
        return _answer(
            services.match_album_to_plex(data["spotify_album"], data["candidates"], persist=persist)
        )

    @extend_schema(
        parameters=[s.MatchListQuerySerializer],
        responses=s.MatchPageSerializer,
        summary="Stored matches with their per-field scores (review queue: decision=review)",
    )
    def list(self, request: Request) -> Response:
        params = query(s.MatchListQuerySerializer, request)
        rows = services.list_matches(
            decision=params.get("decision"),
            source=params.get("source"),
            spotify_track_id=params.get("spotify_track_id"),
        )
        start, limit = params["offset"], params["limit"]
        return Response(
            {
                "items": s.MatchSerializer(rows[start : start + limit], many=True).data,
                "total": rows.count(),
                "limit": limit,
                "offset": start,
            }
        )

    @extend_schema(request=None, responses=s.MatchSerializer, summary="Confirm a match")
    def confirm(self, request: Request, pk: str) -> Response:
        match = services.confirm_match(pk, request.user.get_username())
        return Response(s.MatchSerializer(match).data)

    @extend_schema(request=None, responses=s.MatchSerializer, summary="Reject a match")
    def reject(self, request: Request, pk: str) -> Response:
        match = services.reject_match(pk, request.user.get_username())
        return Response(s.MatchSerializer(match).data)


class SearchView(APIView):
    """`POST /api/search`: Spotify, Plex and Soulseek at once, filtered and ranked (SPEC §3)."""

    @extend_schema(
        request=SearchRequestSerializer,
        responses={
            200: SearchResponseSerializer,
            503: OpenApiResponse(OpenApiTypes.OBJECT, description="All search sources failed"),
        },
        summary="Aggregated search over Spotify, Plex and Soulseek",
    )
    def post(self, request: Request) -> Response:
        search = build_request(_body(SearchRequestSerializer, request))
        return Response(run_search(search))
