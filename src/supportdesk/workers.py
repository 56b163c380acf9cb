"""Worker processes that each accept connections on a listening socket of their own.

uvicorn's supervisor hands every worker the same listening socket. A burst of
new connections then goes to whichever worker wakes first, and that worker
takes every connection queued (asyncio accepts until the queue is empty): in
the benchmark's runs 32 connections out of 32 landed on one of two workers,
which served them at half the throughput of an even split, and a keep-alive
connection stays where it landed. Here each worker listens on a socket of its
own, all bound to the same port with ``SO_REUSEPORT``, and the kernel spreads
new connections over them by their addresses (docs/operations.md, Workers).

The supervisor is uvicorn's: its health checks, restarts and signals are
unchanged. Only the socket it gives each new worker differs: worker slot
``i`` (its position in the supervisor's list) always gets socket ``i``, so a
replacement takes the socket its dead predecessor listened on. The parent
keeps every socket open and listening, so connections the kernel sends to a
socket whose worker is being replaced wait in its queue for the replacement.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

import uvicorn
from uvicorn import Config
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

# Linux has it since 3.9; elsewhere workers share one socket, as uvicorn's do.
CAN_REUSE_PORT = hasattr(socket, "SO_REUSEPORT")


def reuse_port_sockets(config: Config, count: int) -> list[socket.socket]:
    """``count`` sockets bound to ``config``'s host and port with ``SO_REUSEPORT``.

    With port 0 the first socket's port (chosen by the system) is used for the
    rest. A port in use raises ``OSError`` with nothing left open.
    """
    family = socket.AF_INET6 if config.host and ":" in config.host else socket.AF_INET
    sockets: list[socket.socket] = []
    port = config.port
    for _ in range(count):
        sock = socket.socket(family=family)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            sock.bind((config.host, port))
        except OSError:
            sock.close()
            for bound in sockets:
                bound.close()
            raise
        port = sock.getsockname()[1]
        sock.set_inheritable(True)
        sockets.append(sock)
    return sockets


class BalancedWorkers(Multiprocess):
    """uvicorn's ``Multiprocess`` supervisor with a listening socket per worker slot.

    ``Multiprocess`` reads ``self.sockets`` each time it starts a worker: at
    start (slots in order), when it replaces a dead worker (the dead one still
    sits in its slot), and on SIGHUP, when it replaces every worker in slot
    order. The property answers with the socket of the slot being filled.
    """

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        self.slot_sockets = sockets
        self._hup_cursor: int | None = None
        super().__init__(config, sockets)

    @property
    def sockets(self) -> list[socket.socket]:
        return [self.slot_sockets[self._slot_being_filled() % len(self.slot_sockets)]]

    @sockets.setter
    def sockets(self, value: list[socket.socket]) -> None:
        self.slot_sockets = value

    def _slot_being_filled(self) -> int:
        filled = len(self.processes)
        if filled < len(self.slot_sockets):
            return filled  # starting up, or a worker added (SIGTTIN) to a free slot
        for slot, process in enumerate(self.processes):
            if process.exitcode is not None:
                return slot  # its replacement, while the dead worker still holds the slot
        if self._hup_cursor is not None:  # SIGHUP: every slot again, in order
            slot = self._hup_cursor
            self._hup_cursor += 1
            return slot
        return filled  # a worker added beyond the sockets: shares one

    def handle_hup(self) -> None:
        self._hup_cursor = 0
        try:
            super().handle_hup()
        finally:
            self._hup_cursor = None

    def run(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().run(*args, **kwargs)
        finally:
            for sock in self.slot_sockets:
                sock.close()


def serve_app(target: str, **options: Any) -> None:
    """``uvicorn.run(target, **options)``, with a socket per worker where the system can.

    Several workers (and no reload) on a system with ``SO_REUSEPORT`` run
    under ``BalancedWorkers``; anything else is uvicorn's own way.
    """
    workers = int(options.get("workers") or 1)
    if workers <= 1 or options.get("reload") or not CAN_REUSE_PORT:
        uvicorn.run(target, **options)
        return
    config = Config(target, **options)
    logger = logging.getLogger("uvicorn.error")
    try:
        sockets = reuse_port_sockets(config, workers)
    except OSError as error:
        # As uvicorn answers a port it cannot bind: one log line, exit status 3.
        logger.error(error)
        sys.exit(STARTUP_FAILURE)
    host, port = sockets[0].getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    logger.info(
        "Uvicorn running on http://%s:%d, %d workers with a socket each (Press CTRL+C to "
        "quit)", shown, port, workers)
    BalancedWorkers(config, sockets).run()
