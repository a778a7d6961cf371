"""The download endpoints under `/api` (SPEC §2.4). Thin: parse, call a service, render."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from core import exports as core_exports
from core.api.fields import query
from downloads import exports, retry, services
from downloads.api import serializers as s
from downloads.filters import DownloadFilterSet
from downloads.models import Download

FILTER_PARAMETERS = [
    OpenApiParameter("status", str, description="queued|running|completed|failed|cancelled"),
    OpenApiParameter("all", bool),
]
BOUND_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATETIME),
    OpenApiParameter("to", OpenApiTypes.DATETIME),
]


def filtered(params: Any, *, all_statuses: bool = False) -> Any:
    """Downloads matching the request filters in list order; invalid filters → 422."""
    data = params.copy()
    if all_statuses:
        data["all"] = "true"
    filterset = DownloadFilterSet(data, queryset=Download.objects.all())
    if not filterset.is_valid():
        raise serializers.ValidationError(filterset.errors)
    return filterset.qs.list_order()


def validated_create(request: Request) -> tuple[str, dict[str, Any]]:
    """The validated body of a create request; credentials are checked after validation."""
    serializer = s.DownloadCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    services.require_soulseek(data["username"])
    return data["username"], data


class DownloadViewSet(viewsets.ViewSet):
    """`/api/downloads`, `/api/download`, `/api/download/{id}[/priority|/retry]`, export."""

    @extend_schema(
        parameters=[s.DownloadListQuerySerializer, *FILTER_PARAMETERS],
        responses=s.DownloadPageSerializer,
        summary="List downloads (active unless all=true or status=…)",
    )
    def list(self, request: Request) -> Response:
        paging = query(s.DownloadListQuerySerializer, request)
        queryset = filtered(request.query_params)
        start = paging["offset"]
        page = queryset[start : start + paging["limit"]]
        return Response({"downloads": s.serialize_rows(page)})

    @extend_schema(responses=s.DownloadSerializer, summary="One download")
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(s.serialize(services.get_download(pk)))

    @extend_schema(
        request=s.DownloadCreateSerializer,
        responses={202: s.DownloadCreatedSerializer},
        summary="Queue downloads from one Soulseek user",
    )
    def create(self, request: Request) -> Response:
        username, data = validated_create(request)
        created = services.create_downloads(
            username,
            data["files"],
            priority=data.get("priority"),
            source=Download.Source.API,
            request=request.data,
        )
        body = {"status": "queued", "download_id": created[0].pk, "downloads": s.serialize(created)}
        return Response(body, status=202)

    @extend_schema(responses=s.StatusIdSerializer, summary="Cancel a queued or running download")
    def destroy(self, request: Request, pk: str) -> Response:
        download = services.cancel_download(pk, source="api")
        return Response({"status": "cancelled", "download_id": download.pk})

    @extend_schema(
        request=s.PrioritySerializer,
        responses=s.DownloadSerializer,
        summary="Change a download's priority (and its waiting jobs')",
    )
    def set_priority(self, request: Request, pk: str) -> Response:
        services.get_download(pk)
        serializer = s.PrioritySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        download = services.set_priority(pk, serializer.validated_data["priority"])
        return Response(s.serialize(download))

    @extend_schema(
        request=None,
        responses={202: s.StatusIdSerializer},
        summary="Retry a failed or cancelled download as a new download",
    )
    def retry(self, request: Request, pk: str) -> Response:
        new = retry.retry_download(pk)
        return Response({"status": "queued", "download_id": new.pk}, status=202)

    @extend_schema(
        parameters=[s.DownloadExportQuerySerializer, *FILTER_PARAMETERS[:1], *BOUND_PARAMETERS],
        responses={(200, "application/json"): OpenApiTypes.BINARY},
        summary="Export downloads as a JSON or CSV attachment (streamed)",
    )
    def export(self, request: Request) -> Any:
        fmt = query(s.DownloadExportQuerySerializer, request)["format"]
        queryset = filtered(request.query_params, all_statuses=True)
        return core_exports.attachment(exports.stream(queryset, fmt), basename="downloads", fmt=fmt)
