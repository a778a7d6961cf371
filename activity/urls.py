"""activity routes (SPEC §2.5)."""

from django.urls import path

from activity.api import views

urlpatterns = [
    path("api/activity", views.ActivityListView.as_view(), name="activity-list"),
    path("api/activity/export", views.ActivityExportView.as_view(), name="activity-export"),
]
