"""supportdesk.workers: a listening socket per worker slot, and which one a new worker gets."""

from __future__ import annotations

import signal
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from uvicorn import Config

import supportdesk.workers
from supportdesk.workers import BalancedWorkers, reuse_port_sockets, serve_app


@pytest.fixture
def kept_signals() -> Iterator[None]:
    """uvicorn's supervisor installs handlers for INT, TERM and more: put pytest's back."""
    saved = {number: signal.getsignal(number) for number in
             (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGTTIN,
              signal.SIGTTOU, signal.SIGUSR1, signal.SIGUSR2, signal.SIGWINCH)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


class FakeWorker:
    """What the supervisor's slot list holds: a worker process, dead once it has an exit code."""

    def __init__(self, exitcode: int | None = None) -> None:
        self.exitcode = exitcode


def test_sockets_share_the_system_chosen_port_with_reuse_port() -> None:
    sockets = reuse_port_sockets(Config("app:app", host="127.0.0.1", port=0), 3)
    try:
        ports = {sock.getsockname() for sock in sockets}
        assert len(ports) == 1
        assert [sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) for sock in sockets] \
            == [1, 1, 1]
        assert len({sock.fileno() for sock in sockets}) == 3
    finally:
        for sock in sockets:
            sock.close()


def test_a_port_in_use_without_reuse_port_raises_and_leaves_nothing_open() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match="Address already in use"):
            reuse_port_sockets(Config("app:app", host="127.0.0.1", port=port), 2)


def test_each_slot_gets_its_socket_and_a_dead_workers_replacement_gets_its_slots(
        kept_signals: None) -> None:
    slots = [socket.socket() for _ in range(3)]
    try:
        supervisor = BalancedWorkers(Config("app:app", workers=3), slots)
        given: list[socket.socket] = []
        for _ in range(3):  # starting up: slot by slot
            [sock] = supervisor.sockets
            given.append(sock)
            supervisor.processes.append(FakeWorker())  # type: ignore[arg-type]
        assert given == slots
        supervisor.processes[1] = FakeWorker(exitcode=-9)  # type: ignore[call-overload]
        assert supervisor.sockets == [slots[1]]
        supervisor.processes[1] = FakeWorker()  # type: ignore[call-overload]
        # SIGHUP replaces every worker in slot order, each while the old one still runs.
        supervisor._hup_cursor = 0
        assert [supervisor.sockets[0] for _ in range(3)] == slots
    finally:
        for sock in slots:
            sock.close()


def test_one_worker_or_reload_is_uvicorn_own_way(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **options: calls.append(
        {"target": target, **options}))
    serve_app("supportdesk.app:create_app", factory=True, port=8123, workers=1)
    serve_app("supportdesk.app:create_app", factory=True, port=8123, workers=2, reload=True)
    assert [(c["workers"], c.get("reload")) for c in calls] == [(1, None), (2, True)]


def test_several_workers_run_under_the_balanced_supervisor(
        monkeypatch: pytest.MonkeyPatch, kept_signals: None) -> None:
    monkeypatch.setattr(uvicorn, "run", lambda *_a, **_k: pytest.fail("uvicorn.run called"))
    seen: list[tuple[int, list[tuple[str, int]]]] = []

    def fake_run(self: BalancedWorkers) -> None:
        seen.append((self.config.workers,
                     [sock.getsockname()[:2] for sock in self.slot_sockets]))

    monkeypatch.setattr(supportdesk.workers.Multiprocess, "run", fake_run)
    serve_app("supportdesk.app:create_app", factory=True, host="127.0.0.1", port=0, workers=3)
    [(workers, bound)] = seen
    assert workers == 3
    assert len(bound) == 3
    assert set(bound) == {bound[0]}
    assert bound[0][0] == "127.0.0.1"


def test_several_workers_on_a_port_in_use_exit_with_uvicorn_startup_failure(
        monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(supportdesk.workers.Multiprocess, "run",
                        lambda _self: pytest.fail("started workers on a port in use"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as exited:
            serve_app("supportdesk.app:create_app", factory=True, host="127.0.0.1",
                      port=port, workers=2)
    assert exited.value.code == 3
    # uvicorn's logging (configured by its Config) writes to stderr.
    assert capfd.readouterr().err.splitlines() == [
        "ERROR:    [Errno 98] Address already in use"]
