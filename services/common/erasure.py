"""What erasure needs beyond a service's own rows (DESIGN §6): cached first answers that name a person.

The Idempotency-Key middleware keeps the first answer to a POST for a day, keyed by the caller. An
answer can name someone other than the caller — an employer's invitation whose message greets the
worker by name, an agency's application for a worker it manages — so deleting the caller's entries
would not reach it, and deleting the whole caller's would break that caller's other retries. A
route that creates something about a person notes its entry under that person
(`remember_replay_naming`); that person's erasure deletes the noted entries and every entry of the
person's own requests (`forget_replays_naming`). `after_erasure` then folds the SQLite WALs of the
service's store and key-value file (embedded run), so the erased rows leave every file while it runs.
"""

from __future__ import annotations

import hashlib
import json
import threading

from sqlalchemy.engine import Engine

from services.common.ports import KeyValue
from services.common.store import checkpoint_wal
from services.common.web import idempotency_caller_prefix

__all__ = ["REPLAY_TTL_S", "after_erasure", "forget_replays_naming", "remember_replay_naming"]

REPLAY_TTL_S = 86_400.0  # as long as the middleware keeps an answer (DESIGN §3: 24 h)
_MAX_NOTED = 1_000  # entries noted per person; older ones have expired long before this fills


def _notes_key(person_id: str) -> str:
    # hashed: the key-value store holds no ids in clear
    return "erasure-notes:" + hashlib.sha256(person_id.encode()).hexdigest()[:32]


def remember_replay_naming(kv: KeyValue | None, person_id: str, replay_key: str | None) -> None:
    """Note that the cached answer `replay_key` names `person_id` (no-op without a key or a store).

    Read-modify-write: two notes for one person in the same instant may keep only one; the note
    is housekeeping for an answer that also expires on its own after REPLAY_TTL_S.
    """
    if kv is None or not replay_key:
        return
    raw = kv.get(_notes_key(person_id))
    noted = json.loads(raw) if raw else []
    if replay_key not in noted:
        noted = [*noted, replay_key][-_MAX_NOTED:]
        kv.set(_notes_key(person_id), json.dumps(noted).encode(), ttl_s=REPLAY_TTL_S)


def forget_replays_naming(kv: KeyValue | None, person_id: str, *, role: str = "worker") -> int:
    """Delete the cached answers noted for the person and those of the person's own requests."""
    if kv is None:
        return 0
    raw = kv.get(_notes_key(person_id))
    noted = json.loads(raw) if raw else []
    removed = kv.delete(*noted) if noted else 0
    removed += kv.delete_prefix(idempotency_caller_prefix(role, person_id))
    kv.delete(_notes_key(person_id))
    return removed


def after_erasure(engine: Engine | None, kv: KeyValue | None = None) -> None:
    """Truncate the WALs of the store and of the key-value file, in the background (the caller, a
    request or a consumer, does not wait for another process's readers to let go)."""
    if engine is not None:
        checkpoint_wal(engine, background=True)
    checkpoint = getattr(kv, "checkpoint", None)  # the embedded SQLite adapter; Redis has no file here
    if checkpoint is not None:
        threading.Thread(target=checkpoint, name="kv-checkpoint", daemon=True).start()
