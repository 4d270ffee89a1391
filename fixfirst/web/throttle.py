"""Lock out guessing: too many failed logins, API tokens or survey links from one place -> 429.

Why failures, not requests: a user who types the right password is never slowed down, while a
guesser gets ``limit`` tries per ``window_s`` and then waits (``Retry-After``), even with the
right answer. Counts live in the server process (one per deployment; behind several processes,
each counts its own share), keyed by what is being guessed and by the client address.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi import HTTPException


class FailureThrottle:
    def __init__(self, limit: int = 10, window_s: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window_s, self._clock = limit, window_s, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] >= self.window_s:
            failures.popleft()
        return failures

    def check(self, *keys: str, limit: int | None = None) -> None:
        """Raise 429 with Retry-After when any key has used up its failures (`limit`, default the
        throttle's) in the window."""
        now = self._clock()
        allowed = self.limit if limit is None else limit
        with self._lock:
            waits = [
                self.window_s - (now - failures[0])
                for key in keys
                if len(failures := self._recent(key, now)) >= allowed
            ]
        if waits:
            seconds = max(1, int(max(waits)) + 1)
            raise HTTPException(429, f"too many failed attempts; try again in {seconds} s",
                                headers={"Retry-After": str(seconds)})

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
