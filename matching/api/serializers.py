"""Request and response shapes of the `/matching` endpoints (SPEC §2.9, §1.6).

Bodies are validated here (422 naming the field, SPEC §0.2); candidates are checked by
`matching.api.fields.ObjectField` and echoed back unchanged as `best_match`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import StrictBooleanField, StrictCharField, StrictIntegerField
from core.timefmt import iso_z
from matching.api.fields import (
    AlbumField,
    NamesField,
    NumberField,
    ObjectField,
    identifier,
    number,
    text,
    year,
)
from matching.models import Match

MAX_CANDIDATES = 1000
MAX_TRACKS = 1000
MAX_NAME = 512
MAX_TRACK_ID = 64  # Match.spotify_track_id
MAX_ALBUM_ID = 128  # Match.context_id
MAX_FILENAME = 1024  # Match.target_id
LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX = 50, 100
MAX_OFFSET = 10**9

PLEX_TRACK = {
    "id": identifier,
    "ratingKey": identifier,
    "title": text(),
    "artist": text(),
    "grandparentTitle": text(),
    "originalTitle": text(),
    "album": text(),
    "parentTitle": text(),
    "duration": number,
}
SOULSEEK_FILE = {
    "filename": text(MAX_FILENAME),
    "username": text(),
    "size": number,
    "bitrate": number,
    "bitRate": number,
    "length": number,
    "extension": text(16),
}
PLEX_ALBUM = {
    "ratingKey": identifier,
    "id": identifier,
    "title": text(),
    "parentTitle": text(),
    "grandparentTitle": text(),
    "leafCount": number,
    "year": year,
    "originallyAvailableAt": text(32),
}
ALBUM_TRACK = {"id": text(MAX_TRACK_ID), "name": text()}


def candidates(schema: Mapping[str, Any], **kwargs: Any) -> serializers.ListField:
    """A list of at most 1,000 candidate objects."""
    return serializers.ListField(
        child=ObjectField(schema, **kwargs), max_length=MAX_CANDIDATES, allow_empty=True
    )


class SpotifyTrackSerializer(serializers.Serializer):
    """The Spotify side of a track match: `id` and `name` required (SPEC §2.9)."""

    id = StrictCharField(max_length=MAX_TRACK_ID)
    name = StrictCharField(max_length=MAX_NAME)
    artists = NamesField(required=False, allow_null=True)
    artist = NamesField(required=False, allow_null=True)
    album = AlbumField(required=False, allow_null=True)
    duration_ms = NumberField(required=False, allow_null=True)


class PlexMatchRequestSerializer(serializers.Serializer):
    """`POST /matching/spotify-to-plex` body."""

    spotify_track = SpotifyTrackSerializer()
    candidates = candidates(PLEX_TRACK)


class SoulseekMatchRequestSerializer(serializers.Serializer):
    """`POST /matching/spotify-to-soulseek` body; every file needs its `filename`."""

    spotify_track = SpotifyTrackSerializer()
    candidates = candidates(SOULSEEK_FILE, required_keys=("filename",))


@extend_schema_field(OpenApiTypes.ANY)
class AlbumTracksField(serializers.Field):
    """`tracks` as `{"items": [...]}` or `[...]` of track objects (at most 1,000)."""

    default_error_messages = {
        "invalid": "Must be a list of tracks or an object with an `items` list.",
        "too_many": f"At most {MAX_TRACKS} tracks.",
    }

    def to_internal_value(self, data: Any) -> Any:
        items = data.get("items") if isinstance(data, Mapping) else data
        if not isinstance(items, list):
            self.fail("invalid")
        if len(items) > MAX_TRACKS:
            self.fail("too_many")
        errors = {}
        check = ObjectField(ALBUM_TRACK)
        for index, item in enumerate(items):
            try:
                check.to_internal_value(item)
            except serializers.ValidationError as exc:
                errors[str(index)] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class SpotifyAlbumSerializer(serializers.Serializer):
    """The Spotify side of an album match: `id` and `name` required (SPEC §2.9)."""

    id = StrictCharField(max_length=MAX_ALBUM_ID)
    name = StrictCharField(max_length=MAX_NAME)
    artists = NamesField(required=False, allow_null=True)
    total_tracks = NumberField(required=False, allow_null=True)
    release_date = StrictCharField(required=False, allow_null=True, allow_blank=True, max_length=32)
    tracks = AlbumTracksField(required=False, allow_null=True)


class AlbumMatchRequestSerializer(serializers.Serializer):
    """`POST /matching/spotify-to-plex-album` body."""

    spotify_album = SpotifyAlbumSerializer()
    candidates = candidates(PLEX_ALBUM)


class AlbumMatchQuerySerializer(serializers.Serializer):
    """`?persist=true|false` (strict booleans, SPEC §0.2)."""

    persist = StrictBooleanField(required=False, default=False)


class MatchResponseSerializer(serializers.Serializer):
    """`{"best_match": <candidate as sent> | null, "confidence": 0.9}`."""

    best_match = serializers.JSONField(allow_null=True)
    confidence = serializers.FloatField()


class MatchListQuerySerializer(serializers.Serializer):
    """Filters and paging of `GET /matching/matches`; `limit` above 100 is clamped."""

    decision = serializers.ChoiceField(choices=Match.Decision.choices, required=False)
    source = serializers.ChoiceField(choices=Match.Source.choices, required=False)
    spotify_track_id = StrictCharField(required=False, max_length=MAX_TRACK_ID)
    limit = StrictIntegerField(required=False, default=LIST_LIMIT_DEFAULT, min_value=1)
    offset = StrictIntegerField(required=False, default=0, min_value=0, max_value=MAX_OFFSET)

    def validate_limit(self, value: int) -> int:
        return min(value, LIST_LIMIT_MAX)


class MatchSerializer(serializers.Serializer):
    """A stored match with its review state and per-field scores ("why (not) matched")."""

    id = serializers.IntegerField()
    source = serializers.ChoiceField(choices=Match.Source.choices)
    spotify_track_id = serializers.CharField()
    target_id = serializers.CharField()
    context_id = serializers.CharField()
    confidence = serializers.FloatField()
    decision = serializers.ChoiceField(choices=Match.Decision.choices)
    scores = serializers.JSONField()
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.CharField(allow_null=True)
    created_at = serializers.CharField()
    updated_at = serializers.CharField()

    def to_representation(self, instance: Match) -> dict[str, Any]:
        m = instance
        return {
            "id": m.pk,
            "source": m.source,
            "spotify_track_id": m.spotify_track_id,
            "target_id": m.target_id,
            "context_id": m.context_id,
            "confidence": round(float(m.confidence), 4),
            "decision": m.decision,
            "scores": m.scores or {},
            "decided_by": m.decided_by,
            "decided_at": iso_z(m.decided_at),
            "created_at": iso_z(m.created_at),
            "updated_at": iso_z(m.updated_at),
        }


class MatchPageSerializer(serializers.Serializer):
    """`{"items": [...], "total": n, "limit": l, "offset": o}`."""

    items = MatchSerializer(many=True)
    total = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
