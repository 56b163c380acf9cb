"""The real thing: the `supportdesk` command migrates, issues a key and serves HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.e2e.servers import ServerProcess, provision, server_env

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[tuple[str, str]]:
    """A migrated database with tenant ``e2e``, served by a real process."""
    env = server_env(tmp_path, database_url)
    subdomain = f"e2e{os.getpid()}"
    key = provision(env, subdomain)
    with ServerProcess(env, timeout=30) as running:
        assert running.ping(key, subdomain) == 200
        yield running.base_url, key


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
