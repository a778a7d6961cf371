"""/plex routes (paths are contract, SPEC §2.7; aliases as documented, D27)."""

from django.urls import path

from integrations.api import plex_views as v

sections = v.PlexPassThroughView.as_view(fetch="library_sections")
section_items = v.SectionItemsView.as_view()
sessions = v.PlexPassThroughView.as_view(fetch="sessions")
history = v.PlexPassThroughView.as_view(fetch="history")

urlpatterns = [
    path("plex/status", v.PlexStatusView.as_view()),
    path("plex/library/sections", sections),
    path("plex/libraries", sections),
    path("plex/library/sections/<str:section_id>/all", section_items),
    path("plex/library/<str:section_id>/items", section_items),
    path("plex/library/metadata/<str:item_id>", v.MetadataView.as_view()),
    path("plex/status/sessions", sessions),
    path("plex/sessions", sessions),
    path("plex/status/sessions/history/all", history),
    path("plex/history", history),
    path("plex/timeline", v.TimelineView.as_view()),
    path("plex/scrobble", v.ScrobbleView.as_view(played=True)),
    path("plex/unscrobble", v.ScrobbleView.as_view(played=False)),
    path("plex/playlists", v.PlaylistsView.as_view()),
    path("plex/playlists/<str:playlist_id>", v.PlaylistView.as_view()),
    path("plex/playQueues", v.PlayQueuesView.as_view()),
    path("plex/playQueues/<str:playqueue_id>", v.PlayQueueView.as_view()),
    path("plex/rate", v.RateView.as_view()),
    path("plex/tags/<str:item_id>", v.TagsView.as_view()),
    path("plex/devices", v.PlexPassThroughView.as_view(fetch="devices")),
    path("plex/dvr", v.PlexPassThroughView.as_view(fetch="dvrs")),
    path("plex/livetv", v.PlexPassThroughView.as_view(fetch="livetv_sessions")),
    path("plex/notifications", v.NotificationsView.as_view()),
]
