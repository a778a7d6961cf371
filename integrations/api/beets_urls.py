"""/beets routes (paths are contract, SPEC §2.12)."""

from __future__ import annotations

from django.urls import path

from integrations.api import beets_views as views

urlpatterns = [
    path("beets/import", views.BeetsImportView.as_view()),
    path("beets/update", views.BeetsUpdateView.as_view()),
    path("beets/remove", views.BeetsRemoveView.as_view()),
    path("beets/move", views.BeetsMoveView.as_view()),
    path("beets/write", views.BeetsWriteView.as_view()),
    path("beets/albums", views.BeetsAlbumsView.as_view()),
    path("beets/tracks", views.BeetsTracksView.as_view()),
    path("beets/stats", views.BeetsStatsView.as_view()),
    path("beets/fields", views.BeetsFieldsView.as_view()),
    path("beets/query", views.BeetsQueryView.as_view()),
]
