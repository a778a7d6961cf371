"""Enrichment endpoints: `/api/metadata/*` (SPEC §2.2) and the per-download metadata, artwork
and lyrics routes under `/soulseek/download/{id}` (SPEC §2.8; lyrics per the product owner).

Thin: parse the id, call the domain function, render. All of them work without Soulseek
credentials (database and local files only).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from downloads import artwork, lyrics, metadata, refresh
from downloads.api import enrichment_serializers as s
from downloads.models import Download
from downloads.services import get_download

LYRICS_NOT_AVAILABLE = "Lyrics not available"
PENDING = (Download.Enrichment.PENDING, Download.Enrichment.RUNNING)


class MetadataUpdateView(APIView):
    """`POST /api/metadata/update`."""

    @extend_schema(request=None, responses={202: s.MetadataMessageSerializer})
    def post(self, request: Request) -> Response:
        state = refresh.start_refresh()
        return Response({"message": "Metadata update started", "state": state}, status=202)


class MetadataStatusView(APIView):
    """`GET /api/metadata/status`."""

    @extend_schema(responses=s.MetadataStateSerializer)
    def get(self, request: Request) -> Response:
        return Response(refresh.current_state())


class MetadataStopView(APIView):
    """`POST /api/metadata/stop`."""

    @extend_schema(request=None, responses={202: s.MetadataMessageSerializer})
    def post(self, request: Request) -> Response:
        state = refresh.stop_refresh()
        return Response({"message": "Stop signal issued", "state": state}, status=202)


class DownloadMetadataView(APIView):
    """`GET /soulseek/download/{id}/metadata`."""

    @extend_schema(responses=s.DownloadMetadataSerializer)
    def get(self, request: Request, download_id: str) -> Response:
        return Response(s.DownloadMetadataSerializer(get_download(download_id)).data)


class DownloadMetadataRefreshView(APIView):
    """`POST /soulseek/download/{id}/metadata/refresh`."""

    @extend_schema(request=None, responses={202: s.EnrichmentStatusSerializer})
    def post(self, request: Request, download_id: str) -> Response:
        metadata.request_refresh(get_download(download_id))
        return Response({"status": "queued"}, status=202)


class AnyAcceptNegotiation(BaseContentNegotiation):
    """Image responses ignore `Accept` (`image/*` from a browser must not be a 406)."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


class DownloadArtworkView(APIView):
    """`GET /soulseek/download/{id}/artwork`: the cached cover's bytes."""

    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request: Request, download_id: str) -> Any:
        try:
            download = get_download(download_id)
        except NotFound:
            raise NotFound("Artwork not available") from None
        path, content_type = artwork.cover_file(download)
        return FileResponse(path.open("rb"), content_type=content_type)


class DownloadArtworkRefreshView(APIView):
    """`POST /soulseek/download/{id}/artwork/refresh`: a forced artwork job."""

    @extend_schema(request=None, responses={202: s.EnrichmentStatusSerializer})
    def post(self, request: Request, download_id: str) -> Response:
        artwork.request_refresh(get_download(download_id))
        return Response({"status": "pending"}, status=202)


class DownloadLyricsView(APIView):
    """`GET /soulseek/download/{id}/lyrics`: 200 lyrics, 202 while pending, 404 without."""

    @extend_schema(responses={200: s.LyricsSerializer, 202: s.EnrichmentStatusSerializer})
    def get(self, request: Request, download_id: str) -> Response:
        download = get_download(download_id)
        if download.lyrics_status in PENDING:
            return Response({"status": "pending"}, status=202)
        found = lyrics.read_lyrics(download)
        if found is None:
            raise NotFound(LYRICS_NOT_AVAILABLE)
        return Response(s.lyrics_body(download, found))


class DownloadLyricsRefreshView(APIView):
    """`POST /soulseek/download/{id}/lyrics/refresh`."""

    @extend_schema(request=None, responses={202: s.EnrichmentStatusSerializer})
    def post(self, request: Request, download_id: str) -> Response:
        lyrics.request_refresh(get_download(download_id))
        return Response({"status": "pending"}, status=202)
