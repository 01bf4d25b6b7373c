"""The embedded `KeyValue`: an in-process dict with TTLs, for one machine and for tests.

It is the reference for how the port behaves; `kv_redis` follows it, and
tests/contract/test_key_value.py holds both to the same rules:

- values are bytes; a TTL is a positive, finite number of seconds (`None` means no expiry);
  `set` replaces the value and its TTL, like Redis `SET`;
- `incr` keeps its counter as the decimal bytes Redis would (`get` answers `b"3"`), sets the TTL
  only when it creates the counter, and raises `ValueError` when the value is not a 64-bit integer;
- a token bucket is a key of its own kind: `delete` and `delete_prefix` remove it, `set` replaces
  it, and `get`/`incr` on it (or `take_token` on a plain value) raise `TypeError`;
- a bucket that is absent is full; its state expires once it would have refilled completely;
  it never holds more than the capacity of the current call (a smaller capacity caps it);
- `delete_prefix("")` is refused: erasing everything is never what an erasure means.

Expired entries are dropped lazily when touched, and a heap of deadlines lets each write also drop
a few that nobody touches again, so memory stays bounded by the live keys.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["MemoryKeyValue"]

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_CANONICAL_INT = re.compile(rb"-?[1-9][0-9]*|0")
# A bucket a hair short of a whole token after float arithmetic still has one.
_TOKEN_EPSILON = 1e-9
# Bounds the work one call spends on other keys' expiry, so no caller stalls behind a mass expiry.
_SWEEP_BATCH = 256
# Stale deadlines (keys rewritten or deleted) are compacted away past this slack.
_HEAP_SLACK = 1024


def check_ttl(ttl_s: float | None) -> float | None:
    """The TTL as given, after refusing what neither engine can store (zero, negative, NaN, ∞)."""
    if ttl_s is None:
        return None
    if isinstance(ttl_s, bool) or not isinstance(ttl_s, int | float):
        raise TypeError(f"ttl_s must be a number of seconds, not {type(ttl_s).__name__}")
    if not (math.isfinite(ttl_s) and ttl_s > 0):
        raise ValueError(f"ttl_s must be positive and finite, not {ttl_s!r}")
    return float(ttl_s)


def ttl_ms(ttl_s: float) -> int:
    """Whole milliseconds, rounded up so a tiny TTL still lives a moment instead of never."""
    return max(1, math.ceil(ttl_s * 1000))


def check_value(value: object) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"values are bytes, not {type(value).__name__}")
    return bytes(value)


def check_amount(amount: object) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int, not {type(amount).__name__}")
    if not _INT64_MIN <= amount <= _INT64_MAX:
        raise ValueError("amount is outside the 64-bit range")
    return amount


def check_bucket(capacity: object, refill_per_s: object) -> tuple[int, float]:
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        raise ValueError(f"capacity must be an int of at least 1, not {capacity!r}")
    if (
        isinstance(refill_per_s, bool)
        or not isinstance(refill_per_s, int | float)
        or not (math.isfinite(refill_per_s) and refill_per_s > 0)
    ):
        raise ValueError(f"refill_per_s must be positive and finite, not {refill_per_s!r}")
    return capacity, float(refill_per_s)


def check_prefix(prefix: object) -> str:
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str, not {type(prefix).__name__}")
    if not prefix:
        raise ValueError("delete_prefix needs a non-empty prefix")
    return prefix


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated_at: float


@dataclass(slots=True)
class _Entry:
    value: bytes | _Bucket
    expires_at: float | None


class MemoryKeyValue:
    """`KeyValue` in this process's memory; thread-safe, lost when the process ends."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._deadlines: list[tuple[float, str]] = []

    # -- the port --------------------------------------------------------------------------

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._live(key, self._clock())
            if entry is None:
                return None
            if isinstance(entry.value, _Bucket):
                raise TypeError(f"{key!r} holds a token bucket, not a value")
            return entry.value

    def set(self, key: str, value: bytes, ttl_s: float | None = None) -> None:
        value = check_value(value)
        ttl_s = check_ttl(ttl_s)
        with self._lock:
            now = self._clock()
            self._store(key, value, None if ttl_s is None else now + ttl_s)
            self._sweep(now)

    def set_if_absent(self, key: str, value: bytes, ttl_s: float | None = None) -> bool:
        value = check_value(value)
        ttl_s = check_ttl(ttl_s)
        with self._lock:
            now = self._clock()
            if self._live(key, now) is not None:
                return False
            self._store(key, value, None if ttl_s is None else now + ttl_s)
            self._sweep(now)
            return True

    def delete(self, *keys: str) -> int:
        with self._lock:
            now = self._clock()
            removed = 0
            for key in set(keys):
                if self._live(key, now) is not None:
                    del self._entries[key]
                    removed += 1
            return removed

    def incr(self, key: str, amount: int = 1, ttl_s: float | None = None) -> int:
        amount = check_amount(amount)
        ttl_s = check_ttl(ttl_s)
        with self._lock:
            now = self._clock()
            entry = self._live(key, now)
            if entry is None:
                self._store(key, str(amount).encode(), None if ttl_s is None else now + ttl_s)
                self._sweep(now)
                return amount
            if isinstance(entry.value, _Bucket):
                raise TypeError(f"{key!r} holds a token bucket, not a counter")
            if not _CANONICAL_INT.fullmatch(entry.value):
                raise ValueError(f"{key!r} does not hold an integer")
            total = int(entry.value) + amount
            if not _INT64_MIN <= total <= _INT64_MAX:
                raise ValueError(f"incrementing {key!r} would overflow 64 bits")
            entry.value = str(total).encode()  # the TTL stays as it was set at creation
            return total

    def take_token(self, bucket: str, capacity: int, refill_per_s: float) -> bool:
        capacity, refill_per_s = check_bucket(capacity, refill_per_s)
        with self._lock:
            now = self._clock()
            entry = self._live(bucket, now)
            if entry is None:
                state = _Bucket(tokens=float(capacity), updated_at=now)
            elif isinstance(entry.value, _Bucket):
                state = entry.value
                elapsed = max(0.0, now - state.updated_at)
                state.tokens = min(float(capacity), state.tokens + elapsed * refill_per_s)
                state.updated_at = now
            else:
                raise TypeError(f"{bucket!r} holds a value, not a token bucket")
            taken = state.tokens >= 1 - _TOKEN_EPSILON
            if taken:
                state.tokens = max(0.0, state.tokens - 1)
            # Once refilled to capacity the state says nothing an absent bucket would not.
            full_at = now + (capacity - state.tokens) / refill_per_s
            self._store(bucket, state, full_at)
            self._sweep(now)
            return taken

    def delete_prefix(self, prefix: str) -> int:
        prefix = check_prefix(prefix)
        with self._lock:
            now = self._clock()
            doomed = [key for key in self._entries if key.startswith(prefix)]
            removed = 0
            for key in doomed:
                entry = self._entries.pop(key)
                if entry.expires_at is None or entry.expires_at > now:
                    removed += 1
            return removed

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        """Nothing to release; the data stays readable until the object is dropped."""

    # -- for tests and metrics -------------------------------------------------------------

    def __len__(self) -> int:
        """How many entries are held, expired ones not yet dropped included."""
        with self._lock:
            return len(self._entries)

    # -- inside the lock -------------------------------------------------------------------

    def _live(self, key: str, now: float) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires_at is not None and entry.expires_at <= now:
            del self._entries[key]
            return None
        return entry

    def _store(self, key: str, value: bytes | _Bucket, expires_at: float | None) -> None:
        self._entries[key] = _Entry(value, expires_at)
        if expires_at is not None:
            heapq.heappush(self._deadlines, (expires_at, key))

    def _sweep(self, now: float) -> None:
        deadlines = self._deadlines
        for _ in range(_SWEEP_BATCH):
            if not deadlines or deadlines[0][0] > now:
                break
            _, key = heapq.heappop(deadlines)
            self._live(key, now)  # drops the entry only if it is still expired
        if len(deadlines) > 2 * len(self._entries) + _HEAP_SLACK:
            self._deadlines = [
                (entry.expires_at, key)
                for key, entry in self._entries.items()
                if entry.expires_at is not None
            ]
            heapq.heapify(self._deadlines)
