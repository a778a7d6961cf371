"""Test helpers: polling with a deadline instead of sleeping (STYLE §6)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

TEST_API_KEY = "test-api-key-0123456789"


def wait_until(predicate: Callable[[], T], timeout: float = 5.0, interval: float = 0.02) -> T:
    """Poll `predicate` until it returns something truthy or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


def body(response) -> bytes:
    """The full body of a normal or streaming response."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content
