"""Request-level guards: login for pages, JSON errors, security headers (CONTRACT §5–§6, T01, T61–T62)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation

logger = logging.getLogger("harmony.http")

PAGE_PREFIXES = ("/ui", "/accounts", "/admin")
NO_STORE_PREFIXES = ("/settings", "/ui/settings", "/admin", "/spotify/callback")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https:",
        "connect-src 'self'",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def is_page_path(path: str) -> bool:
    """Pages answer HTML (and redirect to login); everything else is JSON API."""
    return path == "/" or path.startswith(PAGE_PREFIXES)


class PageLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's login-required middleware for pages; DRF views answer 401 JSON themselves.

    API-key requests authenticate inside DRF, so redirecting them here would lock them out.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if hasattr(view_func, "cls") or not is_page_path(request.path):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ApiLanguageMiddleware:
    """The JSON API speaks English to its clients; pages follow the user's language (de default)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_page_path(request.path):
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
        return self.get_response(request)


class ErrorShieldMiddleware:
    """Turn the failures Django would answer with HTML or a 500 into JSON (T12, T13, T15, T61)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "TRACE":
            return JsonResponse({"detail": "Method not allowed"}, status=405)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, RequestDataTooBig):
            return JsonResponse({"detail": "Request body too large"}, status=413)
        if isinstance(exc, RecursionError):
            return JsonResponse({"detail": "Request nested too deeply"}, status=400)
        if isinstance(exc, UnicodeError):
            return JsonResponse({"detail": "Invalid text encoding"}, status=400)
        return None


class SecurityHeadersMiddleware:
    """CSP without inline scripts, no-store on secret-bearing pages, no referrer leaks (T17, T62)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.path.startswith(NO_STORE_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        return response
