"""All `/ui/…` pages (SPEC §10) and the language switch; included as `path("ui/", …)`."""

from django.urls import path
from django.views.i18n import set_language

from activity import pages as activity_pages
from core import pages as core_pages
from downloads import pages as download_pages
from watchlist import pages as watchlist_pages

app_name = "ui"

urlpatterns = [
    path("", core_pages.dashboard, name="dashboard"),
    path("downloads", download_pages.downloads, name="downloads"),
    path("artists", watchlist_pages.artists, name="artists"),
    path("activity", activity_pages.history, name="activity"),
    path("settings", core_pages.settings_page, name="settings"),
    # Django's view: POST `language` (+ `next`), stores the choice in the language cookie.
    path("language", set_language, name="set_language"),
]
