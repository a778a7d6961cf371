"""`/soulseek` proxy endpoints that talk to slskd (SPEC §2.8). Thin: parse, call, render.

The database-backed `/soulseek/download(s)` views (create, list, cancel, artwork, metadata)
belong to the downloads app; these only read or change slskd's own state.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import config
from core.api.fields import query
from core.errors import HarmonyError, NotFound, UpstreamNotFound
from downloads.models import Download
from integrations.api import soulseek_serializers as s
from integrations.api.soulseek_download_views import SoulseekDownloadCancelView
from integrations.clients.slskd import SlskdClient
from integrations.models import SoulseekSearch

DOWNLOAD_NOT_FOUND = "Download not found"
UPLOAD_NOT_FOUND = "Upload not found"
USER_NOT_FOUND = "User not found or offline"
# A Harmony id has at most 18 digits, so it always fits a signed 64-bit column.
MAX_ID_DIGITS = 18
ONLINE_PRESENCES = ("Online", "Away")


def _completed(transfer: dict[str, Any]) -> bool:
    return transfer["state"].startswith("Completed")


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _username(value: str) -> str:
    """A user name from the path: any characters (encoded later, T25), bounded length."""
    if len(value) > s.MAX_USERNAME_LENGTH:
        raise serializers.ValidationError(
            {
                "username": [
                    f"Ensure this field has no more than {s.MAX_USERNAME_LENGTH} characters."
                ]
            }
        )
    return value


# Lookups


@dataclass
class TransferRef:
    """Where a download lives at slskd."""

    client: SlskdClient
    username: str
    transfer_id: str


def _harmony_id(value: str) -> int | None:
    if value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS:
        return int(value)
    return None


def _guid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def locate_download(raw_id: str) -> TransferRef:
    """A Harmony download id or an slskd transfer GUID → its slskd transfer (SPEC §2.8).

    Harmony ids use the stored transfer id, else the newest transfer of the same user and
    remote path (SPEC §5.2); GUIDs find their owner in the transfer list.
    """
    pk = _harmony_id(raw_id)
    if pk is not None:
        download = Download.objects.filter(pk=pk).first()
        if download is None:
            raise NotFound(DOWNLOAD_NOT_FOUND)
        client = SlskdClient.from_config()
        if download.slskd_transfer_id:
            return TransferRef(client, download.username, download.slskd_transfer_id)
        found = client.find_download(
            download.username, download.filename, since=download.submitted_at
        )
        if found is None:
            raise NotFound(DOWNLOAD_NOT_FOUND)
        return TransferRef(client, download.username, found["id"])
    guid = _guid(raw_id)
    if guid is None:
        raise NotFound(DOWNLOAD_NOT_FOUND)
    client = SlskdClient.from_config()
    for transfer in client.list_downloads(include_removed=True):
        if transfer["id"].lower() == guid:
            return TransferRef(client, transfer["username"], transfer["id"])
    raise NotFound(DOWNLOAD_NOT_FOUND)


def _echo_id(raw_id: str) -> int | str:
    pk = _harmony_id(raw_id)
    return pk if pk is not None else raw_id


# Views


class SoulseekStatusView(APIView):
    @extend_schema(
        responses=s.SoulseekStatusResponseSerializer, summary="slskd connection (never 502/503)"
    )
    def get(self, request: Request) -> Response:
        missing = config.missing_credentials("soulseek")
        if missing:
            return Response({"status": "unconfigured", "missing": missing})
        try:
            server = SlskdClient.from_config().server()
        except HarmonyError as exc:
            return Response({"status": "disconnected", "error": str(exc.detail)})
        state, address = server.get("state"), server.get("address")
        info = {
            "state": state if isinstance(state, str) else None,
            "is_logged_in": server.get("isLoggedIn") is True,
            "address": address if isinstance(address, str) else None,
        }
        if info["is_logged_in"]:
            return Response({"status": "connected", "server": info})
        error = f"Soulseek server not logged in (state: {info['state'] or 'unknown'})"
        return Response({"status": "disconnected", "error": error, "server": info})


class SoulseekSearchView(APIView):
    @extend_schema(
        request=s.SoulseekSearchRequestSerializer,
        responses=s.SoulseekSearchResponseSerializer,
        summary="Search Soulseek through the shared search budget",
    )
    def post(self, request: Request) -> Response:
        text = _validated(s.SoulseekSearchRequestSerializer, request.data)["query"]
        client = SlskdClient.from_config()
        result = client.search(
            text,
            timeout=config.get_float("SLSKD_SEARCH_TIMEOUT_SEC", 20.0),
            lane=SoulseekSearch.Lane.MANUAL,
            requested_by="api",
        )
        return Response(
            {
                "search_id": result.search_id,
                "state": result.state,
                "is_complete": result.is_complete,
                "results": result.responses,
            }
        )


class SoulseekTransferView(APIView):
    """`GET /soulseek/download/{id}` (GUID ok): the live slskd transfer."""

    @extend_schema(responses={200: dict}, summary="Live slskd transfer of a download")
    def get(self, request: Request, download_id: str) -> Response:
        ref = locate_download(download_id)
        try:
            transfer = ref.client.get_download(ref.username, ref.transfer_id)
        except UpstreamNotFound:
            raise NotFound(DOWNLOAD_NOT_FOUND) from None
        return Response(transfer)


class SoulseekQueuePositionView(APIView):
    @extend_schema(responses=s.SoulseekQueuePositionSerializer, summary="Place in the peer's queue")
    def get(self, request: Request, download_id: str) -> Response:
        ref = locate_download(download_id)
        try:
            position = ref.client.queue_position(ref.username, ref.transfer_id)
        except UpstreamNotFound:
            raise NotFound(DOWNLOAD_NOT_FOUND) from None
        return Response({"download_id": _echo_id(download_id), "position": position})


class SoulseekAllDownloadsView(APIView):
    @extend_schema(responses=s.SoulseekDownloadsResponseSerializer, summary="Every slskd download")
    def get(self, request: Request) -> Response:
        transfers = SlskdClient.from_config().list_downloads(include_removed=True)
        return Response({"downloads": transfers})


class SoulseekCompletedDownloadsView(APIView):
    @extend_schema(
        responses=s.SoulseekRemovedResponseSerializer, summary="Clear finished downloads"
    )
    def delete(self, request: Request) -> Response:
        client = SlskdClient.from_config()
        removed = sum(1 for t in client.list_downloads() if _completed(t))
        client.clear_completed_downloads()
        return Response({"removed": removed})


class SoulseekEnqueueView(APIView):
    @extend_schema(
        request=s.SoulseekEnqueueRequestSerializer,
        responses=s.SoulseekEnqueueResponseSerializer,
        summary="Enqueue files at slskd without Harmony downloads (untracked)",
    )
    def post(self, request: Request) -> Response:
        data = _validated(s.SoulseekEnqueueRequestSerializer, request.data)
        client = SlskdClient.from_config()
        files = [{"filename": f["filename"], "size": f.get("size")} for f in data["files"]]
        result = client.enqueue(data["username"], files)
        return Response(
            {
                "status": "enqueued",
                "username": data["username"],
                "enqueued": [transfer["id"] for transfer in result.enqueued],
                "failed": result.failed,
            }
        )


class SoulseekUploadsView(APIView):
    @extend_schema(responses=s.SoulseekUploadsResponseSerializer, summary="Unfinished uploads")
    def get(self, request: Request) -> Response:
        uploads = SlskdClient.from_config().list_uploads()
        return Response({"uploads": [t for t in uploads if not _completed(t)]})


class SoulseekAllUploadsView(APIView):
    @extend_schema(responses=s.SoulseekUploadsResponseSerializer, summary="Every slskd upload")
    def get(self, request: Request) -> Response:
        return Response({"uploads": SlskdClient.from_config().list_uploads(include_removed=True)})


class SoulseekUploadView(APIView):
    @extend_schema(responses=s.SoulseekCancelledUploadSerializer, summary="Cancel an upload (GUID)")
    def delete(self, request: Request, upload_id: str) -> Response:
        guid = _guid(upload_id)
        if guid is None:
            raise NotFound(UPLOAD_NOT_FOUND)
        client = SlskdClient.from_config()
        for upload in client.list_uploads(include_removed=True):
            if upload["id"].lower() == guid:
                client.cancel_upload(upload["username"], upload["id"])
                return Response({"cancelled": upload["id"]})
        raise NotFound(UPLOAD_NOT_FOUND)


class SoulseekCompletedUploadsView(APIView):
    @extend_schema(responses=s.SoulseekRemovedResponseSerializer, summary="Clear finished uploads")
    def delete(self, request: Request) -> Response:
        client = SlskdClient.from_config()
        removed = sum(1 for t in client.list_uploads() if _completed(t))
        client.clear_completed_uploads()
        return Response({"removed": removed})


class SoulseekUserAddressView(APIView):
    @extend_schema(responses=s.SoulseekUserAddressSerializer, summary="IP and port of a user")
    def get(self, request: Request, username: str) -> Response:
        name = _username(username)
        client = SlskdClient.from_config()
        try:
            endpoint = client.user_endpoint(name)
        except UpstreamNotFound:
            raise NotFound(USER_NOT_FOUND) from None
        return Response(
            {"username": name, "address": endpoint["address"], "port": endpoint["port"]}
        )


class SoulseekUserBrowseView(APIView):
    @extend_schema(responses={200: dict}, summary="A user's shared directories")
    def get(self, request: Request, username: str) -> Response:
        name = _username(username)
        client = SlskdClient.from_config()
        try:
            return Response(client.browse(name))
        except UpstreamNotFound:
            raise NotFound(USER_NOT_FOUND) from None


class SoulseekUserDirectoryView(APIView):
    @extend_schema(
        parameters=[s.SoulseekDirectoryQuerySerializer],
        responses=s.SoulseekDirectoryResponseSerializer,
        summary="One directory of a user",
    )
    def get(self, request: Request, username: str) -> Response:
        name = _username(username)
        path = query(s.SoulseekDirectoryQuerySerializer, request)["path"]
        client = SlskdClient.from_config()
        try:
            directories = client.directory(name, path)
        except UpstreamNotFound:
            raise NotFound(USER_NOT_FOUND) from None
        return Response({"username": name, "path": path, "directories": directories})


class SoulseekUserInfoView(APIView):
    @extend_schema(responses={200: dict}, summary="A user's info (picture dropped)")
    def get(self, request: Request, username: str) -> Response:
        name = _username(username)
        client = SlskdClient.from_config()
        try:
            info = client.user_info(name)
        except UpstreamNotFound:
            raise NotFound(USER_NOT_FOUND) from None
        info.pop("picture", None)
        return Response(info)


class SoulseekUserStatusView(APIView):
    @extend_schema(responses=s.SoulseekUserStatusSerializer, summary="A user's presence")
    def get(self, request: Request, username: str) -> Response:
        name = _username(username)
        client = SlskdClient.from_config()
        try:
            status = client.user_status(name)
        except UpstreamNotFound:
            raise NotFound(USER_NOT_FOUND) from None
        presence = status["presence"]
        return Response(
            {
                "username": name,
                "presence": presence,
                "is_privileged": status["isPrivileged"],
                "online": presence in ONLINE_PRESENCES,
            }
        )


class SoulseekDownloadView(SoulseekTransferView, SoulseekDownloadCancelView):
    """`/soulseek/download/{id}`: GET reads the live transfer from slskd, DELETE cancels through
    the downloads service (the same code as `DELETE /api/download/{id}`)."""
