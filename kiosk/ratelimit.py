"""Token buckets that limit how fast something may happen, without looking at anyone's IP.

One per tablet limits how fast it may send; one for the whole process limits wrong receipt codes.
"""

from __future__ import annotations

import threading
import time


class TokenBucket:
    """Allow rate requests a minute per key, with bursts up to capacity; per process, in memory.

    Each app server process keeps its own buckets, so the real limit is a small multiple of the rate.
    That is enough to stop a stolen token from flooding the database; it is not an accounting tool.
    """

    def __init__(self, rate_per_minute: float, capacity: float) -> None:
        self.rate = rate_per_minute / 60.0
        self.capacity = capacity
        self._buckets: dict[object, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: object, now: float | None = None) -> float:
        """Return 0 when key has a token left, else the seconds until it has one; take nothing."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def take(self, key: object, now: float | None = None) -> float:
        """Take one token for key; return 0 when allowed, else the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate
