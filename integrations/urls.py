"""integrations routes: /spotify, /plex, /soulseek, /beets (SPEC §2.6–§2.8, §2.12)."""

from django.urls import include, path

urlpatterns = [
    path("", include("integrations.api.spotify_urls")),
    path("", include("integrations.api.plex_urls")),
    path("", include("integrations.api.soulseek_urls")),
    path("", include("integrations.api.beets_urls")),
]
