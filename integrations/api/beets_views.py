"""The beets endpoints (SPEC §2.12). Thin: validate, run beets under its lease, render."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations.api import beets_serializers as s
from integrations.clients.beets import beets, import_path


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The validated body (422 naming the fields otherwise)."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class BeetsImportView(APIView):
    @extend_schema(
        request=s.BeetsImportSerializer,
        responses=s.BeetsMessageSerializer,
        summary="Import a folder or file into the beets library",
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.BeetsImportSerializer, request)
        result = import_path(**data)
        return Response({"success": result.success, "message": result.message})


class BeetsUpdateView(APIView):
    @extend_schema(
        request=s.BeetsUpdateSerializer,
        responses=s.BeetsMessageSerializer,
        summary="Re-read tags of library items from their files",
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.BeetsUpdateSerializer, request)
        with beets() as client:
            message = client.update(query=data["query"], path=data["path"])
        return Response({"success": True, "message": message})


class BeetsRemoveView(APIView):
    @extend_schema(
        request=s.BeetsRemoveSerializer,
        responses=s.BeetsRemovedSerializer,
        summary="Remove matching items from the library (and optionally from disk)",
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.BeetsRemoveSerializer, request)
        with beets() as client:
            removed = client.remove(
                data["query"], delete_files=data["delete_files"], confirm_all=data["all"]
            )
        return Response({"success": True, "removed": removed})


class BeetsMoveView(APIView):
    @extend_schema(
        request=s.BeetsSelectionSerializer,
        responses=s.BeetsMovedSerializer,
        summary="Move matching items into the library layout under MUSIC_DIR",
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.BeetsSelectionSerializer, request)
        with beets() as client:
            moved = client.move(data["query"], confirm_all=data["all"])
        return Response({"success": True, "moved": moved})


class BeetsWriteView(APIView):
    @extend_schema(
        request=s.BeetsSelectionSerializer,
        responses=s.BeetsWrittenSerializer,
        summary="Write library metadata into the files' tags",
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.BeetsSelectionSerializer, request)
        with beets() as client:
            written = client.write(data["query"], confirm_all=data["all"])
        return Response({"success": True, "written": written})


class BeetsAlbumsView(APIView):
    @extend_schema(responses=s.BeetsAlbumsSerializer, summary="Albums in the beets library")
    def get(self, request: Request) -> Response:
        with beets() as client:
            return Response({"albums": client.albums()})


class BeetsTracksView(APIView):
    @extend_schema(responses=s.BeetsTracksSerializer, summary="Tracks in the beets library")
    def get(self, request: Request) -> Response:
        with beets() as client:
            return Response({"tracks": client.tracks()})


class BeetsStatsView(APIView):
    @extend_schema(responses=s.BeetsStatsSerializer, summary="Library statistics")
    def get(self, request: Request) -> Response:
        with beets() as client:
            return Response({"stats": client.stats()})


class BeetsFieldsView(APIView):
    @extend_schema(responses=s.BeetsFieldsSerializer, summary="Item and album field names")
    def get(self, request: Request) -> Response:
        with beets() as client:
            return Response({"fields": client.fields()})


class BeetsQueryView(APIView):
    @extend_schema(
        request=s.BeetsQuerySerializer,
        responses=s.BeetsResultsSerializer,
        summary="List items matching a beets query with a format",
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.BeetsQuerySerializer, request)
        with beets() as client:
            return Response({"results": client.query(data["query"], data["format"])})
