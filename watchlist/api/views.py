"""`/settings/artist-preferences` and `/watchlist` (SPEC §2.10–§2.11)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from watchlist import services
from watchlist.api import serializers as s
from watchlist.models import WatchlistArtist


class ArtistPreferencesView(APIView):
    @extend_schema(responses=s.PreferencesSerializer, summary="Release preferences per artist")
    def get(self, request: Request) -> Response:
        return Response({"preferences": services.list_preferences()})

    @extend_schema(
        request=s.PreferencesSerializer,
        responses=s.PreferencesSerializer,
        summary="Save release preferences (an empty list deletes all)",
    )
    def post(self, request: Request) -> Response:
        body = s.PreferencesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved = services.save_preferences(body.validated_data["preferences"])
        return Response({"preferences": saved})


class WatchlistView(APIView):
    @extend_schema(responses=s.WatchlistListSerializer, summary="Watched artists")
    def get(self, request: Request) -> Response:
        rows = WatchlistArtist.objects.order_by("created_at", "id")
        return Response({"items": s.WatchlistArtistSerializer(rows, many=True).data})

    @extend_schema(
        request=s.WatchlistCreateSerializer,
        responses={201: s.WatchlistArtistSerializer},
        summary="Add an artist to the watchlist",
    )
    def post(self, request: Request) -> Response:
        body = s.WatchlistCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        artist = services.add_artist(**body.validated_data)
        return Response(s.WatchlistArtistSerializer(artist).data, status=201)


class WatchlistItemView(APIView):
    @extend_schema(responses={204: None}, summary="Remove an artist from the watchlist")
    def delete(self, request: Request, pk: str) -> Response:
        if not pk.isdigit():
            return Response({"detail": "Watchlist artist not found"}, status=404)
        services.remove_artist(int(pk))
        return Response(status=204)
