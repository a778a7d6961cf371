"""AutoSync and manual sync: Spotify → Plex diff → Soulseek → downloads → beets → Plex (SPEC §5.8)."""
