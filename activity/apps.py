"""activity app: the event history (SPEC §1.4, §6)."""

from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = "Activity history"
    default_auto_field = "django.db.models.BigAutoField"
