"""Admin for the watchlist and release preferences."""

from django.contrib import admin

from watchlist.models import ArtistPreference, WatchlistArtist


@admin.register(WatchlistArtist)
class WatchlistArtistAdmin(admin.ModelAdmin):
    list_display = ["name", "spotify_artist_id", "last_checked", "created_at"]
    search_fields = ["name", "spotify_artist_id"]
    readonly_fields = ["created_at"]


@admin.register(ArtistPreference)
class ArtistPreferenceAdmin(admin.ModelAdmin):
    list_display = ["artist_id", "release_id", "selected", "updated_at"]
    list_filter = ["selected"]
    search_fields = ["artist_id", "release_id"]
    readonly_fields = ["updated_at"]
