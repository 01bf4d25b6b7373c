"""The scale-out `KeyValue`: Redis through redis-py, shared by every process of every service.

Behaves as `kv_memory` does (its docstring lists the rules); every key is stored under a namespace
(`tf:` by default) so several deployments or test runs can share one database. Counters and token
buckets run as Lua scripts, so each is one atomic step on the server, and buckets refill by the
server's clock (`TIME`), never by the callers' clocks.

Engine failures are translated here: an unreachable, loading, read-only or out-of-memory Redis
raises `KeyValueUnavailable`; a key of the wrong kind raises `TypeError`, a non-integer counter
`ValueError`, as the memory adapter does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry

from services.common.errors import Unavailable
from services.common.adapters.kv_memory import (
    check_amount,
    check_bucket,
    check_prefix,
    check_ttl,
    check_value,
    ttl_ms,
)

__all__ = ["KeyValueUnavailable", "RedisKeyValue"]

# KEYS[1] counter; ARGV[1] amount, ARGV[2] TTL in ms (0: none). The TTL is set only on creation.
_INCR = """
local created = redis.call('EXISTS', KEYS[1]) == 0
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and tonumber(ARGV[2]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return total
"""

# KEYS[1] bucket hash {tokens, ts}; ARGV[1] capacity, ARGV[2] tokens per second. Returns 1 if taken.
# An absent bucket is full, so the hash expires once it would have refilled to capacity.
# Numbers are formatted by hand: Lua's tostring keeps 14 digits, too few for a timestamp in µs.
_TAKE_TOKEN = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
else
  local elapsed = now - ts
  if elapsed < 0 then elapsed = 0 end
  tokens = math.min(capacity, tokens + elapsed * rate)
end
local taken = 0
if tokens >= 1 - 1e-9 then
  tokens = math.max(0, tokens - 1)
  taken = 1
end
redis.call('HSET', KEYS[1],
  'tokens', string.format('%.17g', tokens), 'ts', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate * 1000) + 1)
return taken
"""

_SCAN_BATCH = 500
_GLOB_SPECIAL = frozenset("*?[]\\")

_UNAVAILABLE = (
    redis.exceptions.ConnectionError,  # also refused auth, a pool at its limit, a loading replica
    redis.exceptions.TimeoutError,
    redis.exceptions.ReadOnlyError,
    redis.exceptions.OutOfMemoryError,
    redis.exceptions.ClusterDownError,
    redis.exceptions.TryAgainError,
)


class KeyValueUnavailable(Unavailable):
    """The key-value engine cannot be reached or cannot take writes right now."""


def escape_glob(text: str) -> str:
    """`text` as a Redis MATCH pattern that matches only itself."""
    return "".join("\\" + char if char in _GLOB_SPECIAL else char for char in text)


class RedisKeyValue:
    """`KeyValue` on Redis; thread-safe (redis-py pools its connections)."""

    def __init__(
        self,
        url: str,
        namespace: str = "tf:",
        *,
        timeout_s: float = 2.0,
        max_connections: int | None = None,
    ) -> None:
        self._namespace = namespace
        # Fail fast with a couple of quick retries: callers sit in a request path.
        self._client = redis.Redis.from_url(
            url,
            socket_timeout=timeout_s,
            socket_connect_timeout=timeout_s,
            retry=Retry(ExponentialWithJitterBackoff(cap=0.2, base=0.01), 2),
            health_check_interval=30,
            max_connections=max_connections,
        )
        self._where = _describe(self._client)
        self._incr = self._client.register_script(_INCR)
        self._take_token = self._client.register_script(_TAKE_TOKEN)

    @property
    def namespace(self) -> str:
        return self._namespace

    def __repr__(self) -> str:
        return f"RedisKeyValue({self._where!r}, namespace={self._namespace!r})"

    # -- the port --------------------------------------------------------------------------

    def get(self, key: str) -> bytes | None:
        with self._translated():
            return self._client.get(self._key(key))

    def set(self, key: str, value: bytes, ttl_s: float | None = None) -> None:
        value = check_value(value)
        ttl_s = check_ttl(ttl_s)
        with self._translated():
            self._client.set(self._key(key), value, px=None if ttl_s is None else ttl_ms(ttl_s))

    def set_if_absent(self, key: str, value: bytes, ttl_s: float | None = None) -> bool:
        value = check_value(value)
        ttl_s = check_ttl(ttl_s)
        with self._translated():
            stored = self._client.set(
                self._key(key), value, nx=True, px=None if ttl_s is None else ttl_ms(ttl_s)
            )
        return bool(stored)

    def delete(self, *keys: str) -> int:
        if not keys:
            return 0
        with self._translated():
            return int(self._client.unlink(*(self._key(key) for key in keys)))

    def incr(self, key: str, amount: int = 1, ttl_s: float | None = None) -> int:
        amount = check_amount(amount)
        ttl_s = check_ttl(ttl_s)
        with self._translated():
            if ttl_s is None:
                return int(self._client.incrby(self._key(key), amount))
            return int(self._incr(keys=[self._key(key)], args=[amount, ttl_ms(ttl_s)]))

    def take_token(self, bucket: str, capacity: int, refill_per_s: float) -> bool:
        capacity, refill_per_s = check_bucket(capacity, refill_per_s)
        with self._translated():
            taken = self._take_token(keys=[self._key(bucket)], args=[capacity, repr(refill_per_s)])
        return taken == 1

    def delete_prefix(self, prefix: str) -> int:
        pattern = escape_glob(self._key(check_prefix(prefix))) + "*"
        removed = 0
        batch: list[bytes] = []
        with self._translated():
            for key in self._client.scan_iter(match=pattern, count=_SCAN_BATCH):
                batch.append(key)
                if len(batch) >= _SCAN_BATCH:
                    removed += self._client.unlink(*batch)
                    batch.clear()
            if batch:
                removed += self._client.unlink(*batch)
        return removed

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except redis.exceptions.RedisError:
            return False

    def close(self) -> None:
        self._client.close()
        self._client.connection_pool.disconnect()

    # -- inside ----------------------------------------------------------------------------

    def _key(self, key: str) -> str:
        return self._namespace + key

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except _UNAVAILABLE as exc:
            raise KeyValueUnavailable(f"Redis at {self._where} is unavailable: {exc}") from None
        except redis.exceptions.ResponseError as exc:
            message = str(exc)
            if "WRONGTYPE" in message:
                raise TypeError("the key holds a different kind of entry") from None
            if "not an integer" in message or "overflow" in message:
                raise ValueError("the key does not hold a 64-bit integer") from None
            raise


def _describe(client: redis.Redis) -> str:
    """Where the client points, without the password the URL may carry."""
    kwargs = client.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"unix://{kwargs['path']}?db={kwargs.get('db', 0)}"
    return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}"
