"""Match: a stored Spotify → Plex/Soulseek match with its review state (SPEC §1.6)."""

from __future__ import annotations

from django.db import models


class Match(models.Model):
    """A scored match; unique per (source, track, target, context) so repeats update in place.

    `decision` records the review band and the operator's verdict: `auto` (above auto-accept),
    `review` (between the threshold and auto-accept), `confirmed` / `rejected` (manual, and
    respected by every later sync). `scores` keeps the per-field scores ("why matched").
    """

    class Source(models.TextChoices):
        SPOTIFY_TO_PLEX = "spotify-to-plex"
        SPOTIFY_TO_SOULSEEK = "spotify-to-soulseek"
        SPOTIFY_TO_PLEX_ALBUM = "spotify-to-plex-album"

    class Decision(models.TextChoices):
        AUTO = "auto"
        REVIEW = "review"
        CONFIRMED = "confirmed"
        REJECTED = "rejected"

    source = models.CharField(max_length=32, choices=Source.choices)
    spotify_track_id = models.CharField(max_length=64, db_index=True)
    target_id = models.CharField(max_length=1024, blank=True, default="")
    context_id = models.CharField(max_length=128, blank=True, default="")
    confidence = models.FloatField(default=0.0)
    decision = models.CharField(
        max_length=16, choices=Decision.choices, default=Decision.AUTO, db_index=True
    )
    scores = models.JSONField(default=dict, blank=True)
    decided_by = models.CharField(max_length=150, null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "matches"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "spotify_track_id", "target_id", "context_id"],
                name="match_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.spotify_track_id} → {self.target_id or '∅'}"
