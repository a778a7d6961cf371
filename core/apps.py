"""core app: settings store, workers frame, system status, auth (CONTRACT §1)."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Harmony core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import checks, schema  # noqa: F401  (registers checks and schema extensions)
        from core.settings_store import seed_defaults_after_migrate

        post_migrate.connect(seed_defaults_after_migrate, sender=self)
