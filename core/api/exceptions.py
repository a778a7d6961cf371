"""One mapping of errors to HTTP for the whole API (STYLE §2, CONTRACT §6)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import HarmonyError

logger = logging.getLogger("harmony.api")

INTERNAL_ERROR = {"detail": "Internal server error", "code": "INTERNAL_ERROR"}


def _field_errors(detail: Any) -> Any:
    """DRF validation detail → `{field: [messages]}` with plain strings."""
    if isinstance(detail, dict):
        return {str(key): _field_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_field_errors(item) for item in detail]
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Validation → 422, not found → 404, Conflict → 409, credentials → 503, upstream → 502."""
    if isinstance(exc, HarmonyError):
        return Response(exc.body(), status=exc.status_code)
    if isinstance(exc, exceptions.ValidationError):
        detail = _field_errors(exc.detail)
        if isinstance(detail, list):
            detail = {"non_field_errors": detail}
        return Response({"detail": detail}, status=422)
    if isinstance(exc, Http404 | exceptions.NotFound):
        message = str(exc) if str(exc) and "No " not in str(exc) else "Not found"
        return Response({"detail": message}, status=404)
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": "Request body too large"}, status=413)
    if isinstance(exc, RecursionError):
        return Response({"detail": "JSON nested too deeply."}, status=400)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": "Permission denied"}, status=403)
    response = drf_exception_handler(exc, context)
    if response is not None:
        if isinstance(response.data, dict) and "detail" in response.data:
            response.data = {"detail": str(response.data["detail"])}
        return response
    logger.exception("unexpected error in %s", context.get("view").__class__.__name__)
    return Response(INTERNAL_ERROR, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
