"""`MemoryStore` (layer 8): the `Store` contract in one process's memory, for `--store memory`,
tests and throwaway runs. Everything is lost when the process ends.

It keeps data as encoded JSON text, like the durable stores, so a caller that mutates a state
after committing it cannot change what was stored, and non-JSON data fails here as it would there.
One condition variable guards everything; leases expire on the monotonic clock.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any


from .base import BaseStore, StoredConversation, Timer, TranscriptEntry, TurnWrites, UserWrite
from .codec import decode_state, encode
from .errors import TurnConflict


class MemoryStore(BaseStore):
    """Dicts behind one lock; safe for many threads of one process."""

    in_process = True  # nothing here waits on IO: commits may run on the host's event loop

    def __init__(self, **options: Any):
        super().__init__(**options)
        self._cond = threading.Condition(threading.RLock())
        self._leases: dict[str, tuple[str, float]] = {}
        self._states: dict[str, tuple[int, str]] = {}
        # per conversation: (seq, at, message_id, entry_text) — the turn's own JSON, not encoded again
        self._transcripts: dict[str, list[tuple[int, float, str | None, str]]] = {}
        self._messages: dict[str, dict[str, int]] = {}
        self._users: dict[tuple[str, str], dict[str, str]] = {}
        self._timers: dict[str, tuple[str, float, str]] = {}  # id -> (conversation, due, payload JSON)
        self._set_aside: dict[str, list[dict[str, Any]]] = {}
        self._delivered: dict[str, int] = {}

    # -- locking -------------------------------------------------------------------------------
    def _try_lock(self, conversation_id: str, token: str, lifetime: float) -> bool:
        with self._cond:
            held = self._leases.get(conversation_id)
            if held is not None and held[1] > time.monotonic():
                return False
            self._leases[conversation_id] = (token, time.monotonic() + lifetime)
            return True

    def _pause(self, conversation_id: str, seconds: float) -> None:
        with self._cond:
            self._cond.wait(seconds)

    def _renew(self, conversation_id: str, token: str, lifetime: float) -> bool:
        with self._cond:
            held = self._leases.get(conversation_id)
            if held is None or held[0] != token or held[1] <= time.monotonic():
                return False
            self._leases[conversation_id] = (token, time.monotonic() + lifetime)
            return True

    def delivered(self, conversation_id: str) -> int:
        with self._cond:
            return self._delivered.get(conversation_id, 0)

    def mark_delivered(self, conversation_id: str, seq: int) -> None:
        with self._cond:
            self._delivered[conversation_id] = max(seq, self._delivered.get(conversation_id, 0))

    def _release(self, conversation_id: str, token: str) -> None:
        with self._cond:
            if self._leases.get(conversation_id, ("",))[0] == token:
                del self._leases[conversation_id]
            self._cond.notify_all()

    # -- conversations -------------------------------------------------------------------------
    def load(self, conversation_id: str) -> StoredConversation | None:
        with self._cond:
            stored = self._states.get(conversation_id)
        if stored is None:
            return None
        revision, text = stored
        return StoredConversation(conversation_id=conversation_id, revision=revision,
                                  state=decode_state(conversation_id, text, self.migrate))

    def revision(self, conversation_id: str) -> int:
        with self._cond:
            return self._states.get(conversation_id, (0, ""))[0]

    def _commit(self, writes: TurnWrites) -> None:
        cid = writes.conversation_id
        with self._cond:
            if self._leases.get(cid, ("",))[0] != writes.token:
                raise TurnConflict(cid, "its lock expired and another turn took over")
            if self._states.get(cid, (0, ""))[0] != writes.revision:
                raise TurnConflict(cid, "another turn committed first")
            message_id = writes.entry.message_id
            if message_id is not None and message_id in self._messages.get(cid, {}):
                raise TurnConflict(cid, f"message `{message_id}` was already handled")
            gone = [timer_id for timer_id in writes.claims if timer_id not in self._timers]
            if gone:
                raise TurnConflict(cid, f"timer `{gone[0]}` was claimed elsewhere")
            self._states[cid] = (writes.revision + 1, writes.state_text)
            entry = writes.entry
            self._transcripts.setdefault(cid, []).append((entry.seq, entry.at, entry.message_id, writes.entry_text))
            if writes.entry.message_id is not None:
                self._messages.setdefault(cid, {})[writes.entry.message_id] = writes.entry.seq
            for user in writes.users:
                self._apply_user(user)
            for timer_id in (*writes.cancels, *writes.claims):
                self._timers.pop(timer_id, None)
            for timer in writes.schedules:
                self._timers[timer.timer_id] = (cid, timer.due, encode(timer.payload))
            del self._leases[cid]
            self._cond.notify_all()

    def transcript(self, conversation_id: str) -> list[TranscriptEntry]:
        with self._cond:
            rows = list(self._transcripts.get(conversation_id, []))
        return [TranscriptEntry(seq=seq, at=at, message_id=message_id, **json.loads(text))
                for seq, at, message_id, text in rows]

    def find_message(self, conversation_id: str, message_id: str) -> list[Any] | None:
        with self._cond:
            seq = self._messages.get(conversation_id, {}).get(message_id)
            if seq is None:
                return None
            text = self._transcripts[conversation_id][seq - 1][3]
        return json.loads(text)["outputs"]

    def list_conversations(self) -> list[str]:
        with self._cond:
            return sorted(self._states)

    def _quarantine(self, conversation_id: str, token: str, reason: str, at: float) -> bool:
        with self._cond:
            stored = self._states.pop(conversation_id, None)
            transcript = self._transcripts.pop(conversation_id, [])
            self._messages.pop(conversation_id, None)
            if stored is None and not transcript:
                return False
            self._set_aside.setdefault(conversation_id, []).append(
                {"at": at, "reason": reason, "state": stored[1] if stored else None,
                 "transcript": "[" + ",".join(_entry_json(row) for row in transcript) + "]"})
            return True

    def quarantined(self, conversation_id: str) -> list[dict[str, Any]]:
        with self._cond:
            return [dict(item) for item in self._set_aside.get(conversation_id, [])]

    def _write_raw(self, conversation_id: str, text: str, revision: int = 1) -> None:
        """Tests: store bytes as they might be found after damage."""
        with self._cond:
            self._states[conversation_id] = (revision, text)

    # -- users ---------------------------------------------------------------------------------
    def load_user(self, bot_id: str, user_id: str) -> dict[str, Any]:
        with self._cond:
            record = dict(self._users.get((bot_id, user_id), {}))
        return {key: json.loads(text) for key, text in record.items()}

    def save_user(self, bot_id: str, user_id: str, data: dict[str, Any]) -> None:
        with self._cond:
            self._apply_user(UserWrite(bot_id=bot_id, user_id=user_id, data=data, base=None))

    def _apply_user(self, user: UserWrite) -> None:
        sets, deletes, replace = user.patch()
        record = self._users.setdefault((user.bot_id, user.user_id), {})
        if replace:
            record.clear()
        record.update(sets)
        for key in deletes:
            record.pop(key, None)

    # -- timers --------------------------------------------------------------------------------
    def schedule(self, conversation_id: str, timer_id: str, due: float, payload: dict[str, Any]) -> None:
        text = encode(payload)
        with self._cond:
            self._timers[timer_id] = (conversation_id, float(due), text)

    def cancel(self, timer_id: str) -> None:
        with self._cond:
            self._timers.pop(timer_id, None)

    def claim(self, timer_id: str) -> bool:
        with self._cond:
            return self._timers.pop(timer_id, None) is not None

    def _timer(self, timer_id: str) -> Timer | None:
        with self._cond:
            found = self._timers.get(timer_id)
        return None if found is None else _timer(timer_id, found)

    def due_timers(self, now: float, limit: int = 100) -> list[Timer]:
        with self._cond:
            due = sorted((item[1], timer_id, item) for timer_id, item in self._timers.items() if item[1] <= now)
        return [_timer(timer_id, item) for _, timer_id, item in due[:limit]]

    def timers_of(self, conversation_id: str) -> list[Timer]:
        with self._cond:
            mine = sorted((item[1], timer_id, item) for timer_id, item in self._timers.items()
                          if item[0] == conversation_id)
        return [_timer(timer_id, item) for _, timer_id, item in mine]

    def close(self) -> None:
        """Nothing to close; the data goes with the object."""


def _timer(timer_id: str, item: tuple[str, float, str]) -> Timer:
    return Timer(timer_id=timer_id, conversation_id=item[0], due=item[1], payload=json.loads(item[2]))


def _entry_json(row: tuple[int, float, str | None, str]) -> str:
    """One transcript row as the JSON object other stores keep (for a quarantined copy)."""
    seq, at, message_id, text = row
    return encode({"seq": seq, "at": at, "message_id": message_id})[:-1] + "," + text[1:]
