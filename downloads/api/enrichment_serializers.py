"""Response shapes of the enrichment endpoints (SPEC §2.2, §2.8; lyrics per the product owner)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from downloads.lyrics import Lyrics
from downloads.models import Download


class MetadataStateSerializer(serializers.Serializer):
    """The refresh state object (SPEC §2.2)."""

    status = serializers.ChoiceField(
        choices=["idle", "running", "stopping", "stopped", "completed", "error"]
    )
    phase = serializers.CharField()
    processed = serializers.IntegerField()
    matching_queue = serializers.IntegerField()
    started_at = serializers.CharField(allow_null=True)
    completed_at = serializers.CharField(allow_null=True)
    error = serializers.CharField(allow_null=True)


class MetadataMessageSerializer(serializers.Serializer):
    """`{"message", "state"}` of `POST /api/metadata/update|stop`."""

    message = serializers.CharField()
    state = MetadataStateSerializer()


class DownloadMetadataSerializer(serializers.Serializer):
    """`GET /soulseek/download/{id}/metadata` (SPEC §2.8)."""

    id = serializers.IntegerField()
    filename = serializers.CharField()
    genre = serializers.CharField(allow_null=True)
    composer = serializers.CharField(allow_null=True)
    producer = serializers.CharField(allow_null=True)
    isrc = serializers.CharField(allow_null=True)
    copyright = serializers.CharField(allow_null=True)

    def to_representation(self, instance: Download) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "filename": instance.filename,
            "genre": instance.genre,
            "composer": instance.composer,
            "producer": instance.producer,
            "isrc": instance.isrc,
            "copyright": instance.copyright,
        }


class LyricsSerializer(serializers.Serializer):
    """`GET /soulseek/download/{id}/lyrics` when lyrics exist."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    synced = serializers.BooleanField()
    lyrics = serializers.CharField()
    path = serializers.CharField()


def lyrics_body(download: Download, lyrics: Lyrics) -> dict[str, Any]:
    return {
        "id": download.pk,
        "status": download.lyrics_status,
        "synced": lyrics.synced,
        "lyrics": lyrics.text,
        "path": download.lyrics_path,
    }


class EnrichmentStatusSerializer(serializers.Serializer):
    """`{"status": "queued" | "pending"}` of the refresh endpoints."""

    status = serializers.CharField()
