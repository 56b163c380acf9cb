"""The real thing: the `supportdesk` command migrates, issues a key and serves HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

pytestmark = pytest.mark.e2e

# The installed console script, exactly what users run.
CLI = [str(Path(sys.executable).parent / "supportdesk")]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[tuple[str, str]]:
    """A migrated database with tenant ``e2e``, served by a real process."""
    env = dict(os.environ)
    if database_url.startswith("sqlite"):
        env["SUPPORTDESK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'e2e.db'}"
    else:
        env["SUPPORTDESK_DATABASE_URL"] = database_url
    env["SUPPORTDESK_DATA_DIR"] = str(tmp_path / "data")

    def run(*args: str) -> str:
        done = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("migrate")
    subdomain = f"e2e{os.getpid()}"
    run("tenant", "create", subdomain)
    key = run("apikey", "create", "--tenant", subdomain)
    assert key.count("\n") == 1
    key = key.strip()
    port = _free_port()
    process = subprocess.Popen([*CLI, "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx2.get(f"{base}/apis/v3/ping", headers={"Authorization": key,
                              "Host": f"{subdomain}.localhost:{port}"}).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield base, key
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stderr is not None:
            process.stderr.close()


def test_a_ticket_round_trip_over_http(server: tuple[str, str]) -> None:
    base, key = server
    with httpx2.Client(base_url=base, headers={"Authorization": key}) as http:
        created = http.post("/apis/v3/tickets/create", json={
            "email": "pat@example.org", "subject": "VPN drops", "priority": 20,
        })
        assert created.status_code == 200, created.text
        number = created.json()["ticket_number"]
        assert number == 1
        listed = http.get("/apis/v3/tickets", params={
            "ticket_count": "50", "filters": '{"priority": ["20"]}'})
        assert listed.status_code == 200
        assert listed.json()["count"] == 1
        assert listed.json()["tickets"][0]["subject"] == "VPN drops"
        reply = http.post(f"/apis/v3/tickets/add_reply?ticket_number={number}",
                          json={"body": "Looking into it"})
        assert reply.status_code == 201
        assert reply.json()["to_email"] == "pat@example.org"
        bad = http.get("/apis/v3/tickets", params={"ticket_count": "31"})
        assert bad.status_code == 400
        assert bad.json() == {"status": 400, "error": "Bad Request",
                              "message": "ticket_count must be one of 30, 50, 100, got '31'"}
        assert http.get("/apis/v3/ping", headers={"Authorization": "nope"}).status_code == 401
