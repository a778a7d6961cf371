"""The project's routes with the enrichment routes in front (until `harmony/urls.py` includes them)."""

from django.urls import include, path

urlpatterns = [
    path("", include("downloads.enrichment_urls")),
    path("", include("harmony.urls")),
]
