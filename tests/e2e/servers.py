"""What the end-to-end tests share: the `supportdesk` command as users run it.

A free port, a server environment on the suite's database, the CLI run to
migrate and provision a tenant, and ``ServerProcess``: ``supportdesk serve``
in a subprocess, waited for, and stopped.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx2

# The installed console script, exactly what users run.
CLI = [str(Path(sys.executable).parent / "supportdesk")]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """This process's environment, pointed at a database and a data directory.

    On SQLite a fresh file under ``tmp_path`` (the suite's own file is in use
    by it); on PostgreSQL the suite's database itself. The data directory is
    ``tmp_path / "data"``.
    """
    env = dict(os.environ)
    env["SUPPORTDESK_DATABASE_URL"] = (f"sqlite:///{tmp_path / 'e2e.db'}"
                                       if database_url.startswith("sqlite") else database_url)
    env["SUPPORTDESK_DATA_DIR"] = str(tmp_path / "data")
    return env


def run_cli(args: Sequence[str], env: Mapping[str, str], *, timeout: float = 300) -> str:
    """Run ``supportdesk *args`` with ``env``; its stdout. A failure asserts with its stderr."""
    done = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def provision(env: Mapping[str, str], subdomain: str, *, demo: bool = False,
              unlimited: bool = False) -> str:
    """Migrate, create tenant ``subdomain`` and issue it a key (the CLI's only output line).

    ``demo`` creates it with ``--demo`` (demo setup and 300 sample tickets);
    ``unlimited`` lifts its rate limits (``tenant set-limits --unlimited``).
    """
    run_cli(["migrate"], env)
    run_cli(["tenant", "create", subdomain, *(["--demo"] if demo else [])], env)
    if unlimited:
        run_cli(["tenant", "set-limits", subdomain, "--unlimited"], env)
    key = run_cli(["apikey", "create", "--tenant", subdomain], env)
    assert key.count("\n") == 1, key
    return key.strip()


class ServerProcess:
    """``supportdesk serve`` in a subprocess, as a context manager.

    Entering starts it on ``port`` (a free one by default) and waits until
    ``GET /`` answers 200, for at most ``timeout`` seconds; if it exits or
    never answers, the assertion message carries its stderr. Leaving stops
    it: SIGTERM, then SIGKILL and a failure if it has not exited within
    ``stop_timeout`` seconds. ``kill()`` SIGKILLs it at once instead. One
    use: a restart is a new ``ServerProcess`` (on the same ``port``).
    """

    def __init__(self, env: Mapping[str, str], *, port: int | None = None, workers: int = 1,
                 args: Sequence[str] = (), timeout: float = 60,
                 stop_timeout: float = 20) -> None:
        self.env = dict(env)
        self.port = port if port is not None else free_port()
        self.command = [*CLI, "serve", "--port", str(self.port), "--workers", str(workers),
                        *args]
        self.timeout = timeout
        self.stop_timeout = stop_timeout
        self.base_url = f"http://127.0.0.1:{self.port}"
        # A file, not a pipe: it never fills up and blocks the server. Closed on exit.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self.process: subprocess.Popen[bytes] | None = None

    def tenant_host(self, subdomain: str) -> str:
        """The ``Host`` header that routes a request to tenant ``subdomain`` here."""
        return f"{subdomain}.localhost:{self.port}"

    def ping(self, key: str, subdomain: str) -> int:
        """The status of ``GET /apis/v3/ping`` with ``key`` on tenant ``subdomain`` (free of
        rate-limit cost): 200 once the tenant's key is served."""
        return httpx2.get(f"{self.base_url}/apis/v3/ping", headers={
            "Authorization": key, "Host": self.tenant_host(subdomain)}).status_code

    def stderr(self) -> str:
        """What the server has written to stderr so far."""
        descriptor = self._stderr.fileno()
        # pread: the server shares the file offset; reading must not move it.
        return os.pread(descriptor, os.fstat(descriptor).st_size, 0).decode(errors="replace")

    def __enter__(self) -> Self:
        self.process = subprocess.Popen(self.command, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=self._stderr)
        try:
            self._wait_until_serving(self.process)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_serving(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                if httpx2.get(f"{self.base_url}/").status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            assert process.poll() is None, \
                f"the server exited ({process.returncode}):\n{self.stderr()}"
            assert time.monotonic() < deadline, \
                f"the server did not answer GET / within {self.timeout} s:\n{self.stderr()}"
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the server, as a crash would, and reap it."""
        assert self.process is not None, "not started"
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        process, self.process = self.process, None
        try:
            if process is None or process.poll() is not None:
                return
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
                raise AssertionError(f"the server did not stop within {self.stop_timeout} s "
                                     f"of SIGTERM; killed:\n{self.stderr()}") from None
        finally:
            self._stderr.close()
