"""core routes: system, health, stats, settings (paths are contract, SPEC §2.1, §2.11)."""

from django.urls import path

from core.api import views

urlpatterns = [
    path("status", views.StatusView.as_view(), name="status"),
    path("api/health/<str:service>", views.HealthView.as_view(), name="health"),
    path("api/system/stats", views.SystemStatsView.as_view(), name="system-stats"),
    path("settings", views.SettingsView.as_view(), name="settings"),
    path("settings/history", views.SettingsHistoryView.as_view(), name="settings-history"),
]
