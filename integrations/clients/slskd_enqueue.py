"""Enqueueing downloads at slskd (SPEC §9.1; RELIABILITY T25, T26, T37, T44).

`SlskdClient` gets `enqueue()` from `EnqueueMixin`. With an idempotency key it uses slskd's
batch endpoint (0.26+) and a batch id derived from the key, so a resend after a lost answer or
a crash finds the earlier batch instead of enqueueing twice (T37, T44); older slskd versions
fall back to `POST /transfers/downloads/{username}`. Either answer becomes an `EnqueueResult`
that names every refused file.

`segment()` lives here rather than in `slskd` because this module sits below the client and
both need it.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from core.errors import UpstreamError
from integrations import http
from integrations.clients.slskd_payloads import (
    SERVICE,
    as_dict,
    as_list,
    normalise_transfer,
    unique_files,
)
from integrations.http import HttpClient, Response

logger = logging.getLogger("harmony.integrations.slskd")

# How long to remember that an slskd instance has no batch endpoint before probing again.
BATCH_PROBE_INTERVAL = 3600.0
BATCH_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "harmony:slskd-batch")
NOT_ENQUEUED = "Not enqueued by slskd"
NOT_IN_BATCH = "Not enqueued by an earlier attempt of this batch"

# slskd base URL → monotonic time its batch endpoint was found missing.
_batchless: dict[str, float] = {}


def segment(value: str) -> str:
    """One URL path segment: `/`, `%`, `?`, `#` and `..` cannot change the slskd path (T25)."""
    return quote(value, safe="")


def batch_id_for(idempotency_key: str) -> str:
    """The slskd batch GUID of an idempotency key: the key itself if it is a UUID."""
    try:
        return str(uuid.UUID(idempotency_key))
    except ValueError:
        return str(uuid.uuid5(BATCH_NAMESPACE, idempotency_key))


@dataclass
class EnqueueResult:
    """What slskd accepted (`enqueued` transfers) and refused (`{"filename", "message"}`)."""

    enqueued: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)


class EnqueueMixin:
    """`enqueue()` and its batch/legacy paths; transport and write lease live on `SlskdClient`."""

    base_url: str
    http: HttpClient

    _call: Callable[..., Response]
    _json: Callable[..., Any]
    _write_slot: Callable[[], AbstractContextManager[None]]

    def enqueue(
        self, username: str, files: list[dict], *, idempotency_key: str | None = None
    ) -> EnqueueResult:
        """Ask `username` for `files` (`[{"filename", "size"}]`, de-duplicated by filename, T26).

        With `idempotency_key`, a resend of the same request never enqueues twice (T37/T44).
        An empty answer (older slskd) gives `EnqueueResult([], [])`: correlate via the listing.
        """
        items = unique_files(files)
        if not items:
            return EnqueueResult()
        with self._write_slot():
            if idempotency_key and self._batches_supported():
                return self._enqueue_batch(username, items, batch_id_for(idempotency_key))
            return self._enqueue_legacy(username, items)

    def _batches_supported(self) -> bool:
        found_missing = _batchless.get(self.base_url)
        return found_missing is None or time.monotonic() - found_missing > BATCH_PROBE_INTERVAL

    def _enqueue_legacy(self, username: str, items: list[dict[str, Any]]) -> EnqueueResult:
        path = f"/transfers/downloads/{segment(username)}"
        body = self._json("POST", path, json_body=items, retry=False)
        if body is None:
            return EnqueueResult()
        body = as_dict(body, "enqueue")
        return _enqueue_result(body.get("enqueued"), body.get("failed"), items, username)

    def _enqueue_batch(
        self, username: str, items: list[dict[str, Any]], batch_id: str
    ) -> EnqueueResult:
        request = {"id": batch_id, "username": username, "files": items}
        attempt = 0
        while True:
            try:
                response = self._call(
                    "POST",
                    "/transfers/downloads/batches",
                    json_body=request,
                    ok=(400, 404, 405, 409),
                    retry=False,
                )
                break
            except UpstreamError as exc:
                # No answer: the outcome is unknown and the batch id makes a resend safe.
                if exc.upstream_status is not None or attempt >= len(http.BACKOFF):
                    raise
                self.http.sleep(http.BACKOFF[attempt])
                attempt += 1
        if response.status in (400, 405):
            # Before 0.26 this path is `POST /transfers/downloads/{username}` → 400.
            result = self._enqueue_legacy(username, items)
            _batchless[self.base_url] = time.monotonic()
            logger.info("slskd has no batch enqueue; enqueueing per user")
            return result
        if response.status == 404:
            raise UpstreamError(SERVICE, "soulseek: user offline or unknown", upstream_status=404)
        if response.status == 409:
            return self._read_batch(batch_id, username, items)
        body = as_dict(response.json(), "enqueue")
        batch = body.get("batch") if isinstance(body.get("batch"), dict) else {}
        return _enqueue_result(batch.get("transfers"), body.get("failures"), items, username)

    def _read_batch(
        self, batch_id: str, username: str, items: list[dict[str, Any]]
    ) -> EnqueueResult:
        """A batch created by an earlier attempt: report its transfers instead of resending."""
        batch = as_dict(self._json("GET", f"/transfers/downloads/batches/{batch_id}"), "batch")
        wanted = {item["filename"] for item in items}
        enqueued = [
            transfer
            for transfer in (
                normalise_transfer(raw, username) for raw in as_list(batch.get("transfers"))
            )
            if transfer is not None and transfer["filename"] in wanted
        ]
        done = {transfer["filename"] for transfer in enqueued}
        failed = [
            {"filename": item["filename"], "message": NOT_IN_BATCH}
            for item in items
            if item["filename"] not in done
        ]
        return EnqueueResult(enqueued, failed)


def _enqueue_result(
    enqueued_raw: Any, failed_raw: Any, items: list[dict[str, Any]], username: str
) -> EnqueueResult:
    """Name every refused file. slskd serialises the legacy endpoint's `(filename, message)`
    tuples as `{}`, so unnamed failures are the requested files that were not enqueued."""
    enqueued = [
        transfer
        for transfer in (normalise_transfer(raw, username) for raw in as_list(enqueued_raw))
        if transfer is not None
    ]
    failures = as_list(failed_raw)
    failed = [
        {"filename": f["filename"], "message": _message(f.get("message"))}
        for f in failures
        if isinstance(f, dict) and isinstance(f.get("filename"), str)
    ]
    if len(failed) < len(failures):
        accounted = {t["filename"] for t in enqueued} | {f["filename"] for f in failed}
        failed += [
            {"filename": item["filename"], "message": NOT_ENQUEUED}
            for item in items
            if item["filename"] not in accounted
        ]
    return EnqueueResult(enqueued, failed)


def _message(value: Any) -> str:
    return value[:512] if isinstance(value, str) and value else NOT_ENQUEUED
