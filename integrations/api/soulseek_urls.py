"""/soulseek routes (paths are contract, SPEC §2.8)."""

from django.urls import path

from integrations.api import soulseek_download_views as downloads
from integrations.api import soulseek_views as views

urlpatterns = [
    path("soulseek/download", downloads.SoulseekDownloadCreateView.as_view()),
    path("soulseek/downloads", downloads.SoulseekDownloadListView.as_view()),
    path("soulseek/status", views.SoulseekStatusView.as_view()),
    path("soulseek/search", views.SoulseekSearchView.as_view()),
    path("soulseek/download/<str:download_id>", views.SoulseekDownloadView.as_view()),
    path("soulseek/download/<str:download_id>/queue", views.SoulseekQueuePositionView.as_view()),
    path("soulseek/downloads/all", views.SoulseekAllDownloadsView.as_view()),
    path("soulseek/downloads/completed", views.SoulseekCompletedDownloadsView.as_view()),
    path("soulseek/enqueue", views.SoulseekEnqueueView.as_view()),
    path("soulseek/uploads", views.SoulseekUploadsView.as_view()),
    path("soulseek/uploads/all", views.SoulseekAllUploadsView.as_view()),
    path("soulseek/upload/<str:upload_id>", views.SoulseekUploadView.as_view()),
    path("soulseek/uploads/completed", views.SoulseekCompletedUploadsView.as_view()),
    path("soulseek/user/<path:username>/address", views.SoulseekUserAddressView.as_view()),
    path("soulseek/user/<path:username>/browse", views.SoulseekUserBrowseView.as_view()),
    path("soulseek/user/<path:username>/directory", views.SoulseekUserDirectoryView.as_view()),
    path("soulseek/user/<path:username>/info", views.SoulseekUserInfoView.as_view()),
    path("soulseek/user/<path:username>/status", views.SoulseekUserStatusView.as_view()),
]
