"""API-key authentication: `X-API-Key` only, compared in constant time (CONTRACT §5, T02)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework import authentication, exceptions

from core.models import ApiKey

API_KEY_USERNAME = "api-key"


def api_key_user():
    """The principal of API-key requests: an unsaved, passwordless user object.

    Keeping it out of the database means no query per request and no account to log in as.
    """
    user = get_user_model()(username=API_KEY_USERNAME, is_active=True)
    user.set_unusable_password()
    return user


def key_is_valid(raw: str) -> bool:
    """True for a key from `HARMONY_API_KEYS` or an admin-created key (stored hashed)."""
    if not raw:
        return False
    valid = False
    for configured in settings.HARMONY_API_KEYS:
        # Compare every configured key so timing does not reveal which one matched.
        valid |= hmac.compare_digest(configured.encode(), raw.encode())
    if valid:
        return True
    digest = ApiKey.hash_key(raw)
    updated = ApiKey.objects.filter(key_hash=digest).update(last_used_at=timezone.now())
    return updated > 0


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticate by the `X-API-Key` header; never by query string or client address."""

    header = "HTTP_X_API_KEY"

    def authenticate(self, request):
        raw = request.META.get(self.header)
        if raw is None:
            return None
        if not key_is_valid(raw.strip()):
            raise exceptions.AuthenticationFailed("Invalid API key.")
        return (api_key_user(), "api-key")

    def authenticate_header(self, request) -> str:
        # A value here makes DRF answer 401 (not 403) to unauthenticated requests.
        return 'X-API-Key realm="harmony"'
