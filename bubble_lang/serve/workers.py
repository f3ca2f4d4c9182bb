"""`bubble serve --workers N` (layer 11): N server processes on one port.

The parent binds the listening socket once and forks N workers that all accept from it (the kernel
spreads connections over them: no sticky sessions, any worker takes any socket or HTTP call).
Each worker is a whole `bubble serve`: its own bot, runner, scheduler and connection to the shared
Redis store; output reaches the worker holding a socket through the outbox relay
(`engine/outbox_relay.py`). The parent only supervises: a worker that dies (kill -9, a crash) is
started again, and SIGTERM or Ctrl-C is passed on to every worker, which drain as one server does.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("bubble.serve")


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve_workers(count: int, host: str, port: int, child: Callable[[socket.socket, int], Any]) -> int:
    """Run `child(sock, index)` in `count` forked processes until SIGTERM/SIGINT; 0 at the end."""
    sock = listening_socket(host, port)
    context = multiprocessing.get_context("fork")  # the children inherit the socket; nothing runs yet here
    workers: dict[int, Any] = {}
    stopping = False

    def start(index: int) -> None:
        process = context.Process(target=_child_main, args=(child, sock, index), name=f"bubble-worker-{index}")
        process.start()
        workers[index] = process
        log.info("worker %d started (pid %d)", index, process.pid)

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for process in workers.values():
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("the web chat: http://%s:%d/  (%d workers)", host, port, count)
    for index in range(count):
        start(index)
    while workers:
        for index, process in list(workers.items()):
            if process.is_alive():
                continue
            process.join()
            if stopping:
                del workers[index]
            else:
                log.warning("worker %d (pid %s) exited with %s; starting it again", index, process.pid,
                            process.exitcode)
                start(index)
        time.sleep(0.2)
    sock.close()
    return 0


def _child_main(child: Callable[[socket.socket, int], Any], sock: socket.socket, index: int) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # uvicorn installs its own in the worker's loop
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    raise SystemExit(child(sock, index) or 0)
