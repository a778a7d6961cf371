"""Sync routes (SPEC §2.3)."""

from django.urls import path

from downloads.autosync.api import SyncView

urlpatterns = [path("api/sync", SyncView.as_view(), name="sync")]
