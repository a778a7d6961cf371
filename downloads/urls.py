"""downloads routes (paths are contract, SPEC §2.4)."""

from django.urls import path

from downloads.api.views import DownloadViewSet

download = DownloadViewSet.as_view

urlpatterns = [
    path("api/downloads", download({"get": "list"}), name="download-list"),
    path("api/downloads/export", download({"get": "export"}), name="download-export"),
    path("api/download", download({"post": "create"}), name="download-create"),
    # <str:pk>: "abc" must still get a JSON 404 from the service (SPEC §0.2).
    path(
        "api/download/<str:pk>",
        download({"get": "retrieve", "delete": "destroy"}),
        name="download-detail",
    ),
    path(
        "api/download/<str:pk>/priority",
        download({"patch": "set_priority"}),
        name="download-priority",
    ),
    path("api/download/<str:pk>/retry", download({"post": "retry"}), name="download-retry"),
]
