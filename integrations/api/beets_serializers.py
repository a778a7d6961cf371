"""Request and response shapes of the beets endpoints (SPEC §2.12)."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import StrictBooleanField
from integrations.clients.beets import DEFAULT_FORMAT

# Long enough for any real query or path; keeps argument lists far below the OS limit.
MAX_TEXT = 4096


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=MAX_TEXT, trim_whitespace=False, **kwargs)


class BeetsImportSerializer(serializers.Serializer):
    """`POST /beets/import`: a path under `MUSIC_DIR` or `SLSKD_DOWNLOADS_DIR` (T41)."""

    path = _text()
    quiet = StrictBooleanField(required=False, default=True)
    autotag = StrictBooleanField(required=False, default=False)
    copy = StrictBooleanField(required=False, default=False)


class BeetsUpdateSerializer(serializers.Serializer):
    """`POST /beets/update`: a query or a path, or neither for the whole library."""

    query = _text(required=False, allow_blank=True, allow_null=True, default=None)
    path = _text(required=False, allow_blank=True, allow_null=True, default=None)

    def validate(self, attrs: dict) -> dict:
        if (attrs.get("query") or "").strip() and (attrs.get("path") or "").strip():
            raise serializers.ValidationError({"path": ["Give either query or path, not both."]})
        return attrs


class BeetsSelectionSerializer(serializers.Serializer):
    """`POST /beets/move`, `/beets/write`: optional query; all items need `all: true` (T40)."""

    query = _text(required=False, allow_blank=True, allow_null=True, default=None)
    all = StrictBooleanField(required=False, default=False)


class BeetsRemoveSerializer(BeetsSelectionSerializer):
    """`POST /beets/remove`: the query is required (it may be blank only with `all: true`)."""

    query = _text(allow_blank=True)
    delete_files = StrictBooleanField(required=False, default=False)


class BeetsQuerySerializer(serializers.Serializer):
    """`POST /beets/query`: a required query and a beets format string."""

    query = _text()
    format = _text(required=False, default=DEFAULT_FORMAT)


class BeetsMessageSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()


class BeetsRemovedSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    removed = serializers.IntegerField()


class BeetsMovedSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    moved = serializers.IntegerField()


class BeetsWrittenSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    written = serializers.IntegerField()


class BeetsAlbumsSerializer(serializers.Serializer):
    albums = serializers.ListField(child=serializers.CharField())


class BeetsTracksSerializer(serializers.Serializer):
    tracks = serializers.ListField(child=serializers.CharField())


class BeetsStatsSerializer(serializers.Serializer):
    stats = serializers.DictField(child=serializers.CharField())


class BeetsFieldsSerializer(serializers.Serializer):
    fields = serializers.ListField(child=serializers.CharField())


class BeetsResultsSerializer(serializers.Serializer):
    results = serializers.ListField(child=serializers.CharField())
