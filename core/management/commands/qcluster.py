"""`qcluster` with Harmony's dispatcher beside django-q2's cluster (SPEC §5.0, STYLE §5)."""

from __future__ import annotations

import time

from django.conf import settings
from django_q.cluster import Cluster
from django_q.management.commands.qcluster import Command as QClusterCommand

from core.settings_store import seed_defaults


def install_schedules() -> None:
    """Install the watchdog schedule idempotently (by name: no duplicates after restarts)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="harmony:watchdog",
        defaults={
            "func": "core.workers.dispatcher.run_watchdog",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )


class Command(QClusterCommand):
    help = "Run the django-q2 cluster with Harmony's dispatcher (all workers and schedules)."

    def handle(self, *args, **options):
        seed_defaults()
        if settings.HARMONY_DISABLE_WORKERS:
            self.stdout.write("HARMONY_DISABLE_WORKERS=1: no dispatcher, no schedules.")
            return super().handle(*args, **options)
        from core.workers.dispatcher import DispatcherThread

        install_schedules()
        # django-q2's Cluster.start() returns once its sentinel process runs; SIGINT/SIGTERM
        # reach Cluster.sig_handler in this process, which stops the sentinel. The dispatcher
        # lives exactly as long as the sentinel.
        cluster = Cluster()
        cluster.start()
        dispatcher = DispatcherThread()
        dispatcher.start()
        try:
            while cluster.sentinel is not None and cluster.sentinel.is_alive():
                time.sleep(0.2)
        finally:
            dispatcher.stop()
