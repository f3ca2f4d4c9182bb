"""Who holds a lock, and whether that process still lives (layer 8).

A SQLite lease names its holder as `host|pid|start`. SQLite in WAL mode only works for processes
on one machine, so a waiter can ask the kernel whether the holder still runs and take over a dead
holder's lease at once instead of after its lifetime (a `kill -9` during a turn then costs no
wait). The start time guards against a recycled pid; an unreaped zombie counts as dead.
"""

from __future__ import annotations

import os
import socket


def _proc_stat(pid: int) -> tuple[str, str] | None:
    """(state letter, start time in clock ticks) from /proc, or None where there is no /proc entry."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()  # the command name may hold spaces and parentheses
    return (fields[0], fields[19]) if len(fields) > 19 else None


def current_owner() -> str:
    """This process as a lock holder."""
    pid = os.getpid()
    stat = _proc_stat(pid)
    return f"{socket.gethostname()}|{pid}|{stat[1] if stat else ''}"


def owner_is_dead(owner: str) -> bool:
    """True only when the holder certainly no longer runs; unknown holders count as alive."""
    try:
        host, pid_text, start = owner.split("|")
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname() or pid <= 0:
        return False
    if os.path.isdir("/proc/self"):
        stat = _proc_stat(pid)
        return stat is None or stat[0] in ("Z", "X") or (bool(start) and stat[1] != start)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False
