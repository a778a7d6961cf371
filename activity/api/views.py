"""`GET /api/activity` and `GET /api/activity/export` (SPEC §2.5)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from activity import queries
from activity.api import serializers as s
from core import exports
from core.api.fields import query

CSV_HEADER = ["id", "timestamp", "type", "status", "details"]


class ActivityListView(APIView):
    @extend_schema(
        parameters=[s.ActivityQuerySerializer],
        responses=s.ActivityPageSerializer,
        summary="Activity history (paged, newest first)",
    )
    def get(self, request: Request) -> Response:
        params = query(s.ActivityQuerySerializer, request)
        queryset = queries.filtered(params)
        start = params["offset"]
        page = queryset[start : start + params["limit"]]
        return Response(
            {
                "items": [queries.as_item(e) for e in page],
                "total_count": queries.total_count(params),
            }
        )


class ActivityExportView(APIView):
    @extend_schema(
        parameters=[
            s.ActivityExportQuerySerializer,
            OpenApiParameter("from", OpenApiTypes.DATETIME),
            OpenApiParameter("to", OpenApiTypes.DATETIME),
        ],
        responses={(200, "application/json"): OpenApiTypes.BINARY},
        summary="Export the activity history as a JSON or CSV attachment (streamed)",
    )
    def get(self, request: Request):
        params = query(s.ActivityExportQuerySerializer, request)
        queryset = queries.filtered(params)
        if params.get("limit"):
            queryset = queryset[: params["limit"]]
        rows = exports.iterate(queryset)
        if params["format"] == "csv":
            stream = exports.csv_rows(CSV_HEADER, rows, queries.csv_cells, always_quote=[4])
        else:
            stream = exports.json_array(queries.as_item(e) for e in rows)
        return exports.attachment(stream, basename="activity_history", fmt=params["format"])
