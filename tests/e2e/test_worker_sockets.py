"""``serve --workers N``: each worker accepts on a listening socket of its own.

With one shared socket, a burst of connections went to whichever worker woke
first (32 of 32 on one worker in the benchmark). supportdesk.workers binds a
socket per worker slot with SO_REUSEPORT; a worker that dies is replaced on
its slot's socket. Read from Linux's /proc: the listening sockets on the
port, and which processes hold each.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

import httpx2
import pytest

from tests.e2e.servers import ServerProcess, provision, server_env

pytestmark = pytest.mark.e2e

LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp


def _listening_inodes(port: int) -> set[str]:
    """The inodes of the TCP sockets listening on ``port`` (IPv4)."""
    found: set[str] = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state == LISTEN and int(local.rsplit(":", 1)[1], 16) == port:
            found.add(inode)
    return found


def _socket_inodes(pid: int) -> set[str]:
    """The inodes of the sockets process ``pid`` holds open."""
    inodes: set[str] = set()
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(entry)
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def _workers(pid: int) -> list[int]:
    """The worker processes the supervisor ``pid`` started (not the resource tracker)."""
    children = [int(child) for child in
                Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return sorted(child for child in children
                  if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes())


def _listeners_by_worker(server: ServerProcess) -> dict[int, set[str]]:
    """For each worker, the port's listening sockets it holds."""
    assert server.process is not None
    listening = _listening_inodes(server.port)
    return {pid: _socket_inodes(pid) & listening for pid in _workers(server.process.pid)}


def _wait_for_workers(server: ServerProcess, count: int, *, besides: int = 0,
                      timeout: float = 60) -> None:
    """Until ``count`` workers, none of them ``besides``, listen (the server answering
    means one of them does)."""
    assert server.process is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = _workers(server.process.pid)
        if len(workers) == count and besides not in workers:
            # The replacement answers once it has imported the app.
            answered = httpx2.get(f"{server.base_url}/", timeout=10).status_code == 200
            if answered and all(_listeners_by_worker(server).values()):
                return
        time.sleep(0.2)
    raise AssertionError(f"{count} workers did not listen within {timeout} s:\n"
                         f"{server.stderr()}")


def test_each_worker_listens_on_its_own_socket_and_a_replacement_takes_it_over(
        tmp_path: Path, database_url: str) -> None:
    env = server_env(tmp_path, database_url)
    subdomain = f"sock{uuid.uuid4().hex[:10]}"
    key = provision(env, subdomain)
    with ServerProcess(env, workers=2, stop_timeout=30) as server:
        assert server.ping(key, subdomain) == 200
        assert server.process is not None
        _wait_for_workers(server, 2)
        held = _listeners_by_worker(server)
        # Two sockets on the port, one per worker, and the supervisor holds both.
        sockets = _listening_inodes(server.port)
        assert len(sockets) == 2
        assert sorted(len(inodes) for inodes in held.values()) == [1, 1]
        assert set().union(*held.values()) == sockets
        assert _socket_inodes(server.process.pid) >= sockets

        victim = min(held)
        freed = held[victim]
        os.kill(victim, signal.SIGKILL)
        _wait_for_workers(server, 2, besides=victim)
        after = _listeners_by_worker(server)
        [replacement] = set(after) - set(held)
        assert after[replacement] == freed
        assert sorted(len(inodes) for inodes in after.values()) == [1, 1]
        assert _listening_inodes(server.port) == sockets
        assert server.ping(key, subdomain) == 200
