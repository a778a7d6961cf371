"""`POST /api/sync` (SPEC §2.3)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from downloads.autosync.triggers import trigger_manual


class SyncView(APIView):
    @extend_schema(
        request=None,
        responses={
            202: inline_serializer(
                "SyncTriggered",
                {
                    "message": serializers.CharField(),
                    "run_id": serializers.IntegerField(),
                    "status": serializers.CharField(),
                },
            )
        },
        summary="Start a manual sync run (AutoSync); 503 when credentials are missing",
    )
    def post(self, request: Request) -> Response:
        run = trigger_manual()
        return Response(
            {"message": "Sync triggered", "run_id": run.pk, "status": run.status}, status=202
        )
