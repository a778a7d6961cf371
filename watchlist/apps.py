"""watchlist app: followed-artist watchlist, release preferences, Artists page."""

from django.apps import AppConfig


class WatchlistConfig(AppConfig):
    name = "watchlist"
    verbose_name = "Watchlist"
    default_auto_field = "django.db.models.BigAutoField"
