"""`/plex` endpoints (SPEC §2.7). Thin: validate, call `PlexClient`, render.

Pass-through endpoints return Plex's JSON unchanged and forward the request's query parameters
except `X-Plex-Token`. Client headers are never forwarded (SPEC §2.0, D16).
"""

from __future__ import annotations

import re
from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from integrations import plex_sse, scan_worker
from integrations.api import plex_serializers as s
from integrations.clients.plex import PlexClient

_ID = re.compile(r"[0-9]{1,20}")


def _id(value: str, thing: str) -> str:
    """Plex ids are numbers; anything else is unknown (SPEC §0.2: JSON 404, no upstream call)."""
    if not _ID.fullmatch(value):
        raise NotFound(f"{thing} not found")
    return value


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def forwarded_params(request: Request) -> list[tuple[str, str]]:
    """The request's query parameters for Plex, minus any `X-Plex-Token` (never forwarded)."""
    return [
        (key, value)
        for key, values in request.query_params.lists()
        if key.lower() != "x-plex-token"
        for value in values
    ]


def _body(request: Request) -> Any:
    return request.data if request.data is not None else {}


class PlexStatusView(APIView):
    """`GET /plex/status`: 200 in every case (SPEC §2.0, §2.7)."""

    @extend_schema(responses=s.PlexStatusSerializer, summary="Plex sessions and library counts")
    def get(self, request: Request) -> Response:
        return Response(scan_worker.library_status())


class PlexPassThroughView(APIView):
    """A `GET` answering Plex's JSON unchanged; `fetch` names the `PlexClient` method."""

    fetch = ""

    @extend_schema(responses=s.PlexJSONSerializer, summary="Plex JSON, unchanged")
    def get(self, request: Request) -> Response:
        client = PlexClient.from_config()
        return Response(getattr(client, self.fetch)(forwarded_params(request)))


class SectionItemsView(APIView):
    """`GET /plex/library/sections/{id}/all` (alias `/plex/library/{id}/items`)."""

    @extend_schema(responses=s.PlexJSONSerializer, summary="Items of a library section")
    def get(self, request: Request, section_id: str) -> Response:
        section_id = _id(section_id, "Section")
        client = PlexClient.from_config()
        return Response(client.section_items(section_id, forwarded_params(request)))


class MetadataView(APIView):
    """`GET /plex/library/metadata/{id}`; 404 when Plex does not know the item."""

    @extend_schema(responses=s.PlexJSONSerializer, summary="Metadata of one item")
    def get(self, request: Request, item_id: str) -> Response:
        item_id = _id(item_id, "Item")
        client = PlexClient.from_config()
        return Response(client.item(item_id, forwarded_params(request)))


class TimelineView(APIView):
    """`GET /plex/timeline` (from the sessions); `POST /plex/timeline` → `GET /:/timeline`."""

    @extend_schema(
        parameters=[s.TimelineQuerySerializer],
        responses=s.TimelineSerializer,
        summary="Timeline of the active sessions",
    )
    def get(self, request: Request) -> Response:
        rating_key = _valid(s.TimelineQuerySerializer, request.query_params).get("ratingKey")
        container = PlexClient.from_config().sessions()["MediaContainer"]
        entries = [e for e in container.get("Metadata") or [] if isinstance(e, dict)]
        if rating_key is not None:
            entries = [e for e in entries if str(e.get("ratingKey")) == rating_key]
        return Response({"timeline": s.TimelineEntrySerializer(entries, many=True).data})

    @extend_schema(
        request=s.TimelineUpdateSerializer,
        responses=s.OkSerializer,
        summary="Report playback progress",
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.TimelineUpdateSerializer, _body(request))
        PlexClient.from_config().update_timeline(
            data["ratingKey"], data["state"], data["time"], data.get("duration"), data.get("key")
        )
        return Response({"status": "ok"})


class ScrobbleView(APIView):
    """`POST /plex/scrobble` (played) and `POST /plex/unscrobble` (unplayed)."""

    played = True

    @extend_schema(request=s.ScrobbleSerializer, responses=s.OkSerializer)
    def post(self, request: Request) -> Response:
        data = _valid(s.ScrobbleSerializer, _body(request))
        PlexClient.from_config().scrobble(data["key"], played=self.played)
        return Response({"status": "ok"})


class PlaylistsView(APIView):
    """`/plex/playlists`: list, create, and PUT/DELETE with `playlist_id` in body or query (D27)."""

    @extend_schema(responses=s.PlexJSONSerializer, summary="Audio playlists")
    def get(self, request: Request) -> Response:
        return Response(PlexClient.from_config().playlists(forwarded_params(request)))

    @extend_schema(request=s.PlaylistCreateSerializer, responses=s.PlexJSONSerializer)
    def post(self, request: Request) -> Response:
        data = _valid(s.PlaylistCreateSerializer, _body(request))
        return Response(PlexClient.from_config().create_playlist(data["title"], data["item_ids"]))

    @extend_schema(
        request=s.PlaylistUpdateSerializer,
        responses=s.PlaylistChangeSerializer,
        operation_id="plex_playlists_update_by_playlist_id",
    )
    def put(self, request: Request) -> Response:
        return update_playlist(request, _collection_playlist_id(request))

    @extend_schema(
        parameters=[s.PlaylistIdSerializer],
        responses=s.PlaylistChangeSerializer,
        operation_id="plex_playlists_destroy_by_playlist_id",
    )
    def delete(self, request: Request) -> Response:
        return delete_playlist(_collection_playlist_id(request))


class PlaylistView(APIView):
    """`PUT`/`DELETE /plex/playlists/{playlist_id}`."""

    @extend_schema(request=s.PlaylistUpdateSerializer, responses=s.PlaylistChangeSerializer)
    def put(self, request: Request, playlist_id: str) -> Response:
        return update_playlist(request, _id(playlist_id, "Playlist"))

    @extend_schema(responses=s.PlaylistChangeSerializer)
    def delete(self, request: Request, playlist_id: str) -> Response:
        return delete_playlist(_id(playlist_id, "Playlist"))


def _collection_playlist_id(request: Request) -> str:
    body = request.data if isinstance(request.data, dict) else {}
    source = body if "playlist_id" in body else request.query_params
    return _valid(s.PlaylistIdSerializer, {"playlist_id": source.get("playlist_id")})["playlist_id"]


def update_playlist(request: Request, playlist_id: str) -> Response:
    """Title/summary first, then the added items (each only when given)."""
    data = _valid(s.PlaylistUpdateSerializer, _body(request))
    client = PlexClient.from_config()
    if "title" in data or "summary" in data:
        client.update_playlist(playlist_id, data.get("title"), data.get("summary"))
    if data.get("add_item_ids"):
        client.add_playlist_items(playlist_id, data["add_item_ids"])
    return Response({"status": "updated", "id": playlist_id})


def delete_playlist(playlist_id: str) -> Response:
    """`DELETE /playlists/{id}` and the documented answer."""
    PlexClient.from_config().delete_playlist(playlist_id)
    return Response({"status": "deleted", "id": playlist_id})


class PlayQueuesView(APIView):
    """`POST /plex/playQueues` from items or a playlist."""

    @extend_schema(request=s.PlayQueueCreateSerializer, responses=s.PlexJSONSerializer)
    def post(self, request: Request) -> Response:
        data = _valid(s.PlayQueueCreateSerializer, _body(request))
        body = PlexClient.from_config().create_play_queue(
            rating_keys=data.get("item_ids", ()),
            playlist_id=data.get("playlist_id"),
            shuffle=data["shuffle"],
            repeat=data["repeat"],
            continuous=data["continuous"],
            start_item_id=data.get("start_item_id"),
        )
        return Response(body)


class PlayQueueView(APIView):
    """`GET /plex/playQueues/{playqueue_id}`."""

    @extend_schema(responses=s.PlexJSONSerializer, summary="A play queue")
    def get(self, request: Request, playqueue_id: str) -> Response:
        playqueue_id = _id(playqueue_id, "Play queue")
        client = PlexClient.from_config()
        return Response(client.play_queue(playqueue_id, forwarded_params(request)))


class RateView(APIView):
    """`POST /plex/rate` → `PUT /:/rate` (D17); null clears the rating."""

    @extend_schema(request=s.RateSerializer, responses=s.OkSerializer, summary="Rate an item")
    def post(self, request: Request) -> Response:
        data = _valid(s.RateSerializer, _body(request))
        PlexClient.from_config().rate(data["key"], data["rating"])
        return Response({"status": "ok"})


class TagsView(APIView):
    """`POST /plex/tags/{item_id}`: the given lists become the exact tag sets."""

    @extend_schema(request=s.TagsSerializer, responses=s.TagsResultSerializer)
    def post(self, request: Request, item_id: str) -> Response:
        item_id = _id(item_id, "Item")
        tags = _valid(s.TagsSerializer, _body(request))
        result = PlexClient.from_config().set_tags(item_id, tags)
        return Response({"status": "tags-updated", "id": item_id, "tags": result})


class _AnyAccept(BaseContentNegotiation):
    """EventSource sends `Accept: text/event-stream`; errors still answer JSON."""

    def select_parser(self, request: Request, parsers: list) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: list, format_suffix: Any = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type


class NotificationsView(APIView):
    """`GET /plex/notifications`: the SSE relay of `integrations.plex_sse`."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = _AnyAccept

    @extend_schema(
        responses={(200, "text/event-stream"): OpenApiResponse(description="SSE stream")},
        summary="Plex notifications as Server-Sent Events",
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        relay = plex_sse.open_relay(PlexClient.from_config())
        response = StreamingHttpResponse(relay, content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response
