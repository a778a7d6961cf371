"""matching routes: `/matching/*` and `POST /api/search` (paths are contract, SPEC §2.3, §2.9)."""

from django.urls import path

from matching.api.views import MatchingViewSet, SearchView

matching = MatchingViewSet.as_view

urlpatterns = [
    path("api/search", SearchView.as_view(), name="search"),
    path("matching/spotify-to-plex", matching({"post": "spotify_to_plex"})),
    path("matching/spotify-to-soulseek", matching({"post": "spotify_to_soulseek"})),
    path("matching/spotify-to-plex-album", matching({"post": "spotify_to_plex_album"})),
    path("matching/matches", matching({"get": "list"}), name="match-list"),
    # <str:pk>: "abc" must still get a JSON 404 from the service (SPEC §0.2).
    path("matching/matches/<str:pk>/confirm", matching({"post": "confirm"})),
    path("matching/matches/<str:pk>/reject", matching({"post": "reject"})),
]
