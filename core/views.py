"""JSON error handlers (SPEC §2.0); pages live in `core.pages` and `core.ui_urls`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core import pages
from core.middleware import is_page_path


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """JSON 404 for the API (SPEC §2.0: unknown API paths answer JSON 404); HTML for pages."""
    if is_page_path(request.path):
        return render(request, "404.html", {"ui_strings": pages.ui_strings()}, status=404)
    return JsonResponse({"detail": "Not found"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"detail": "Internal server error", "code": "INTERNAL_ERROR"}, status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return JsonResponse({"detail": "Bad request"}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return JsonResponse({"detail": "Permission denied"}, status=403)
