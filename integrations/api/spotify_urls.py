"""/spotify routes (paths are contract, SPEC §2.6; no trailing slashes)."""

from django.urls import path

from integrations.api import spotify_views as v

urlpatterns = [
    path("spotify/login", v.SpotifyLoginView.as_view(), name="spotify-login"),
    path("spotify/callback", v.spotify_callback, name="spotify-callback"),
    path("spotify/status", v.SpotifyStatusView.as_view(), name="spotify-status"),
    path("spotify/search/tracks", v.SpotifySearchView.as_view(), {"kind": "track"}),
    path("spotify/search/artists", v.SpotifySearchView.as_view(), {"kind": "artist"}),
    path("spotify/search/albums", v.SpotifySearchView.as_view(), {"kind": "album"}),
    path("spotify/track/<str:track_id>", v.SpotifyTrackView.as_view()),
    path("spotify/audio-features", v.SpotifyAudioFeaturesListView.as_view()),
    path("spotify/audio-features/<str:track_id>", v.SpotifyAudioFeaturesView.as_view()),
    path("spotify/artists/followed", v.SpotifyFollowedArtistsView.as_view()),
    path("spotify/artist/<str:artist_id>/releases", v.SpotifyArtistReleasesView.as_view()),
    path("spotify/playlists", v.SpotifyPlaylistsView.as_view(), name="spotify-playlists"),
    path("spotify/playlists/<str:playlist_id>/tracks", v.SpotifyPlaylistTracksView.as_view()),
    path("spotify/playlists/<str:playlist_id>/reorder", v.SpotifyPlaylistReorderView.as_view()),
    path("spotify/me", v.SpotifyMeView.as_view()),
    path("spotify/me/tracks", v.SpotifySavedTracksView.as_view()),
    path("spotify/me/top/<str:type>", v.SpotifyTopView.as_view()),
    path("spotify/recommendations", v.SpotifyRecommendationsView.as_view()),
]
