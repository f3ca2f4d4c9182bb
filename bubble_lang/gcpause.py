"""Pausing Python's cyclic garbage collector around allocation-heavy, cycle-free work (layer 1).

Parsing and resolving a large bot allocate hundreds of thousands of small objects and create no
reference cycles; the collector's full passes over them only cost time (measured: a third of the
front end on a 10,000-dialog script). Reference counting still frees everything as usual.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its previous state after (nestable).

    On leaving the outermost pause, what the block made is promoted to the oldest generation
    (`gc.freeze()` then `gc.unfreeze()`, two list splices): otherwise the first allocation after
    re-enabling starts a young collection that walks every object the block left alive, a parsed
    bot's hundreds of thousands of nodes (0.3 s on the 10,000-dialog benchmark), and then walks
    them again in the middle generation. In the oldest generation they wait for the next full
    collection like any long-lived object, so a cycle among them is still freed then.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            promote_to_oldest()
            gc.enable()


def promote_to_oldest() -> None:
    """Move every tracked object into the oldest generation without walking them (see above).

    Not in a process that froze objects on purpose (`tune_for_serving`, the language server):
    unfreezing would hand its start-up objects back to the full collections."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


#: Young-generation threshold for servers (Python's default is 700).
SERVING_THRESHOLD = (10_000, 10, 10)


def tune_for_serving() -> None:
    """Settings for a long-running server process, called once after start-up (the bot loaded).

    Start-up objects (the compiled bot, imported modules) live as long as the process: freezing
    them keeps every later full collection from walking them again. With a thousand live
    conversations a full collection still took 50-75 ms and stalled every socket (measured with
    `tools/bench/serve_load.py`: p99 47 ms at 500 turns/s, 1000 clients); collecting the young
    generation every 10,000 allocations instead of 700 makes the older ones rarer: p99 8 ms.
    Reference counting frees almost everything anyway; only cycles wait longer."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*SERVING_THRESHOLD)
