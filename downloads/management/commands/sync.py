"""`python manage.py sync [--wait]`: one manual sync run, as `POST /api/sync` (CONTRACT §2, SPEC §5.8)."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from activity.models import ActivityEvent
from core import config
from core.errors import Conflict, MissingCredentials
from downloads.autosync import cycle, runner
from downloads.autosync.triggers import trigger_manual
from downloads.models import Download, SyncRun


class Command(BaseCommand):
    help = "Run one manual sync (Spotify → Plex → Soulseek → beets) and print its events."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--wait",
            action="store_true",
            help="also drive downloads in-process until the run is finalised or its deadline passes",
        )

    def handle(self, *args, **options) -> None:
        last_event = ActivityEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        try:
            run = trigger_manual()
        except MissingCredentials as exc:
            self.stderr.write("Sync blocked, missing: " + json.dumps(exc.missing))
            raise SystemExit(2) from None
        except Conflict as exc:
            self.stderr.write(f"{exc.detail} (run {exc.extra.get('run_id', '?')})")
            raise SystemExit(3) from None
        self.stdout.write(f"Sync run {run.pk} started")
        run = cycle.drive(run)
        last_event = self._print_events(last_event)
        if options["wait"]:
            run = self._wait(run, last_event)
        run.refresh_from_db()
        self._print_events(last_event)
        self.stdout.write(f"Sync run {run.pk}: {run.status}")
        if run.status == SyncRun.Status.FAILED:
            raise CommandError("sync failed")

    def _wait(self, run: SyncRun, last_event: int) -> SyncRun:
        from downloads import tasks

        poll = max(0.5, float(config.get_int("SYNC_POLL_INTERVAL_SEC", 2)))
        while run.status == SyncRun.Status.WAITING:
            tasks.run_sync_cycle()
            tasks.run_retry_cycle()
            for pk in run.downloads.filter(
                status=Download.Status.COMPLETED, pipeline_status=Download.Pipeline.PENDING
            ).values_list("pk", flat=True):
                tasks.run_completion(pk)
            runner.check_waiting(run)
            run.refresh_from_db()
            last_event = self._print_events(last_event)
            if (
                run.status == SyncRun.Status.WAITING
                and run.deadline
                and timezone.now() > run.deadline
            ):
                runner.finalise(run)
                break
            if run.status == SyncRun.Status.WAITING:
                time.sleep(poll)
        return run

    def _print_events(self, after: int) -> int:
        for event in ActivityEvent.objects.filter(id__gt=after).order_by("id"):
            self.stdout.write(
                f"{event.type}/{event.status} {json.dumps(event.details, ensure_ascii=False)}"
            )
            after = event.pk
        return after
