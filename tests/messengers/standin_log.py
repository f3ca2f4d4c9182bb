"""The Bot API stand-in's call log and its queue of injected faults.

Why a log rather than expectations set up in advance: a test of a bot checks what the bot *did*
(which methods, with which parameters, in what order, how it retried) after the fact or while
waiting for it, as one reads a server's access log, while the stand-in only answers as Telegram
would. Why a fault queue: a bot's retry and backoff code only runs when a call fails, and real
failures (429, 5xx, a dropped connection, a slow answer) cannot be had on demand from Telegram.
The server's thread writes both and the test's thread reads them, so both take a lock.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import attrs


@attrs.define
class Call:
    """One request to `/bot<token>/<method>`, logged when it arrives.

    `method`: the canonical camelCase name when the method is known (clients may write any
    case), else the name as sent. `params`: the parameters as sent (query, then body), with
    object-valued ones sent as JSON text in forms decoded. `files`: each uploaded part's name →
    sha256 hex of its bytes. `at`: `time.monotonic()` on arrival, so tests can measure a bot's
    backoff between calls. `status`: the HTTP status answered, None while the call is in progress
    (a long poll), 0 for a connection dropped on purpose. `result`: the `result` of a success.
    """

    method: str
    params: dict[str, Any]
    files: dict[str, str]
    at: float
    status: int | None = None
    result: Any = None

    def summary(self) -> str:
        """One line for failure messages: the method, the status, the parameters (shortened)."""
        params = json.dumps(self.params, ensure_ascii=False, default=str)
        params = params if len(params) <= 120 else params[:117] + "..."
        files = f" files={sorted(self.files)}" if self.files else ""
        return f"{self.method} → {'…' if self.status is None else self.status} {params}{files}"


Matcher = str | Callable[[Call], bool]


def matches(call: Call, what: Matcher) -> bool:
    """A method name (any case) or a predicate over the call."""
    if isinstance(what, str):
        return call.method.lower() == what.lower()
    return bool(what(call))


class CallLog:
    """Thread-safe list of calls; `wait_for` blocks the test until the bot has made some."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._calls: list[Call] = []

    def record(self, method: str, params: dict[str, Any], files: dict[str, str]) -> Call:
        call = Call(method=method, params=params, files=files, at=time.monotonic())
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()
        return call

    def finish(self, call: Call, status: int, result: Any = None) -> None:
        """The call was answered (or dropped: status 0)."""
        with self._changed:
            call.status = status
            call.result = result
            self._changed.notify_all()

    def snapshot(self) -> list[Call]:
        with self._changed:
            return list(self._calls)

    def clear(self) -> None:
        with self._changed:
            self._calls.clear()

    def wait_for(self, what: Matcher, count: int = 1, timeout: float = 5.0,
                 where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Every answered call matching `what` (and `where`), once there are at least `count`.

        Only answered calls count (a long poll counts when it returns), so that when this returns
        the stand-in has done what the calls asked: a sent message is stored, an upload is
        readable. On timeout: AssertionError with the end of the log.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [call for call in self._calls if call.status is not None and matches(call, what)
                         and (where is None or where(call))]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            log = "\n".join(f"  {call.summary()}" for call in self._calls[-30:]) or "  (no calls)"
            total = len(self._calls)
        wanted = what if isinstance(what, str) else getattr(what, "__name__", "a predicate")
        raise AssertionError(f"waited {timeout:g} s for {count} answered call(s) matching {wanted!r}"
                             f"{' (with a where=)' if where else ''}, saw {len(found)}; "
                             f"the call log ({total} calls, the last 30):\n{log}")


@attrs.define
class Fault:
    """A fault waiting for the next calls of `method` (lowercase; "*" for any method).

    kind "fail": answer `status` with `description` (and `retry_after`); "drop": close the
    connection without answering; "slow": wait `seconds` before answering as usual.
    """

    kind: str
    method: str
    times: int
    status: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    seconds: float = 0.0


class Faults:
    """Faults counting down, one per matching call."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.times < 1:
            raise ValueError("a fault needs times >= 1")
        fault.method = fault.method.lower()
        with self._lock:
            self._waiting.append(fault)

    def take(self, method: str) -> tuple[float, Fault | None]:
        """For one call of `method`: the delay of the first "slow" fault, and the first "fail" or
        "drop" fault (each used once; oldest first)."""
        slow: Fault | None = None
        failure: Fault | None = None
        with self._lock:
            for fault in list(self._waiting):
                if fault.method not in ("*", method.lower()):
                    continue
                if fault.kind == "slow" and slow is None:
                    slow = fault
                elif fault.kind != "slow" and failure is None:
                    failure = fault
                else:
                    continue
                fault.times -= 1
                if fault.times == 0:
                    self._waiting.remove(fault)
        return (slow.seconds if slow else 0.0), failure

    def clear(self) -> None:
        with self._lock:
            self._waiting.clear()
