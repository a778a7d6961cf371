"""Shapes of the watchlist and artist-preference endpoints (SPEC §2.10–§2.11)."""

from __future__ import annotations

from rest_framework import serializers

from core.timefmt import iso_z
from watchlist.models import WatchlistArtist


class PreferenceSerializer(serializers.Serializer):
    artist_id = serializers.CharField(max_length=64, trim_whitespace=True)
    release_id = serializers.CharField(max_length=64, trim_whitespace=True)
    selected = serializers.BooleanField()


class PreferencesSerializer(serializers.Serializer):
    preferences = PreferenceSerializer(many=True, allow_empty=True, max_length=10_000)


class WatchlistArtistSerializer(serializers.ModelSerializer):
    last_checked = serializers.SerializerMethodField()
    created_at = serializers.SerializerMethodField()

    class Meta:
        model = WatchlistArtist
        fields = ["id", "spotify_artist_id", "name", "last_checked", "created_at"]

    def get_last_checked(self, obj: WatchlistArtist) -> str | None:
        return iso_z(obj.last_checked)

    def get_created_at(self, obj: WatchlistArtist) -> str | None:
        return iso_z(obj.created_at)


class WatchlistCreateSerializer(serializers.Serializer):
    spotify_artist_id = serializers.CharField(max_length=64, trim_whitespace=True)
    name = serializers.CharField(max_length=512, trim_whitespace=True)


class WatchlistListSerializer(serializers.Serializer):
    items = WatchlistArtistSerializer(many=True)
