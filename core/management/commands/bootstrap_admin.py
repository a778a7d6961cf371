"""Create the first admin with a random password, printed once (CONTRACT §5, T03)."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from core.auth import API_KEY_USERNAME


class Command(BaseCommand):
    help = "Create an admin user if none exists and print its random password once."

    def handle(self, *args, **options) -> None:
        user_model = get_user_model()
        admins = user_model.objects.filter(is_superuser=True).exclude(username=API_KEY_USERNAME)
        if admins.exists():
            self.stdout.write("Admin user exists; nothing to do.")
            return
        password = secrets.token_urlsafe(18)  # 24 characters
        user_model.objects.create_superuser(username="admin", email="", password=password)
        self.stdout.write(self.style.SUCCESS("Created admin user 'admin'."))
        self.stdout.write(f"Password (shown only now, store it safely): {password}")
