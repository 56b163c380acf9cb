"""Read replicas on a real PostgreSQL streaming replica: routing, read-your-writes, failover.

The test builds its own pair of clusters with the PostgreSQL server binaries
CI has (``/usr/lib/postgresql/*/bin``): a primary (``initdb``, on a free
port, holding ``supportdesk_replica_test``) and a hot standby copied from it
with ``pg_basebackup -R``, streaming from it. Its own primary, not the shared
server on 5432: that server's pg_hba.conf allows no replication connections,
and copying it whole (every helper's test database) would be slow. Because it
needs no configured database, it runs in the SQLite and the PostgreSQL suite
alike. The clusters run as the ``postgres`` OS user when the suite runs as
root (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import json
import logging
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from supportdesk.app import create_app
from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.migrate import upgrade
from supportdesk.db.replicas import PRIMARY, ReplicaRouter, writer_key
from supportdesk.db.session import Database
from supportdesk.tenancy.service import issue_key
from tests.e2e.servers import free_port
from tests.factories import make_tenant

pytestmark = pytest.mark.e2e

START = datetime(2026, 1, 5, 9, 0, 0)
DATABASE = "supportdesk_replica_test"
WAIT_SECONDS = 60.0


def _server_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))
    return found[-1].parent if found else None


BIN = _server_bin()
if BIN is None:
    pytest.skip("needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin), "
                "which CI installs", allow_module_level=True)


@dataclass
class Clusters:
    """The test's primary and standby: where they live and how to reach them."""

    base: Path
    primary_port: int
    replica_port: int

    @property
    def primary_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.primary_port}/{DATABASE}"

    @property
    def replica_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.replica_port}/{DATABASE}"

    def run(self, tool: str, *args: str) -> None:
        """Run a server binary, as ``postgres`` when we are root."""
        assert BIN is not None
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*prefix, str(BIN / tool), *args], capture_output=True,
                              text=True, timeout=WAIT_SECONDS * 2, check=False)
        assert done.returncode == 0, f"{tool} failed: {done.stdout}{done.stderr}"

    def start(self, name: str, port: int) -> None:
        options = (f"-p {port} -c listen_addresses=127.0.0.1 "
                   f"-c unix_socket_directories={self.base} -c fsync=off "
                   "-c max_connections=60 -c shared_buffers=16MB")
        self.run("pg_ctl", "-D", str(self.base / name), "-l", str(self.base / f"{name}.log"),
                 "-o", options, "-w", "-t", str(int(WAIT_SECONDS)), "start")

    def stop(self, name: str) -> None:
        self.run("pg_ctl", "-D", str(self.base / name), "-m", "fast", "-w", "stop")


@pytest.fixture(scope="module")
def clusters() -> Iterator[Clusters]:
    base = Path(tempfile.mkdtemp(prefix="supportdesk-replicas-"))
    base.chmod(0o700)
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(base, postgres.pw_uid, postgres.pw_gid)
    pair = Clusters(base=base, primary_port=free_port(), replica_port=free_port())
    started: list[str] = []
    try:
        pair.run("initdb", "-D", str(base / "primary"), "-U", "postgres", "-A", "trust",
                 "-E", "UTF8", "--locale=C", "--no-sync")
        pair.start("primary", pair.primary_port)
        started.append("primary")
        admin = create_engine(pair.primary_url.replace(f"/{DATABASE}", "/postgres"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
        admin.dispose()
        database = Database.from_url(pair.primary_url, pool_size=2)
        upgrade(database.engine)
        database.dispose()
        pair.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(pair.primary_port),
                 "-U", "postgres", "-D", str(base / "replica"), "-R", "-X", "stream",
                 "-c", "fast", "--no-sync")
        pair.start("replica", pair.replica_port)
        started.append("replica")
        yield pair
    finally:
        for name in reversed(started):
            subprocess.run(
                [*(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
                 str(BIN / "pg_ctl"), "-D", str(base / name), "-m", "immediate", "stop"],
                capture_output=True, check=False, timeout=WAIT_SECONDS)
        shutil.rmtree(base, ignore_errors=True)


def _position(engine: Engine, query: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(
            f"SELECT COALESCE(({query} - '0/0'::pg_lsn)::bigint, 0)")).scalar_one())


def _wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def _wait_replayed(replica: Engine, position: int) -> None:
    _wait_for(lambda: _position(replica, "pg_last_wal_replay_lsn()") >= position,
              "the replica to replay the primary's WAL")


@dataclass
class Deployment:
    """An app on the primary plus one replica, a tenant and two of its keys."""

    client: TestClient
    router: ReplicaRouter
    primary: Engine
    replica: Engine
    tenant_id: int
    first_key: str
    first_key_id: int
    second_key: str

    def get(self, path: str, key: str, **params: str) -> tuple[Any, Counter[str]]:
        """The JSON of a 200 answer, and which databases served it."""
        before = Counter(self.router.served)
        response = self.client.get(path, params=params, headers={"Authorization": key})
        assert response.status_code == 200, response.text
        return response.json(), Counter(self.router.served) - before

    def catch_up(self) -> None:
        _wait_replayed(self.replica, _position(self.primary, "pg_current_wal_insert_lsn()"))


@pytest.fixture
def deployment(clusters: Clusters, tmp_path: Path) -> Iterator[Deployment]:
    settings = Settings(database_url=clusters.primary_url,
                        database_replica_urls=clusters.replica_url,
                        base_domain="localhost", data_dir=tmp_path / "data")
    clock = FixedClock(START)
    app = create_app(settings, clock=clock)
    database: Database = app.state.database
    assert database.replicas is not None
    subdomain = f"r{uuid.uuid4().hex[:12]}"
    tenant = make_tenant(database, settings, clock, subdomain=subdomain)
    with database.session(write=True) as session:
        second = issue_key(session, tenant_id=tenant.tenant_id, label="second", clock=clock)
        session.commit()
    with database.session() as session:
        first_key_id = session.scalar(text(
            "SELECT id FROM api_keys WHERE tenant_id = :tenant AND id <> :second"),
            {"tenant": tenant.tenant_id, "second": second.id})
    replica = create_engine(clusters.replica_url, pool_size=1)
    with TestClient(app, base_url=f"http://{subdomain}.localhost") as client:
        yield Deployment(client=client, router=database.replicas, primary=database.engine,
                         replica=replica, tenant_id=tenant.tenant_id, first_key=tenant.key,
                         first_key_id=int(first_key_id), second_key=second.secret)
    replica.dispose()
    database.dispose()


def _numbers(page: Any) -> list[int]:
    return [ticket["ticket_number"] for ticket in page["tickets"]]


def _emails(page: Any) -> list[str]:
    return sorted(contact["primary_email"] for contact in page["content"])


def test_a_key_reads_its_own_writes_while_others_read_the_lagging_replica(
    deployment: Deployment,
) -> None:
    d = deployment
    replica_name = d.router.replicas[0].name
    d.catch_up()
    contacts_before, _ = d.get("/apis/v3/contacts", d.second_key)
    with d.replica.connect() as connection:
        connection.execute(text("SELECT pg_wal_replay_pause()"))
        _wait_for(lambda: connection.execute(text(
            "SELECT pg_get_wal_replay_pause_state()")).scalar_one() == "paused",
            "replay to pause")

    created = d.client.post("/apis/v3/tickets/create", headers={"Authorization": d.first_key},
                            json={"email": "casey@example.com", "subject": "Printer broken"})
    assert created.status_code == 200, created.text
    assert created.json()["ticket_number"] == 1

    # The writer's own lists come from the primary, so it sees its ticket at once.
    page, served = d.get("/apis/v3/tickets", d.first_key)
    assert (page["count"], _numbers(page), served) == (1, [1], Counter({PRIMARY: 1}))
    search = json.dumps({"query": "Printer"})
    page, served = d.get("/apis/v3/tickets/search", d.first_key, search_type="1",
                         search_query=search)
    assert (_numbers(page), served) == ([1], Counter({PRIMARY: 1}))
    page, served = d.get("/apis/v3/contacts", d.first_key)
    assert _emails(page) == sorted([*_emails(contacts_before), "casey@example.com"])
    assert served == Counter({PRIMARY: 1})

    # Another key's lists come from the paused replica: not there yet.
    page, served = d.get("/apis/v3/tickets", d.second_key)
    assert (page["count"], _numbers(page), served) == (0, [], Counter({replica_name: 1}))
    page, served = d.get("/apis/v3/contacts", d.second_key)
    assert (_emails(page), served) == (_emails(contacts_before), Counter({replica_name: 1}))
    page, served = d.get("/apis/v3/companies", d.second_key)
    assert served == Counter({replica_name: 1})
    # A ticket's details are never lag-tolerant: the primary answers, the router is not asked.
    details, served = d.get("/apis/v3/tickets/details", d.second_key, ticket_number="1")
    assert (details["subject"], served) == ("Printer broken", Counter())

    with d.replica.connect() as connection:
        connection.execute(text("SELECT pg_wal_replay_resume()"))
    position = d.router.positions.get(writer_key(d.tenant_id, d.first_key_id), now=0)
    assert position is not None
    _wait_replayed(d.replica, position)

    for key in (d.first_key, d.second_key):
        page, served = d.get("/apis/v3/tickets", key)
        assert (page["count"], _numbers(page), served) == (1, [1], Counter({replica_name: 1}))


def test_replica_sessions_are_bound_to_the_tenant_for_row_level_security(
    deployment: Deployment,
) -> None:
    d = deployment
    d.catch_up()
    with d.router.read_session(tenant_id=d.tenant_id, key="nobody") as session:
        bound, in_recovery, port = session.execute(text(
            "SELECT current_setting('supportdesk.tenant_id'), pg_is_in_recovery(), "
            "inet_server_port()")).one()
    assert (bound, in_recovery) == (str(d.tenant_id), True)
    assert port == d.replica.url.port


def test_reads_fall_back_to_the_primary_when_the_replica_is_down(
    clusters: Clusters, deployment: Deployment, caplog: pytest.LogCaptureFixture,
) -> None:
    d = deployment
    created = d.client.post("/apis/v3/tickets/create", headers={"Authorization": d.first_key},
                            json={"email": "casey@example.com", "subject": "Printer broken"})
    assert created.status_code == 200, created.text
    d.catch_up()
    page, served = d.get("/apis/v3/tickets", d.second_key)
    assert served == Counter({d.router.replicas[0].name: 1})

    clusters.stop("replica")
    try:
        with caplog.at_level(logging.WARNING, logger="supportdesk.db.replicas"):
            for key in (d.second_key, d.second_key, d.first_key):
                page, served = d.get("/apis/v3/tickets", key)
                assert (_numbers(page), served) == ([1], Counter({PRIMARY: 1}))
        warnings = [r.getMessage() for r in caplog.records
                    if r.name == "supportdesk.db.replicas"]
        assert len(warnings) == 1
        assert warnings[0].startswith(f"replica {d.router.replicas[0].name} is unreachable")
    finally:
        clusters.start("replica", clusters.replica_port)
