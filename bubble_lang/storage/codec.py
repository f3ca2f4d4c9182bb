"""Stored text ⇄ plain data, with versions (layer 8).

Input: plain JSON data from `SessionState.to_plain()` (or any dict carrying an int `version`).
Output: compact JSON text, and back. Reading checks the shape and the versions and runs
migrations; anything it cannot read becomes a `CorruptState` naming the conversation. It never
uses pickle or eval: stored bytes are untrusted input like a user's message.

Two versions are kept apart: `STATE_VERSION` (the state's own format, owned by the runtime) and
`SCHEMA_VERSION` (how a store lays out its tables or keys, owned here).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

import orjson

from ..runtime.session import STATE_VERSION
from .errors import CorruptState, StoreError

SCHEMA_VERSION = 1

Migrate = Callable[[dict[str, Any]], dict[str, Any]]



def _state_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 named frames by source position (`dialog:order@shop.bot:35:1`); version 2 by
    stable identity and code hash (SPEC §14). A named dialog's frame becomes `dialog:NAME#0` with
    no hash, so it starts again from its top (variables kept) when next played, and the question
    it waited on is kept so the next message is not taken for the answer to another; an unnamed
    dialog's frame cannot be placed and is left. Ask/await timeouts and `once` counters (keyed by
    position) go; scheduled emits are kept."""
    frames = []
    for frame in data.get("frames") or []:
        name, code, kind = str(frame.get("name", "")), str(frame.get("code", "")), frame.get("kind", "dialog")
        named = kind == "dialog" and "@" not in name and code.startswith(f"dialog:{name}@")
        migrated_frame = {"code": f"dialog:{name}#0" if named else f"version-1:{code}", "name": name, "kind": kind}
        wait = frame.get("wait")
        if isinstance(wait, dict) and wait.get("kind") in ("ask", "prompt"):
            target = wait.get("target")
            migrated_frame["wait"] = {"$r": "ask", "question": wait.get("question"), "options": wait.get("options") or {},
                                      "target": [target[0], *target[1]] if isinstance(target, list) and target
                                      and target[0] == "user" else (target or []), "prompt": wait["kind"] == "prompt"}
        elif isinstance(wait, dict) and wait.get("kind") == "await":
            migrated_frame["wait"] = {"$r": "await", "event": str(wait.get("event", ""))}
        frames.append(migrated_frame)
    timers = [{"$r": "emit_timer", "id": t.get("id"), "due": t.get("due"), "name": t.get("name"),
               "payload": t.get("payload"), "to": t.get("to")}
              for t in data.get("timers") or [] if isinstance(t, dict) and t.get("kind") == "emit"]
    migrated = {key: value for key, value in data.items() if key not in ("frames", "timers", "once")}
    migrated.update(version=2, frames=frames, timers=timers)
    return migrated


# State migrations: STATE_MIGRATIONS[n] turns version-n data into version n+1. Each entry needs a
# golden file of version n in the tests when it is added (reliability.md DUR-5).
STATE_MIGRATIONS: dict[int, Migrate] = {1: _state_1_to_2}


def migrate_state(data: dict[str, Any]) -> dict[str, Any]:
    """The default migrate hook: lift older state data to `STATE_VERSION`, step by step.

    Raises `ValueError` when a step is missing; the caller turns that into `CorruptState`.
    """
    version = data["version"]
    while version < STATE_VERSION:
        step = STATE_MIGRATIONS.get(version)
        if step is None:
            raise ValueError(f"no migration from state version {version}")
        data = step(data)
        if data.get("version") != version + 1:
            raise ValueError(f"the migration from state version {version} did not reach {version + 1}")
        version += 1
    return data


def encode(data: Any) -> str:
    """Compact JSON text (what every store keeps). orjson writes it: it is most of a stored
    turn's cost otherwise. What orjson refuses goes through Python's json, which decides:
    non-text map keys become text, integers past 64 bits are written out, a lone surrogate
    (invalid Unicode: no store can write it as UTF-8) becomes U+FFFD, and anything that is not
    JSON data (a set, an object) is refused. NaN and infinities are written as `null`, as bubble
    values are (`values.to_plain`): other JSON readers reject them."""
    try:
        return orjson.dumps(data, option=_STRICT).decode()
    except orjson.JSONEncodeError:
        pass
    try:
        text = json.dumps(_finite(data), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"conversation data is not plain JSON data: {error}") from None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)
    return text


def _finite(data: Any) -> Any:
    """`data` with NaN and infinities as None, as orjson writes them (the slow path only)."""
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, (list, tuple)):
        return [_finite(item) for item in data]
    if isinstance(data, dict):
        return {key: _finite(item) for key, item in data.items()}
    return data


#: orjson would write dates and dataclasses on its own; stored data never holds them, so they
#: are refused like any other object
_STRICT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


_SURROGATES = re.compile("[\ud800-\udfff]")


def encode_state(state: dict[str, Any]) -> str:
    """The text of a state to commit; a state without an int `version` is a bug in the caller."""
    if not isinstance(state, dict) or not isinstance(state.get("version"), int):
        raise ValueError("committed state must be a dict with an int `version` (SessionState.to_plain())")
    return encode(state)


def _parse(conversation_id: str, text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise CorruptState(conversation_id, f"not JSON ({str(error)[:80]})") from None


def decode_state(conversation_id: str, text: str | bytes, migrate: Migrate) -> dict[str, Any]:
    """Read stored state text: JSON, a dict with an int `version` not newer than ours, migrated."""
    data = _parse(conversation_id, text)
    return check_state(conversation_id, data, migrate)


def check_state(conversation_id: str, data: Any, migrate: Migrate) -> dict[str, Any]:
    """Shape and version checks shared by every store, then the migrate hook."""
    if not isinstance(data, dict):
        raise CorruptState(conversation_id, f"expected a JSON object, found {type(data).__name__}")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise CorruptState(conversation_id, "the state has no int `version`")
    if version > STATE_VERSION:
        raise CorruptState(conversation_id, f"state version {version}, this bubble reads up to {STATE_VERSION}",
                           newer=True)
    try:
        return migrate(data)
    except (KeyError, TypeError, ValueError) as error:
        raise CorruptState(conversation_id, f"cannot migrate: {error}") from None


def encode_envelope(revision: int, state_text: str, at: float) -> str:
    """One document holding a conversation's revision and its (already encoded) state: the Redis
    layout, where one key must carry both so one GET reads a consistent pair."""
    return '{"schema":%d,"revision":%d,"at":%s,"state":%s}' % (SCHEMA_VERSION, revision, encode(at), state_text)


def decode_envelope(conversation_id: str, text: str | bytes, migrate: Migrate) -> tuple[int, dict[str, Any]]:
    """Revision and state from an envelope; a damaged or newer envelope is a `CorruptState`."""
    data = _parse(conversation_id, text)
    if not isinstance(data, dict) or not isinstance(data.get("revision"), int) or "state" not in data:
        raise CorruptState(conversation_id, "expected an object with `revision` and `state`")
    schema = data.get("schema")
    if not isinstance(schema, int) or schema < 1:
        raise CorruptState(conversation_id, "the envelope has no store schema version")
    if schema > SCHEMA_VERSION:
        raise CorruptState(conversation_id, f"store schema {schema}, this bubble reads up to {SCHEMA_VERSION}",
                           newer=True)
    return data["revision"], check_state(conversation_id, data["state"], migrate)


def decode_json(text: str | bytes | None, default: Any = None) -> Any:
    """Plain JSON of records the store wrote itself (transcript, timers, users); None gives `default`."""
    if text is None:
        return default
    return json.loads(text)


def check_schema(found: int | None, where: str) -> None:
    """Refuse a store laid out by a newer bubble; an empty store gets the current schema."""
    if found is not None and found > SCHEMA_VERSION:
        raise StoreError("B565", f"{where} has store schema {found}, this bubble reads up to {SCHEMA_VERSION}",
                         hint="run the newer bubble, or point `--store` at another place")


def raw_text(raw: bytes | str | None) -> str | bytes | None:
    """Quarantined data for people to read: text when it is UTF-8, else the bytes themselves."""
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw
    return raw
