"""WatchlistArtist and ArtistPreference (SPEC §1.7)."""

from __future__ import annotations

from django.db import models


class WatchlistArtist(models.Model):
    """A Spotify artist whose new releases are fetched automatically (SPEC §5.9)."""

    spotify_artist_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=512)
    last_checked = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=512, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class ArtistPreference(models.Model):
    """Whether a release (Spotify album id) of an artist is enabled for sync (SPEC §5.8)."""

    artist_id = models.CharField(max_length=64)
    release_id = models.CharField(max_length=64)
    selected = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["artist_id", "release_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["artist_id", "release_id"], name="artist_release_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.artist_id}/{self.release_id}: {self.selected}"
