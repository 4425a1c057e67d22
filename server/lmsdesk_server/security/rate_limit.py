"""Failed-login throttle: a sliding window per email and per client address.

In memory, per server process: LMSDesk runs one server process. A multi-process deployment
would move these counters into PostgreSQL.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class LoginThrottle:
    def __init__(
        self,
        *,
        max_failures: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max = max_failures
        self._window = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def retry_after(self, *keys: str) -> int | None:
        """Seconds until any of these keys may try again, or None if allowed now."""
        now = self._clock()
        waits: list[float] = []
        with self._lock:
            for key in keys:
                stamps = self._prune(key, now)
                if len(stamps) >= self._max:
                    waits.append(stamps[0] + self._window - now)
        return max(1, math.ceil(max(waits))) if waits else None

    def record_failure(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._prune(key, now).append(now)

    def reset(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _prune(self, key: str, now: float) -> deque[float]:
        stamps = self._failures[key]
        while stamps and stamps[0] <= now - self._window:
            stamps.popleft()
        return stamps
