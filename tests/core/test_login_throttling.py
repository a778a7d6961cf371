"""Login brute force is throttled (RELIABILITY T04)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_five_wrong_passwords_lock_the_login(settings):
    settings.AXES_ENABLED = True
    UserFactory(username="victim")
    client = Client()

    for _ in range(5):
        client.post("/accounts/login", {"username": "victim", "password": "wrong"})
    locked = client.post(
        "/accounts/login", {"username": "victim", "password": "correct horse battery staple"}
    )

    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_a_correct_password_logs_in_before_the_limit(settings):
    settings.AXES_ENABLED = True
    UserFactory(username="owner")
    client = Client()

    client.post("/accounts/login", {"username": "owner", "password": "wrong"})
    response = client.post(
        "/accounts/login", {"username": "owner", "password": "correct horse battery staple"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/ui/"
