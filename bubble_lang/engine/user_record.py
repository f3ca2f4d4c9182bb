"""Which `user.*` fields are the user's and which are this conversation's (SPEC §4).

The user record is shared by every conversation of one user with a bot, but only the fields a
script remembered belong there: `remember user.x` makes `x` shared (from then on, in this
conversation, every change of `x` is written to the record), `forget user.x` deletes it from the
record, and a field assigned without `remember` changes for this conversation only — it is kept
with the conversation's state, and the record's value of that field is not shown to it again.

Input: the conversation's state (its `user` map as last committed, the remembered keys and the
fields it set on its own) and the stored record. Output: the `user` map a turn sees, and after
the turn the record to write back. Granularity is the top-level field: `remember user.a.b`
shares all of `a`, since the record stores one value per top-level key.
"""

from __future__ import annotations

from typing import Any

from ..runtime.session import FORGOTTEN, OWN, REMEMBERED
from ..runtime.values import from_plain, to_plain



def shared_fields(runtime: dict[str, Any]) -> set[str]:
    """The top-level fields this conversation writes to the user record."""
    return {path.split(".", 1)[0] for path in runtime.get(REMEMBERED, [])}


def turn_view(runtime: dict[str, Any], own_user: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """The `user` map of a turn: the stored record (as bubble values), with the fields this
    conversation set on its own taken from its state instead (a field it deleted stays deleted)."""
    view = {key: from_plain(value) for key, value in record.items()}
    for key in runtime.get(OWN, []):
        if key in own_user:
            view[key] = own_user[key]
        else:
            view.pop(key, None)
    return view


def settle(runtime: dict[str, Any], before: dict[str, Any], after: dict[str, Any],
           record: dict[str, Any]) -> dict[str, Any] | None:
    """After a turn: note the fields this conversation now holds on its own (in `runtime`), and
    return the user record to write (tagged plain values), or None when it does not change."""
    shared = shared_fields(runtime)
    forgotten = set(runtime.pop(FORGOTTEN, []))
    own = [key for key in runtime.get(OWN, []) if key not in shared and key not in forgotten]
    for key in set(before) | set(after):
        changed = key not in after or key not in before or before[key] is not after[key] and before[key] != after[key]
        if changed and key not in shared and key not in forgotten and key not in own:
            own.append(key)
    if own:
        runtime[OWN] = own
    else:
        runtime.pop(OWN, None)
    written = dict(record)
    for key in shared:
        if key in after:
            written[key] = to_plain(after[key])
        else:
            written.pop(key, None)
    for key in forgotten:
        written.pop(key, None)
    return written if written != record else None
