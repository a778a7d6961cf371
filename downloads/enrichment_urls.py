"""Enrichment routes (paths are contract, SPEC §2.2, §2.8). Included by `harmony/urls.py`."""

from django.urls import path

from downloads.api import enrichment_views as views

urlpatterns = [
    path("api/metadata/update", views.MetadataUpdateView.as_view(), name="metadata-update"),
    path("api/metadata/status", views.MetadataStatusView.as_view(), name="metadata-status"),
    path("api/metadata/stop", views.MetadataStopView.as_view(), name="metadata-stop"),
    # <str:…>: "abc" must still get a JSON 404 (SPEC §0.2).
    path(
        "soulseek/download/<str:download_id>/metadata",
        views.DownloadMetadataView.as_view(),
        name="download-metadata",
    ),
    path(
        "soulseek/download/<str:download_id>/metadata/refresh",
        views.DownloadMetadataRefreshView.as_view(),
        name="download-metadata-refresh",
    ),
    path(
        "soulseek/download/<str:download_id>/artwork",
        views.DownloadArtworkView.as_view(),
        name="download-artwork",
    ),
    path(
        "soulseek/download/<str:download_id>/artwork/refresh",
        views.DownloadArtworkRefreshView.as_view(),
        name="download-artwork-refresh",
    ),
    path(
        "soulseek/download/<str:download_id>/lyrics",
        views.DownloadLyricsView.as_view(),
        name="download-lyrics",
    ),
    path(
        "soulseek/download/<str:download_id>/lyrics/refresh",
        views.DownloadLyricsRefreshView.as_view(),
        name="download-lyrics-refresh",
    ),
]
