"""`manage.py import PATH`: exactly `POST /beets/import {"path": PATH}` (CONTRACT §2, SPEC §2.12)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import HarmonyError, UpstreamError, ValidationFailed
from integrations.api.beets_serializers import BeetsImportSerializer
from integrations.clients.beets import import_path


def _describe(error: HarmonyError) -> str:
    """One readable line for the terminal: `path: Path does not exist.`, `beets: <stderr>`."""
    if isinstance(error, ValidationFailed) and isinstance(error.detail, dict):
        return "; ".join(
            f"{field}: {' '.join(map(str, messages))}" for field, messages in error.detail.items()
        )
    if isinstance(error, UpstreamError):
        return f"{error.service}: {error.detail}"
    return str(error.detail)


class Command(BaseCommand):
    help = "Import a folder or file into the beets library (as POST /beets/import)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a folder or file under MUSIC_DIR or SLSKD_DOWNLOADS_DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        serializer = BeetsImportSerializer(data={"path": options["path"]})
        if not serializer.is_valid():
            raise CommandError(
                "; ".join(
                    f"{field}: {' '.join(errors)}" for field, errors in serializer.errors.items()
                )
            )
        try:
            result = import_path(**serializer.validated_data)
        except HarmonyError as error:
            raise CommandError(_describe(error)) from error
        self.stdout.write(result.message)
