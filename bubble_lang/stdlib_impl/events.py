"""Event builtins (layer 6): `event(name)`, the pattern `await` waits for.

Input: an event name. Output: an `event_pattern` record; the VM does the waiting.
"""

from __future__ import annotations

from typing import Any

from ..runtime.values import Record
from .args import bad_argument, text_arg
from .binding import builtin
from .context import Context


@builtin("event")
def event(ctx: Context, name: Any) -> Record:
    """An event pattern for `await`; the name must not be empty."""
    wanted = text_arg("event", name).strip()
    if not wanted:
        bad_argument("`event` needs a name, got an empty text", 'name the event, like `event("payment_done")`')
    if len(wanted) > 200:
        bad_argument("`event` got a name longer than 200 characters", "use a short event name")
    return Record("event_pattern", {"name": wanted})
