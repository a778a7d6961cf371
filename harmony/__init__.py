"""Harmony: Spotify → Plex → Soulseek music hub (Django project package)."""

__version__ = "1.4.0"
