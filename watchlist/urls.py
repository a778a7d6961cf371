"""watchlist routes (SPEC §2.10–§2.11)."""

from django.urls import path

from watchlist.api import views

urlpatterns = [
    path(
        "settings/artist-preferences",
        views.ArtistPreferencesView.as_view(),
        name="artist-preferences",
    ),
    path("watchlist", views.WatchlistView.as_view(), name="watchlist"),
    path("watchlist/<str:pk>", views.WatchlistItemView.as_view(), name="watchlist-item"),
]
