"""The turn in progress (layer 6): where SPEC §7's algorithm stands, as data.

A turn is a stack of small jobs (the agenda): "handle this message, now at the answer phase",
"run the `before: __resolve__` tasks from the second one on", "run frames until they all wait".
The VM (`vm/phases.py`) advances the top job; a job may push frames and other jobs above itself
and is advanced again when they are done. Because the agenda, the frames and the outputs so far
are plain data, a turn that stops at `extension` for the host's IO is plain data too, and
continues exactly where it was (DESIGN §1b). Between turns the agenda is empty and `turn` is
None, so a stored conversation carries none of this.
"""

from __future__ import annotations

from typing import Union

from .inputs import StepInput
from .records import record
from .waits import AnyTimer


@record("run_frames")
class RunFrames:
    """Run frames above `base` until each waits or returns (SPEC §7 steps 5–7). With `root`, an
    empty stack gets `__root__` once."""

    base: int = 0
    root: bool = False
    root_pushed: bool = False


@record("run_hooks")
class RunHooks:
    """Run the `task before: <hook>` tasks whose guard holds, in order, each to its end."""

    hook: str
    index: int = 0


@record("handle")
class Handle:
    """One user input through SPEC §7, at `phase` (see `vm/phases.py` for the phases)."""

    input: StepInput
    phase: str = "open"
    waiting: bool = False  # did a frame wait when resolution began (an interruption)?
    index: int = 0  # events: the next `task event:` to try
    handled: bool = False  # events: a `task event:` ran


@record("fire_timer")
class FireTimer:
    """A due timer (already removed from the state, so it fires once) played as a turn."""

    timer: AnyTimer
    phase: str = "fire"


@record("closing")
class Closing:
    """`close`: `__closed__` runs, then the conversation is closed."""

    phase: str = "start"


@record("error_done")
class ErrorDone:
    """After `__error__` ran: leave its frame if it is still on top."""

    code: str


@record("go_back")
class GoBack:
    """Back in a wizard (`vm/wizard.py`): to the boundary the rules pick, or `first` of all."""

    first: bool = False


Job = Union[RunFrames, RunHooks, Handle, FireTimer, Closing, ErrorDone, GoBack]
