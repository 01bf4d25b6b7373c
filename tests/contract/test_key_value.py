"""The KeyValue conformance suite: every test runs on each adapter (memory, sqlite, redis).

A new adapter is done when this suite passes on it. TTLs are a few tenths of a second and the
sleeps just past them, so the whole suite stays around a few seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from services.common.adapters.kv_memory import MemoryKeyValue
from services.common.adapters.kv_redis import KeyValueUnavailable, RedisKeyValue
from services.common.adapters.kv_sqlite import SqliteKeyValue
from services.common.ports import KeyValue
from tests.fixtures.infra import free_port

pytestmark = pytest.mark.contract

SHORT_TTL_S = 0.2
PAST_SHORT_TTL_S = 0.3


def run_together(count: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0..count-1) on as many threads, released at once; the results in index order."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count
    errors: list[BaseException] = []

    def runner(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as exc:  # surfaced below, so a thread's failure fails the test
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


# -- the port -------------------------------------------------------------------------------


def test_adapter_implements_the_port(key_value: KeyValue) -> None:
    assert isinstance(key_value, KeyValue)
    assert key_value.ping() is True


# -- get / set / delete ---------------------------------------------------------------------


def test_get_of_a_missing_key_is_none(key_value: KeyValue) -> None:
    assert key_value.get("missing") is None


def test_set_then_get_returns_the_exact_bytes(key_value: KeyValue) -> None:
    value = bytes(range(256))  # NUL, high bytes, invalid UTF-8
    key_value.set("blob", value)
    assert key_value.get("blob") == value


def test_set_replaces_the_value(key_value: KeyValue) -> None:
    key_value.set("k", b"first")
    key_value.set("k", b"second")
    assert key_value.get("k") == b"second"


def test_keys_are_distinct_and_may_be_any_text(key_value: KeyValue) -> None:
    keys = ["a", "A", "a ", "工资:150602", "idem:POST /v1/workers:abc", "", "*", "a[1]"]
    for index, key in enumerate(keys):
        key_value.set(key, str(index).encode())
    assert [key_value.get(key) for key in keys] == [str(i).encode() for i in range(len(keys))]


def test_delete_counts_the_keys_it_removed(key_value: KeyValue) -> None:
    key_value.set("a", b"1")
    key_value.set("b", b"2")
    assert key_value.delete("a", "b", "never-set") == 2
    assert key_value.get("a") is None
    assert key_value.get("b") is None
    assert key_value.delete("a") == 0
    assert key_value.delete() == 0


def test_a_key_named_twice_is_deleted_once(key_value: KeyValue) -> None:
    key_value.set("a", b"1")
    assert key_value.delete("a", "a") == 1


def test_values_must_be_bytes(key_value: KeyValue) -> None:
    with pytest.raises(TypeError):
        key_value.set("k", "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        key_value.set_if_absent("k", 42)  # type: ignore[arg-type]
    assert key_value.get("k") is None


@pytest.mark.parametrize("ttl_s", [0, -1, float("nan"), float("inf")])
def test_a_ttl_must_be_positive_and_finite(key_value: KeyValue, ttl_s: float) -> None:
    with pytest.raises(ValueError):
        key_value.set("k", b"v", ttl_s=ttl_s)
    with pytest.raises(ValueError):
        key_value.set_if_absent("k", b"v", ttl_s=ttl_s)
    with pytest.raises(ValueError):
        key_value.incr("n", ttl_s=ttl_s)
    assert key_value.get("k") is None
    assert key_value.get("n") is None


# -- TTLs -----------------------------------------------------------------------------------


def test_a_value_expires_after_its_ttl(key_value: KeyValue) -> None:
    key_value.set("session", b"v", ttl_s=SHORT_TTL_S)
    key_value.set("kept", b"v")
    assert key_value.get("session") == b"v"
    time.sleep(PAST_SHORT_TTL_S)
    assert key_value.get("session") is None
    assert key_value.get("kept") == b"v"
    assert key_value.delete("session") == 0  # an expired key is not there to delete


def test_set_without_ttl_removes_an_earlier_ttl(key_value: KeyValue) -> None:
    key_value.set("k", b"short", ttl_s=SHORT_TTL_S)
    key_value.set("k", b"forever")
    time.sleep(PAST_SHORT_TTL_S)
    assert key_value.get("k") == b"forever"


def test_set_with_a_new_ttl_replaces_the_old_one(key_value: KeyValue) -> None:
    key_value.set("k", b"v1", ttl_s=SHORT_TTL_S)
    key_value.set("k", b"v2", ttl_s=5)
    time.sleep(PAST_SHORT_TTL_S)
    assert key_value.get("k") == b"v2"


def test_a_tiny_ttl_still_stores_then_expires(key_value: KeyValue) -> None:
    key_value.set("k", b"v", ttl_s=0.0001)  # rounds up to a millisecond, never to "no expiry"
    time.sleep(0.05)
    assert key_value.get("k") is None


# -- set_if_absent --------------------------------------------------------------------------


def test_set_if_absent_stores_only_the_first_value(key_value: KeyValue) -> None:
    assert key_value.set_if_absent("idem:1", b"first") is True
    assert key_value.set_if_absent("idem:1", b"second") is False
    assert key_value.get("idem:1") == b"first"


def test_set_if_absent_race_has_exactly_one_winner(key_value: KeyValue) -> None:
    contenders = 16
    results = run_together(
        contenders, lambda i: key_value.set_if_absent("lock", f"owner-{i}".encode(), ttl_s=10)
    )
    assert results.count(True) == 1
    assert results.count(False) == contenders - 1
    winner = results.index(True)
    assert key_value.get("lock") == f"owner-{winner}".encode()


def test_set_if_absent_succeeds_again_after_expiry(key_value: KeyValue) -> None:
    assert key_value.set_if_absent("dedupe", b"old", ttl_s=SHORT_TTL_S) is True
    assert key_value.set_if_absent("dedupe", b"early", ttl_s=SHORT_TTL_S) is False
    time.sleep(PAST_SHORT_TTL_S)
    assert key_value.set_if_absent("dedupe", b"new") is True
    assert key_value.get("dedupe") == b"new"


def test_set_if_absent_after_delete_succeeds(key_value: KeyValue) -> None:
    key_value.set_if_absent("k", b"one")
    key_value.delete("k")
    assert key_value.set_if_absent("k", b"two") is True
    assert key_value.get("k") == b"two"


# -- incr -----------------------------------------------------------------------------------


def test_incr_starts_at_zero_and_reads_back_as_decimal_bytes(key_value: KeyValue) -> None:
    assert key_value.incr("hits") == 1
    assert key_value.incr("hits") == 2
    assert key_value.incr("hits", 10) == 12
    assert key_value.incr("hits", -20) == -8
    assert key_value.get("hits") == b"-8"
    assert key_value.incr("fresh", 5) == 5


def test_incr_continues_a_value_that_was_set(key_value: KeyValue) -> None:
    key_value.set("n", b"41")
    assert key_value.incr("n") == 42


def test_incr_of_a_non_integer_value_raises_value_error(key_value: KeyValue) -> None:
    key_value.set("text", b"forty-two")
    with pytest.raises(ValueError):
        key_value.incr("text")
    assert key_value.get("text") == b"forty-two"


def test_incr_refuses_to_overflow_64_bits(key_value: KeyValue) -> None:
    key_value.set("big", str(2**63 - 1).encode())
    with pytest.raises(ValueError):
        key_value.incr("big")
    assert key_value.get("big") == str(2**63 - 1).encode()


def test_incr_sets_the_ttl_only_when_it_creates_the_counter(key_value: KeyValue) -> None:
    assert key_value.incr("window", ttl_s=0.4) == 1
    time.sleep(0.25)
    # Had this call renewed the TTL, the counter would live until 0.65 s.
    assert key_value.incr("window", ttl_s=0.4) == 2
    time.sleep(0.25)
    assert key_value.get("window") is None
    assert key_value.incr("window", ttl_s=0.4) == 1


def test_incr_keeps_an_existing_key_without_expiry(key_value: KeyValue) -> None:
    key_value.set("total", b"5")
    assert key_value.incr("total", ttl_s=SHORT_TTL_S) == 6
    time.sleep(PAST_SHORT_TTL_S)
    assert key_value.get("total") == b"6"


def test_incr_is_atomic_under_concurrency(key_value: KeyValue) -> None:
    threads, per_thread = 8, 50

    def bump(_: int) -> None:
        for _ in range(per_thread):
            key_value.incr("concurrent", ttl_s=30)

    run_together(threads, bump)
    assert key_value.get("concurrent") == str(threads * per_thread).encode()


# -- token buckets --------------------------------------------------------------------------


def test_a_bucket_starts_full_and_runs_dry(key_value: KeyValue) -> None:
    taken = [key_value.take_token("rl:client-1", capacity=3, refill_per_s=0.01) for _ in range(5)]
    assert taken == [True, True, True, False, False]


def test_buckets_are_independent(key_value: KeyValue) -> None:
    assert key_value.take_token("rl:a", capacity=1, refill_per_s=0.01) is True
    assert key_value.take_token("rl:a", capacity=1, refill_per_s=0.01) is False
    assert key_value.take_token("rl:b", capacity=1, refill_per_s=0.01) is True


def test_a_bucket_refills_with_time(key_value: KeyValue) -> None:
    assert key_value.take_token("rl:r", capacity=2, refill_per_s=10) is True
    assert key_value.take_token("rl:r", capacity=2, refill_per_s=10) is True
    assert key_value.take_token("rl:r", capacity=2, refill_per_s=10) is False
    time.sleep(0.15)  # 1.5 tokens
    assert key_value.take_token("rl:r", capacity=2, refill_per_s=10) is True
    assert key_value.take_token("rl:r", capacity=2, refill_per_s=10) is False


def test_an_idle_bucket_holds_its_capacity_and_no_more(key_value: KeyValue) -> None:
    for _ in range(2):
        assert key_value.take_token("rl:cap", capacity=2, refill_per_s=20) is True
    time.sleep(0.3)  # 6 tokens' worth of time
    taken = [key_value.take_token("rl:cap", capacity=2, refill_per_s=20) for _ in range(3)]
    assert taken == [True, True, False]


def test_a_smaller_capacity_caps_the_tokens_a_bucket_holds(key_value: KeyValue) -> None:
    assert key_value.take_token("rl:shrink", capacity=10, refill_per_s=0.01) is True  # 9 left
    taken = [key_value.take_token("rl:shrink", capacity=2, refill_per_s=0.01) for _ in range(3)]
    assert taken == [True, True, False]


def test_a_bucket_hands_out_exactly_its_capacity_under_concurrency(key_value: KeyValue) -> None:
    results = run_together(
        20, lambda _: [key_value.take_token("rl:burst", 10, 0.001) for _ in range(2)]
    )
    assert sum(sum(per_thread) for per_thread in results) == 10  # type: ignore[arg-type]


def test_a_bucket_is_a_key_delete_resets_it(key_value: KeyValue) -> None:
    assert key_value.take_token("rl:d", capacity=1, refill_per_s=0.01) is True
    assert key_value.take_token("rl:d", capacity=1, refill_per_s=0.01) is False
    assert key_value.delete("rl:d") == 1
    assert key_value.take_token("rl:d", capacity=1, refill_per_s=0.01) is True


def test_a_bucket_state_expires_once_it_would_be_full(key_value: KeyValue) -> None:
    assert key_value.take_token("rl:e", capacity=1, refill_per_s=10) is True
    time.sleep(PAST_SHORT_TTL_S)  # full after 0.1 s, so nothing needs to be kept
    assert key_value.get("rl:e") is None
    assert key_value.set_if_absent("rl:e", b"free") is True


def test_kinds_of_keys_do_not_mix(key_value: KeyValue) -> None:
    key_value.take_token("bucket", capacity=5, refill_per_s=1)
    key_value.set("plain", b"v")
    with pytest.raises(TypeError):
        key_value.get("bucket")
    with pytest.raises(TypeError):
        key_value.incr("bucket")
    with pytest.raises(TypeError):
        key_value.take_token("plain", capacity=5, refill_per_s=1)
    assert key_value.set_if_absent("bucket", b"v") is False
    key_value.set("bucket", b"replaced")
    assert key_value.get("bucket") == b"replaced"


@pytest.mark.parametrize(("capacity", "refill_per_s"), [(0, 1.0), (-1, 1.0), (1, 0), (1, -1.0)])
def test_a_bucket_needs_a_capacity_and_a_refill_rate(
    key_value: KeyValue, capacity: int, refill_per_s: float
) -> None:
    with pytest.raises(ValueError):
        key_value.take_token("rl:bad", capacity=capacity, refill_per_s=refill_per_s)
    assert key_value.take_token("rl:bad", capacity=1, refill_per_s=1) is True


# -- delete_prefix --------------------------------------------------------------------------


def test_delete_prefix_removes_only_keys_with_that_prefix(key_value: KeyValue) -> None:
    keys = ["worker:1:profile", "worker:1:contact", "worker:10:profile", "worker:2", "x:worker:1:"]
    for key in keys:
        key_value.set(key, b"v")
    assert key_value.delete_prefix("worker:1:") == 2
    assert key_value.get("worker:1:profile") is None
    assert key_value.get("worker:1:contact") is None
    assert key_value.get("worker:10:profile") == b"v"
    assert key_value.get("worker:2") == b"v"
    assert key_value.get("x:worker:1:") == b"v"
    assert key_value.delete_prefix("worker:1:") == 0


def test_delete_prefix_takes_glob_characters_literally(key_value: KeyValue) -> None:
    keys = ["c:*", "c:*:1", "c:a", "c:[a]", "c:[a]:1", "c:?", "c:b", "c:\\", "c:\\x", "c:x"]
    for key in keys:
        key_value.set(key, b"v")
    assert key_value.delete_prefix("c:*") == 2
    assert key_value.delete_prefix("c:[a]") == 2
    assert key_value.delete_prefix("c:?") == 1
    assert key_value.delete_prefix("c:\\") == 2
    remaining = {key for key in keys if key_value.get(key) is not None}
    assert remaining == {"c:a", "c:b", "c:x"}


def test_delete_prefix_handles_chinese_text(key_value: KeyValue) -> None:
    key_value.set("工资:150602:焊工", b"v")
    key_value.set("工资:1506", b"v")
    key_value.set("工时:150602", b"v")
    assert key_value.delete_prefix("工资:150602") == 1
    assert key_value.get("工资:1506") == b"v"
    assert key_value.get("工时:150602") == b"v"


def test_delete_prefix_removes_counters_and_buckets_too(key_value: KeyValue) -> None:
    key_value.set("erase:w1:cache", b"v", ttl_s=60)
    key_value.incr("erase:w1:count")
    key_value.take_token("erase:w1:rate", capacity=1, refill_per_s=0.01)
    assert key_value.delete_prefix("erase:w1:") == 3
    assert key_value.get("erase:w1:cache") is None
    assert key_value.get("erase:w1:count") is None
    assert key_value.take_token("erase:w1:rate", capacity=1, refill_per_s=0.01) is True


def test_delete_prefix_removes_many_keys(key_value: KeyValue) -> None:
    count = 1234  # more than one SCAN/UNLINK batch
    for index in range(count):
        key_value.set(f"bulk:{index}", b"v")
    key_value.set("bulky", b"v")
    assert key_value.delete_prefix("bulk:") == count
    assert key_value.get("bulk:0") is None
    assert key_value.get(f"bulk:{count - 1}") is None
    assert key_value.get("bulky") == b"v"


def test_delete_prefix_refuses_an_empty_prefix(key_value: KeyValue) -> None:
    key_value.set("k", b"v")
    with pytest.raises(ValueError):
        key_value.delete_prefix("")
    assert key_value.get("k") == b"v"


# -- Redis only: namespaces and failures ----------------------------------------------------


def test_namespaces_isolate_two_redis_adapters(
    redis_key_value_factory: Callable[[], RedisKeyValue],
) -> None:
    first, second = redis_key_value_factory(), redis_key_value_factory()
    first.set("shared", b"first")
    second.set("shared", b"second")
    first.incr("n")
    first.take_token("rl", capacity=1, refill_per_s=0.01)
    assert second.get("shared") == b"second"
    assert second.get("n") is None
    assert second.take_token("rl", capacity=1, refill_per_s=0.01) is True
    assert second.delete_prefix("sha") == 1
    assert first.get("shared") == b"first"
    assert second.delete("n", "rl") == 1  # only its own bucket
    assert first.get("n") == b"1"


def test_redis_keys_are_stored_under_the_namespace(
    redis_url: str, redis_key_value_factory: Callable[[], RedisKeyValue]
) -> None:
    adapter = redis_key_value_factory()
    adapter.set("k", b"v")
    raw = RedisKeyValue(redis_url, namespace="")
    try:
        assert raw.get(adapter.namespace + "k") == b"v"
    finally:
        raw.close()


def test_an_unreachable_redis_raises_key_value_unavailable() -> None:
    adapter = RedisKeyValue(f"redis://:hunter2@127.0.0.1:{free_port()}/0", timeout_s=0.5)
    try:
        assert adapter.ping() is False
        with pytest.raises(KeyValueUnavailable) as raised:
            adapter.get("k")
        assert "127.0.0.1" in str(raised.value)
        assert "hunter2" not in str(raised.value)
        with pytest.raises(KeyValueUnavailable):
            adapter.set("k", b"v")
        with pytest.raises(KeyValueUnavailable):
            adapter.take_token("rl", capacity=1, refill_per_s=1)
        with pytest.raises(KeyValueUnavailable):
            adapter.delete_prefix("p")
    finally:
        adapter.close()


# -- memory only: expired entries do not pile up --------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_drops_expired_entries_nobody_reads() -> None:
    clock = FakeClock()
    memory = MemoryKeyValue(clock=clock)
    for index in range(5000):
        memory.set(f"cache:{index}", b"v", ttl_s=1)
    memory.set("kept", b"v")
    assert len(memory) == 5001
    clock.now += 2
    for index in range(40):  # ordinary writes carry the sweep along
        memory.set(f"other:{index}", b"v")
    assert len(memory) == 41


def test_memory_rewriting_one_key_does_not_grow_without_bound() -> None:
    clock = FakeClock()
    memory = MemoryKeyValue(clock=clock)
    for _ in range(20000):
        memory.set("hot", b"v", ttl_s=3600)
        memory.take_token("rl:hot", capacity=100, refill_per_s=1)
    assert len(memory) == 2
    assert len(memory._deadlines) < 2 * len(memory) + 1024 + 1  # stale deadlines compacted


# -- sqlite only: durable, shared by processes, erased bytes leave the file ------------------


def test_sqlite_values_and_ttls_survive_a_restart(tmp_path) -> None:
    path = tmp_path / "kv.db"
    first = SqliteKeyValue(path)
    first.set("idem:a", b"first answer", ttl_s=60)
    first.set("short", b"v", ttl_s=SHORT_TTL_S)
    first.incr("n", 3)
    first.close()  # the process ends
    time.sleep(PAST_SHORT_TTL_S)
    again = SqliteKeyValue(path)
    try:
        assert again.get("idem:a") == b"first answer"
        assert again.get("short") is None  # a deadline is wall-clock time, so it passed meanwhile
        assert again.incr("n") == 4
    finally:
        again.close()


def test_sqlite_two_adapters_on_one_file_see_one_store(tmp_path) -> None:
    path = tmp_path / "kv.db"
    one, two = SqliteKeyValue(path), SqliteKeyValue(path)  # as two HTTP processes of one service
    try:
        results = run_together(8, lambda i: (one if i % 2 else two).set_if_absent("idem:k", str(i).encode(), ttl_s=10))
        assert results.count(True) == 1
        assert one.get("idem:k") == two.get("idem:k")
        run_together(8, lambda i: [(one if i % 2 else two).incr("hits") for _ in range(25)])
        assert one.get("hits") == b"200"
    finally:
        one.close()
        two.close()


def test_sqlite_a_deleted_value_leaves_no_bytes_in_the_file(tmp_path) -> None:
    path = tmp_path / "kv.db"
    adapter = SqliteKeyValue(path)
    secret = b'{"phone":"13912345678","email":"erase-me@example.com"}'
    adapter.set("idem:worker", secret, ttl_s=86400)
    adapter.set("idem:expiring", secret.replace(b"erase-me", b"expire-me"), ttl_s=0.05)
    adapter.delete_prefix("idem:worker")
    time.sleep(0.1)
    adapter._last_sweep = 0.0  # let the next write sweep at once
    adapter.set("other", b"v")
    adapter.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("kv.db"))
    assert b"13912345678" not in raw
    assert b"erase-me" not in raw and b"expire-me" not in raw
    assert b"other" in raw  # the check reads the right file


def test_sqlite_checkpoint_leaves_an_erased_answer_in_no_file_while_open(tmp_path) -> None:
    adapter = SqliteKeyValue(tmp_path / "kv.db")
    try:
        adapter.set("idem:w", b"13912345678 erase-me", ttl_s=60)
        adapter.delete("idem:w")
        assert adapter.checkpoint() is True
        raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("kv.db"))
        assert b"13912345678" not in raw
    finally:
        adapter.close()
