"""System checks for Harmony's configuration."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register


@register()
def worker_settings_check(app_configs, **kwargs):
    q = settings.Q_CLUSTER
    if q.get("retry", 0) <= q.get("timeout", 0):
        return [Warning("Q_CLUSTER retry must exceed timeout (T46)", id="harmony.W001")]
    return []
