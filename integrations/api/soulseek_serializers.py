"""Request and response shapes of the `/soulseek` proxy endpoints (SPEC §2.8)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.api.fields import StrictIntegerField

# Soulseek queries are a few words; longer text only costs slskd work (RELIABILITY T16).
MAX_QUERY_LENGTH = 255
MAX_FILES = 100
MAX_USERNAME_LENGTH = 255
FILENAME_ALIASES = ("filename", "name")
SIZE_ALIASES = ("size", "filesize", "file_size")


class SoulseekSearchRequestSerializer(serializers.Serializer):
    """`POST /soulseek/search` body: a non-blank query."""

    query = serializers.CharField(max_length=MAX_QUERY_LENGTH, trim_whitespace=True)


class SoulseekSearchResponseSerializer(serializers.Serializer):
    search_id = serializers.CharField()
    state = serializers.CharField()
    is_complete = serializers.BooleanField()
    results = serializers.ListField(child=serializers.DictField())


class SoulseekEnqueueFileSerializer(serializers.Serializer):
    """One file of an enqueue body; `name` and `filesize`/`file_size` are accepted aliases."""

    filename = serializers.CharField(max_length=1024, trim_whitespace=False)
    size = StrictIntegerField(min_value=0, required=False, allow_null=True)
    priority = StrictIntegerField(required=False, allow_null=True)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            data = dict(data)
            for canonical, aliases in (("filename", FILENAME_ALIASES), ("size", SIZE_ALIASES)):
                for alias in aliases:
                    if data.get(canonical) is None and data.get(alias) is not None:
                        data[canonical] = data[alias]
        value = super().to_internal_value(data)
        if not value["filename"].strip():
            raise serializers.ValidationError({"filename": ["This field may not be blank."]})
        return value


class SoulseekEnqueueRequestSerializer(serializers.Serializer):
    """`POST /soulseek/enqueue` body, shaped like `POST /api/download` (SPEC §2.4)."""

    username = serializers.CharField(max_length=MAX_USERNAME_LENGTH, trim_whitespace=True)
    priority = StrictIntegerField(required=False, allow_null=True)
    files = serializers.ListField(
        child=SoulseekEnqueueFileSerializer(), min_length=1, max_length=MAX_FILES
    )


class SoulseekEnqueueFailureSerializer(serializers.Serializer):
    filename = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class SoulseekEnqueueResponseSerializer(serializers.Serializer):
    status = serializers.CharField()
    username = serializers.CharField()
    enqueued = serializers.ListField(child=serializers.CharField())
    failed = SoulseekEnqueueFailureSerializer(many=True)


class SoulseekServerInfoSerializer(serializers.Serializer):
    state = serializers.CharField(allow_null=True)
    is_logged_in = serializers.BooleanField()
    address = serializers.CharField(allow_null=True)


class SoulseekStatusResponseSerializer(serializers.Serializer):
    """`connected` (+`server`), `disconnected` (+`error`, `server` if reachable), `unconfigured`
    (+`missing`)."""

    status = serializers.ChoiceField(choices=["connected", "disconnected", "unconfigured"])
    server = SoulseekServerInfoSerializer(required=False)
    error = serializers.CharField(required=False)
    missing = serializers.ListField(child=serializers.CharField(), required=False)


class SoulseekDownloadsResponseSerializer(serializers.Serializer):
    downloads = serializers.ListField(child=serializers.DictField())


class SoulseekUploadsResponseSerializer(serializers.Serializer):
    uploads = serializers.ListField(child=serializers.DictField())


class SoulseekRemovedResponseSerializer(serializers.Serializer):
    removed = serializers.IntegerField()


class SoulseekCancelledUploadSerializer(serializers.Serializer):
    cancelled = serializers.CharField()


class SoulseekQueuePositionSerializer(serializers.Serializer):
    download_id = serializers.JSONField(
        help_text="Harmony download id, or the slskd GUID asked for"
    )
    position = serializers.IntegerField()


class SoulseekUserAddressSerializer(serializers.Serializer):
    username = serializers.CharField()
    address = serializers.CharField()
    port = serializers.IntegerField()


class SoulseekDirectoryQuerySerializer(serializers.Serializer):
    """`?path=` of `GET /soulseek/user/{username}/directory`: required, non-blank."""

    path = serializers.CharField(max_length=4096, trim_whitespace=False)

    def validate_path(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value


class SoulseekDirectoryResponseSerializer(serializers.Serializer):
    username = serializers.CharField()
    path = serializers.CharField()
    directories = serializers.ListField(child=serializers.DictField())


class SoulseekUserStatusSerializer(serializers.Serializer):
    username = serializers.CharField()
    presence = serializers.CharField()
    is_privileged = serializers.BooleanField()
    online = serializers.BooleanField()
