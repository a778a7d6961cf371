"""Request and response shapes of the `/spotify` endpoints (SPEC §2.6).

Query parameters and bodies are validated here (422 naming the field, SPEC §0.2); upstream
objects pass through as they come (minus `available_markets`), so their response serializers
only describe the envelope for the schema.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.api.fields import StrictIntegerField
from integrations.clients.spotify import URI_RE, is_id

MAX_QUERY = 500
MAX_OFFSET = 100_000
TIME_RANGES = ("short_term", "medium_term", "long_term")
SEED_FIELDS = ("seed_tracks", "seed_artists", "seed_genres")


class SpotifyIdField(serializers.CharField):
    """A Spotify base62 id."""

    default_error_messages = {"invalid_id": "Not a Spotify id."}

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not is_id(value):
            self.fail("invalid_id")
        return value


class TrackUriField(serializers.CharField):
    """A `spotify:track:<id>` (or episode) URI, as playlists accept."""

    default_error_messages = {"invalid_uri": "Must be a URI like spotify:track:<id>."}

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if URI_RE.fullmatch(value) is None:
            self.fail("invalid_uri")
        return value


class CommaListField(serializers.CharField):
    """A comma list in a query parameter (`ids=a,b,c`); blanks between commas are ignored."""

    default_error_messages = {
        "invalid_id": "Every entry must be a Spotify id.",
        "too_many": "At most {max_items} entries.",
        "empty": "At least one entry is required.",
    }

    def __init__(self, *, max_items: int, ids: bool = True, **kwargs: Any) -> None:
        self.max_items, self.ids = max_items, ids
        kwargs.setdefault("max_length", 10_000)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        text = super().to_internal_value(data)
        items = [part.strip() for part in text.split(",") if part.strip()]
        if not items and self.required:
            self.fail("empty")
        if len(items) > self.max_items:
            self.fail("too_many", max_items=self.max_items)
        if self.ids and not all(is_id(item) for item in items):
            self.fail("invalid_id")
        return items


class SearchQuerySerializer(serializers.Serializer):
    query = serializers.CharField(max_length=MAX_QUERY)
    limit = StrictIntegerField(min_value=1, max_value=50, default=20)


class AudioFeaturesQuerySerializer(serializers.Serializer):
    ids = CommaListField(max_items=100)


class PlaylistTracksQuerySerializer(serializers.Serializer):
    limit = StrictIntegerField(min_value=1, max_value=100, default=100)
    offset = StrictIntegerField(min_value=0, max_value=MAX_OFFSET, default=0)


class SavedTracksQuerySerializer(serializers.Serializer):
    limit = StrictIntegerField(min_value=1, max_value=50, default=20)
    offset = StrictIntegerField(min_value=0, max_value=MAX_OFFSET, default=0)


class TopQuerySerializer(serializers.Serializer):
    limit = StrictIntegerField(min_value=1, max_value=50, default=20)
    time_range = serializers.ChoiceField(choices=TIME_RANGES, default="medium_term")


class RecommendationsQuerySerializer(serializers.Serializer):
    seed_tracks = CommaListField(max_items=5, required=False, default=list)
    seed_artists = CommaListField(max_items=5, required=False, default=list)
    seed_genres = CommaListField(max_items=5, ids=False, required=False, default=list)
    limit = StrictIntegerField(min_value=1, max_value=100, default=20)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not 1 <= sum(len(attrs.get(name) or []) for name in SEED_FIELDS) <= 5:
            message = "Give 1–5 seeds in total (seed_tracks, seed_artists, seed_genres)."
            raise serializers.ValidationError({key: [message] for key in SEED_FIELDS})
        return attrs


class PlaylistAddSerializer(serializers.Serializer):
    uris = serializers.ListField(child=TrackUriField(), min_length=1, max_length=100)
    position = StrictIntegerField(min_value=0, required=False, allow_null=True, default=None)


class PlaylistRemoveSerializer(serializers.Serializer):
    uris = serializers.ListField(child=TrackUriField(), min_length=1, max_length=100)


class PlaylistReorderSerializer(serializers.Serializer):
    range_start = StrictIntegerField(min_value=0)
    insert_before = StrictIntegerField(min_value=0)
    range_length = StrictIntegerField(min_value=1, default=1)
    snapshot_id = serializers.CharField(max_length=200, required=False, allow_null=True)


class SavedTracksBodySerializer(serializers.Serializer):
    ids = serializers.ListField(child=SpotifyIdField(), min_length=1, max_length=50)


# Responses (schema only)


class SpotifyUserSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    display_name = serializers.CharField(allow_null=True)


class SpotifyStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["connected", "unauthenticated", "unconfigured", "disconnected"]
    )
    user = SpotifyUserSerializer(required=False)
    missing = serializers.ListField(child=serializers.CharField(), required=False)
    error = serializers.CharField(required=False)


class ItemsSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.DictField())


class PagedItemsSerializer(ItemsSerializer):
    total = serializers.IntegerField()


class TrackSerializer(serializers.Serializer):
    track = serializers.DictField()


class AudioFeaturesSerializer(serializers.Serializer):
    audio_features = serializers.DictField()


class AudioFeaturesListSerializer(serializers.Serializer):
    audio_features = serializers.ListField(child=serializers.DictField(allow_null=True))


class FollowedArtistsSerializer(serializers.Serializer):
    artists = serializers.ListField(child=serializers.DictField())


class ReleasesSerializer(serializers.Serializer):
    artist_id = serializers.CharField()
    releases = serializers.ListField(child=serializers.DictField())


class PlaylistSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    track_count = serializers.IntegerField()
    updated_at = serializers.CharField()


class PlaylistListSerializer(serializers.Serializer):
    playlists = PlaylistSerializer(many=True)


class StatusSnapshotSerializer(serializers.Serializer):
    status = serializers.CharField()
    snapshot_id = serializers.CharField()


class StatusOnlySerializer(serializers.Serializer):
    status = serializers.CharField()


class ProfileSerializer(serializers.Serializer):
    profile = serializers.DictField()


class RecommendationsSerializer(serializers.Serializer):
    tracks = serializers.ListField(child=serializers.DictField())
    seeds = serializers.ListField(child=serializers.DictField())
