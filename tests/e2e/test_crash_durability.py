"""Crash durability: SIGKILL the server mid-write, 50 times; nothing acknowledged is lost.

Clients create tickets and reply to them as fast as they can while the
server is killed at a random moment. Afterwards every write the server
acknowledged (200/201) is in the database, no ticket is half-written, ticket
numbers run 1..N without duplicates or gaps, and the database's own checks
pass.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import create_engine, text

from tests.e2e.servers import ServerProcess, free_port, provision, server_env

pytestmark = pytest.mark.e2e

ROUNDS = 50
WRITERS = 3


class Writer(threading.Thread):
    """Creates a ticket, replies to it, repeats; remembers what was acknowledged."""

    def __init__(self, base: str, headers: dict[str, str], tag: str,
                 tickets: dict[int, str], replies: list[tuple[int, str]],
                 lock: threading.Lock) -> None:
        super().__init__()
        self.base, self.headers, self.tag = base, headers, tag
        self.tickets, self.replies, self.lock = tickets, replies, lock

    def run(self) -> None:
        with httpx2.Client(base_url=self.base, headers=self.headers, timeout=10) as client:
            for index in range(10_000):
                subject = f"{self.tag}-{index}"
                try:
                    created = client.post("/apis/v3/tickets/create", json={
                        "email": f"{self.tag}@example.com", "subject": subject,
                        "description": f"<p>{subject}</p>"})
                    if created.status_code != 200:
                        return
                    number = int(created.json()["ticket_number"])
                    with self.lock:
                        self.tickets[number] = subject
                    body = f"reply to {subject}"
                    replied = client.post(f"/apis/v3/tickets/add_reply?ticket_number={number}",
                                          json={"body": body})
                    if replied.status_code != 201:
                        return
                    with self.lock:
                        self.replies.append((number, body))
                except httpx2.TransportError:
                    return


def test_acknowledged_writes_survive_sigkill(tmp_path: Path, database_url: str) -> None:
    env = server_env(tmp_path, database_url)
    url = env["SUPPORTDESK_DATABASE_URL"]
    subdomain = f"crash{os.getpid()}"
    key = provision(env, subdomain, unlimited=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": key, "Host": f"{subdomain}.localhost:{port}"}
    tickets: dict[int, str] = {}
    replies: list[tuple[int, str]] = []
    lock = threading.Lock()
    chance = random.Random(20261125)

    for round_number in range(ROUNDS):
        with ServerProcess(env, port=port, timeout=30) as server:
            try:
                assert server.ping(key, subdomain) == 200
                writers = [Writer(base, headers, f"r{round_number}w{n}", tickets, replies,
                                  lock) for n in range(WRITERS)]
                acknowledged_before = len(tickets) + len(replies)
                for writer in writers:
                    writer.start()
                # Kill only once writes are flowing, at a random moment after that.
                deadline = time.monotonic() + 20
                while len(tickets) + len(replies) < acknowledged_before + WRITERS \
                        and time.monotonic() < deadline:
                    time.sleep(0.005)
                time.sleep(chance.uniform(0.0, 0.15))
            finally:
                server.kill()
        for writer in writers:
            writer.join(timeout=30)

    assert len(tickets) + len(replies) >= ROUNDS * WRITERS  # written under fire
    engine = create_engine(url)
    with engine.connect() as connection:
        tenant_id = connection.execute(text("SELECT id FROM tenants WHERE subdomain = :s"),
                                       {"s": subdomain}).scalar_one()
        stored: dict[int, str] = dict(connection.execute(text(
            "SELECT number, subject FROM tickets WHERE tenant_id = :t"), {"t": tenant_id}
        ).all())
        messages = connection.execute(text(
            "SELECT ticket_number, body_text FROM conversations WHERE tenant_id = :t"),
            {"t": tenant_id}).all()
        counts = connection.execute(text(
            "SELECT t.number, t.conversation_count, "
            "(SELECT count(*) FROM conversations c WHERE c.tenant_id = t.tenant_id "
            " AND c.ticket_number = t.number) FROM tickets t WHERE t.tenant_id = :t"),
            {"t": tenant_id}).all()
        orphans = connection.execute(text(
            "SELECT count(*) FROM tickets t WHERE t.tenant_id = :t AND NOT EXISTS "
            "(SELECT 1 FROM contacts c WHERE c.tenant_id = t.tenant_id "
            " AND c.id = t.contact_id)"), {"t": tenant_id}).scalar_one()
    engine.dispose()

    for number, subject in tickets.items():
        assert stored.get(number) == subject, f"acknowledged ticket {number} was lost"
    stored_bodies = {(number, body) for number, body in messages}
    for number, body in replies:
        assert any(n == number and body in b for n, b in stored_bodies), \
            f"acknowledged reply on ticket {number} was lost"
    assert sorted(stored) == list(range(1, len(stored) + 1))
    assert all(recorded == actual for _number, recorded, actual in counts)
    assert orphans == 0
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        check = sqlite3.connect(path)
        try:
            assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert check.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            check.close()
