"""Request and response shapes of the `/plex` endpoints (SPEC §2.7).

Plex rating keys are decimal numbers; they are checked here because they end up in Plex paths
and `server://…/library/metadata/<ids>` URIs.
"""

from __future__ import annotations

import math
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import StrictBooleanField, StrictIntegerField
from integrations.clients.plex import TAG_FIELDS

MAX_IDS = 1000
MAX_MS = 2**53


class RatingKeyField(serializers.RegexField):
    """A Plex `ratingKey` (also accepted as a JSON number)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"invalid": "Must be a Plex rating key (digits)."})
        super().__init__(r"^[0-9]{1,20}\Z", max_length=20, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        return super().to_internal_value(str(data))


@extend_schema_field(OpenApiTypes.NUMBER)
class RatingField(serializers.Field):
    """A rating 0–10 or null (null clears the rating); booleans and text are refused."""

    default_error_messages = {"invalid": "Must be a number from 0 to 10, or null."}

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        if not math.isfinite(data) or not 0 <= data <= 10:
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


def rating_key_list(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=RatingKeyField(), min_length=1, max_length=MAX_IDS, **kwargs)


class TimelineQuerySerializer(serializers.Serializer):
    ratingKey = RatingKeyField(required=False)  # Plex spelling (SPEC §2.7)


class TimelineUpdateSerializer(serializers.Serializer):
    ratingKey = RatingKeyField()
    state = serializers.ChoiceField(choices=["playing", "paused", "stopped"])
    time = StrictIntegerField(min_value=0, max_value=MAX_MS)
    duration = StrictIntegerField(min_value=0, max_value=MAX_MS, required=False, allow_null=True)
    key = serializers.RegexField(r"^/[^\s]*$", max_length=512, required=False, allow_null=True)


class ScrobbleSerializer(serializers.Serializer):
    key = RatingKeyField()


class RateSerializer(serializers.Serializer):
    key = RatingKeyField()
    rating = RatingField(allow_null=True)


class PlaylistCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=1000)
    item_ids = rating_key_list()


class PlaylistIdSerializer(serializers.Serializer):
    """`playlist_id` on the collection path (D27)."""

    playlist_id = RatingKeyField()


class PlaylistUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=1000, required=False)
    summary = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    add_item_ids = rating_key_list(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(
                {"non_field_errors": ["Give at least one of title, summary, add_item_ids."]}
            )
        return attrs


class PlayQueueCreateSerializer(serializers.Serializer):
    item_ids = rating_key_list(required=False)
    playlist_id = RatingKeyField(required=False)
    shuffle = StrictBooleanField(required=False, default=False)
    repeat = StrictIntegerField(min_value=0, max_value=2, required=False, default=0)
    continuous = StrictBooleanField(required=False, default=False)
    start_item_id = RatingKeyField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("item_ids" in attrs) == ("playlist_id" in attrs):
            message = ["Give either item_ids or playlist_id."]
            raise serializers.ValidationError({"item_ids": message, "playlist_id": message})
        return attrs


def tag_list() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=255), max_length=500, required=False
    )


class TagsSerializer(serializers.Serializer):
    """Lists for any of genre, mood, style, collection, label; any other key is a 422."""

    genre = tag_list()
    mood = tag_list()
    style = tag_list()
    collection = tag_list()
    label = tag_list()

    def to_internal_value(self, data: Any) -> dict[str, list[str]]:
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in TAG_FIELDS)
            if unknown:
                allowed = ", ".join(TAG_FIELDS)
                raise serializers.ValidationError(
                    {key: [f"Unknown tag field; use {allowed}."] for key in unknown}
                )
        values = super().to_internal_value(data)
        if not values:
            raise serializers.ValidationError(
                {"non_field_errors": [f"Give at least one of {', '.join(TAG_FIELDS)}."]}
            )
        return values


class TimelineEntrySerializer(serializers.Serializer):
    """A timeline entry derived from one `/status/sessions` entry."""

    ratingKey = serializers.CharField()
    key = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    time = serializers.IntegerField()
    duration = serializers.IntegerField(allow_null=True)
    player = serializers.CharField(allow_null=True)
    user = serializers.CharField(allow_null=True)

    def to_representation(self, instance: dict[str, Any]) -> dict[str, Any]:
        player = instance.get("Player") if isinstance(instance.get("Player"), dict) else {}
        user = instance.get("User") if isinstance(instance.get("User"), dict) else {}
        return {
            "ratingKey": str(instance.get("ratingKey", "")),
            "key": instance.get("key"),
            "state": player.get("state"),
            "time": instance.get("viewOffset", 0),
            "duration": instance.get("duration"),
            "player": player.get("title"),
            "user": user.get("title"),
        }


# Response shapes (OpenAPI)


class PlexJSONSerializer(serializers.Serializer):
    """Plex's own JSON, returned unchanged."""

    MediaContainer = serializers.DictField()


class LibraryCountsSerializer(serializers.Serializer):
    artists = serializers.IntegerField()
    albums = serializers.IntegerField()
    tracks = serializers.IntegerField()


class PlexStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["connected", "disconnected", "unconfigured"])
    sessions = PlexJSONSerializer(required=False)
    library = LibraryCountsSerializer(required=False)
    error = serializers.CharField(required=False)
    missing = serializers.ListField(child=serializers.CharField(), required=False)


class TimelineSerializer(serializers.Serializer):
    timeline = TimelineEntrySerializer(many=True)


class OkSerializer(serializers.Serializer):
    status = serializers.CharField()


class PlaylistChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["updated", "deleted"])
    id = serializers.CharField()


class TagsResultSerializer(serializers.Serializer):
    status = serializers.CharField()
    id = serializers.CharField()
    tags = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
