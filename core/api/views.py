"""System, health, stats and settings endpoints (SPEC §2.1, §2.11). Thin: parse, call, render."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import settings_store, status
from core.api import serializers as s
from core.errors import NotFound
from core.keys import CREDENTIALS


class StatusView(APIView):
    @extend_schema(responses=s.StatusSerializer, summary="Backend status with workers")
    def get(self, request: Request) -> Response:
        return Response(status.system_status())


class HealthView(APIView):
    @extend_schema(responses=s.HealthSerializer, summary="Credential health of a service")
    def get(self, request: Request, service: str) -> Response:
        if service not in CREDENTIALS:
            raise NotFound("Service not found")
        return Response(status.health(service))


class SystemStatsView(APIView):
    @extend_schema(responses=s.SystemStatsSerializer, summary="CPU, memory, disk, network")
    def get(self, request: Request) -> Response:
        return Response(status.system_stats())


class SettingsView(APIView):
    @extend_schema(responses=s.SettingsSerializer, summary="Effective settings (secrets masked)")
    def get(self, request: Request) -> Response:
        return Response(settings_store.effective_settings())

    @extend_schema(
        request=s.SettingUpdateSerializer,
        responses=s.SettingsSerializer,
        summary="Create or update one setting",
    )
    def post(self, request: Request) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        if not isinstance(request.data, dict):
            return Response({"detail": {"body": ["Expected a JSON object."]}}, status=422)
        if "key" not in body:
            return Response({"detail": {"key": ["This field is required."]}}, status=422)
        settings_store.update_setting(body.get("key"), body.get("value"))
        return Response(settings_store.effective_settings())


class SettingsHistoryView(APIView):
    @extend_schema(responses=s.SettingHistorySerializer, summary="Latest 50 setting changes")
    def get(self, request: Request) -> Response:
        return Response({"history": settings_store.history()})
