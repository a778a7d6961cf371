"""URLconf for the `/soulseek` download route tests: the three Harmony-download routes first
(as `integrations/api/soulseek_urls.py` wires them), then the project's routes."""

from django.urls import include, path

from integrations.api import soulseek_download_views as views

urlpatterns = [
    path("soulseek/download", views.SoulseekDownloadCreateView.as_view()),
    path("soulseek/downloads", views.SoulseekDownloadListView.as_view()),
    path("soulseek/download/<str:download_id>", views.SoulseekDownloadCancelView.as_view()),
    path("", include("harmony.urls")),
]
