"""ActivityEvent: the persistent activity history (SPEC §1.4)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ActivityEventQuerySet(models.QuerySet):
    def newest_first(self) -> ActivityEventQuerySet:
        return self.order_by("-timestamp", "-id")


class ActivityEvent(models.Model):
    """One recorded event; `type`/`status` names come from `activity.catalogue`."""

    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    type = models.CharField(max_length=128)
    status = models.CharField(max_length=128)
    details = models.JSONField(default=dict, blank=True)

    objects = ActivityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["type", "status", "timestamp"], name="activity_type_status_ts"),
            models.Index(fields=["status", "timestamp"], name="activity_status_ts"),
        ]

    def __str__(self) -> str:
        return f"{self.type}/{self.status} @ {self.timestamp:%Y-%m-%d %H:%M:%S}"


class ActivityCount(models.Model):
    """Running count of events per (type, status), kept by `record()`.

    `total_count` of the activity list would otherwise count up to millions of rows on every
    poll of the dashboard; events are append-only, so a counter is exact.
    """

    type = models.CharField(max_length=128)
    status = models.CharField(max_length=128)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "status"], name="activity_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.type}/{self.status}: {self.count}"
