"""The Harmony-download routes under `/soulseek` (SPEC §2.8, D24). They call the same services
as `/api/download*`; only the response shapes differ (`state` next to `status`)."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import exports
from downloads import services
from downloads.api.serializers import (
    DownloadCreateSerializer,
    SoulseekDownloadSerializer,
    serialize,
)
from downloads.api.views import validated_create
from downloads.models import Download

BATCH = 500


class SoulseekDownloadCreatedSerializer(serializers.Serializer):
    class Detail(serializers.Serializer):
        downloads = SoulseekDownloadSerializer(many=True)

    status = serializers.CharField()
    detail = Detail()


class SoulseekDownloadListSerializer(serializers.Serializer):
    downloads = SoulseekDownloadSerializer(many=True)


class CancelledSerializer(serializers.Serializer):
    cancelled = serializers.BooleanField()


class SoulseekDownloadCreateView(APIView):
    """`POST /soulseek/download`: identical to `POST /api/download`, `source=soulseek`."""

    @extend_schema(
        request=DownloadCreateSerializer,
        responses={202: SoulseekDownloadCreatedSerializer},
        summary="Queue downloads (Soulseek shape)",
    )
    def post(self, request: Request) -> Response:
        username, data = validated_create(request)
        created = services.create_downloads(
            username,
            data["files"],
            priority=data.get("priority"),
            source=Download.Source.SOULSEEK,
            request=request.data,
        )
        body = {"status": "queued", "detail": {"downloads": serialize(created, soulseek=True)}}
        return Response(body, status=202)


def _download_objects() -> Iterator[str]:
    """`{"downloads": [...]}` written piece by piece: the list has no paging (SPEC §2.8)."""
    queryset = Download.objects.order_by("-created_at", "-id").defer("request_payload")
    yield '{"downloads": '
    yield from exports.json_array(_rendered(exports.iterate(queryset)))
    yield "}"


def _rendered(rows: Iterator[Download]) -> Iterator[dict]:
    batch: list[Download] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield from serialize(batch, soulseek=True)
            batch.clear()
    if batch:
        yield from serialize(batch, soulseek=True)


class SoulseekDownloadListView(APIView):
    """`GET /soulseek/downloads`: every Harmony download, newest first, from the DB only."""

    @extend_schema(responses=SoulseekDownloadListSerializer, summary="All downloads (DB)")
    def get(self, request: Request) -> StreamingHttpResponse:
        response = StreamingHttpResponse(_download_objects(), content_type="application/json")
        response["Cache-Control"] = "no-store"
        return response


class SoulseekDownloadCancelView(APIView):
    """`DELETE /soulseek/download/{id}`: a Harmony id or a slskd transfer GUID (SPEC §2.8).

    `GET` on the same path (the live transfer) belongs to the slskd proxy views; a route class
    combining both inherits from that view and this one.
    """

    @extend_schema(responses=CancelledSerializer, summary="Cancel a download (id or GUID)")
    def delete(self, request: Request, download_id: str) -> Response:
        services.cancel_by_reference(download_id)
        return Response({"cancelled": True})
