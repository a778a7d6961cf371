"""`bootstrap_admin` and the worker-disable switch (CONTRACT §2, §5)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.workers import queue

pytestmark = pytest.mark.django_db


def test_bootstrap_admin_prints_a_random_password_once():
    first, second = io.StringIO(), io.StringIO()

    call_command("bootstrap_admin", stdout=first)
    call_command("bootstrap_admin", stdout=second)

    password = first.getvalue().split("Password (shown only now, store it safely): ")[1].strip()
    assert len(password) >= 20
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert "nothing to do" in second.getvalue()
    assert password not in second.getvalue()


def test_two_installs_get_different_passwords():
    out = io.StringIO()
    call_command("bootstrap_admin", stdout=out)
    get_user_model().objects.all().delete()
    again = io.StringIO()

    call_command("bootstrap_admin", stdout=again)

    assert out.getvalue() != again.getvalue()


def test_disabled_workers_enqueue_nothing(settings, django_capture_on_commit_callbacks):
    settings.HARMONY_DISABLE_WORKERS = True

    with django_capture_on_commit_callbacks() as callbacks:
        queue.enqueue("core.workers.registry.run_cycle", "sync")

    assert callbacks == []
