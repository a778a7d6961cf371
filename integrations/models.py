"""Playlist cache and the shared Soulseek search budget (SPEC §1.5; issue: no bans)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Playlist(models.Model):
    """A cached Spotify playlist, maintained by the playlist worker (SPEC §5.7)."""

    id = models.CharField(max_length=64, primary_key=True)
    name = models.CharField(max_length=512)
    owner = models.CharField(max_length=255, null=True, blank=True)
    snapshot_id = models.CharField(max_length=128, null=True, blank=True)
    track_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-updated_at", "id"]

    def __str__(self) -> str:
        return self.name


class SoulseekSearch(models.Model):
    """One Soulseek search through the shared, persistent budget.

    The Soulseek server bans an account after ~35 searches in 220 s, so every search of every
    worker is a row here: `waiting` rows are admitted by lane then age while the sliding window
    has room, `started_at` of admitted rows is the window.
    """

    class Lane(models.IntegerChoices):
        MANUAL = 40
        SAVED = 30
        PLAYLIST = 20
        WATCHLIST = 10

    class State(models.TextChoices):
        WAITING = "waiting"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    query = models.CharField(max_length=1024)
    lane = models.IntegerField(choices=Lane.choices, default=Lane.MANUAL)
    state = models.CharField(max_length=16, choices=State.choices, default=State.WAITING)
    search_id = models.CharField(max_length=64, null=True, blank=True)
    result_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=512, null=True, blank=True)
    requested_by = models.CharField(max_length=64, default="manual")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-lane", "created_at", "id"]
        indexes = [models.Index(fields=["state", "lane", "created_at"], name="slsk_search_queue")]

    def __str__(self) -> str:
        return f"{self.query} ({self.state})"
