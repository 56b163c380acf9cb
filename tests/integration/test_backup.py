"""Backup while writes happen, restore elsewhere: every record and file comes back."""

from __future__ import annotations

import hashlib
import io
import tarfile
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from supportdesk.app import create_app
from supportdesk.attachments.models import Attachment
from supportdesk.backup.archive import MANIFEST
from supportdesk.backup.service import create_backup, read_manifest, restore_backup
from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from supportdesk.errors import BadRequest, Conflict
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.service import NewTicket, create_ticket
from tests.factories import TenantFixture


@pytest.fixture
def target(database: Database, settings: Settings, tmp_path: Path) -> Settings:
    """Settings for an empty second deployment to restore into."""
    if database.dialect == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        source = make_url(settings.database_url)
        name = f"{source.database}_restore"
        admin = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = source.set(database=name).render_as_string(hide_password=False)
    return Settings(database_url=url, base_domain="localhost", data_dir=tmp_path / "restored",
                    max_attachment_bytes=1024 * 1024)


def _upload(client: TestClient, number: int) -> bytes:
    data = f"file {number} ".encode() * 100
    response = client.post(
        "/apis/v3/tickets/create_with_attachment",
        data={"ticket_object": f'{{"email": "c{number}@example.com", '
                               f'"subject": "Ticket {number}"}}'},
        files=[("file", (f"f{number}.txt", data, "text/plain"))],
    )
    assert response.status_code == 200
    return data


def test_backup_during_writes_restores_every_acknowledged_record_and_file(
    client: TestClient, tenant: TenantFixture, settings: Settings, database: Database,
    target: Settings, tmp_path: Path, clock: FixedClock,
) -> None:
    files = {number: _upload(client, number) for number in range(1, 6)}
    acknowledged: list[int] = []
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            with tenant.unit() as unit:
                view = create_ticket(unit, NewTicket(contact_email="w@example.com",
                                                     subject="during backup"))
            acknowledged.append(view.ticket.number)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(acknowledged) < 3:
            stop.wait(0.01)
        before_backup = list(acknowledged)
        report = create_backup(settings, database, tmp_path / "backups" / "b.tar", clock)
    finally:
        stop.set()
        writer.join()

    manifest = report.manifest
    assert manifest.dialect == database.dialect
    assert manifest.tenants == 1
    assert manifest.tickets >= 5 + len(before_backup)
    assert len(manifest.attachments) == 5
    assert manifest.created_at == "2026-01-05 09:00:00"
    with tarfile.open(report.path) as archive:
        assert MANIFEST in archive.getnames()

    restored_db = Database.from_url(target.database_url, pool_size=2)
    try:
        restored = restore_backup(target, restored_db, report.path)
        assert restored.manifest == manifest
        with restored_db.session() as session:
            numbers = set(session.scalars(select(Ticket.number)))
            assert session.scalar(select(func.count()).select_from(Attachment)) == 5
        # Exactly the snapshot: every ticket acknowledged before it, nothing half-written.
        assert len(numbers) == manifest.tickets
        assert set(range(1, 6)) | set(before_backup) <= numbers
        assert numbers == set(range(1, len(numbers) + 1))

        app = create_app(target, database=restored_db, clock=clock)
        with TestClient(app, base_url="http://acme.localhost") as restored_client:
            restored_client.headers["Authorization"] = tenant.key
            for number, data in files.items():
                details = restored_client.get(f"/apis/v3/tickets/details?ticket_number={number}")
                assert details.status_code == 200
                assert details.json()["subject"] == f"Ticket {number}"
                url = details.json()["attachments"][0]["attachment_url"]
                download = restored_client.get(url)
                assert download.status_code == 200
                assert hashlib.sha256(download.content).hexdigest() == \
                    hashlib.sha256(data).hexdigest()
            listing = restored_client.get("/apis/v3/tickets?ticket_count=100")
            assert listing.json()["count"] == manifest.tickets
    finally:
        restored_db.dispose()


def test_restore_refuses_a_database_that_holds_tenants_unless_forced(
    tenant: TenantFixture, settings: Settings, database: Database, tmp_path: Path,
) -> None:
    report = create_backup(settings, database, tmp_path / "b.tar")
    with pytest.raises(Conflict, match="already holds tenants"):
        restore_backup(settings, database, report.path)
    restored = restore_backup(settings, database, report.path, force=True)
    assert restored.manifest.tenants == 1
    with database.session() as session:
        assert session.scalar(text("SELECT count(*) FROM tenants")) == 1


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path, database: Database,
                                                settings: Settings) -> None:
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar")
    with pytest.raises(BadRequest, match="is not a supportdesk backup"):
        read_manifest(junk)
    with pytest.raises(BadRequest, match="is not a supportdesk backup"):
        restore_backup(settings, database, junk)


def test_a_damaged_attachment_is_detected(
    client: TestClient, tenant: TenantFixture, settings: Settings, database: Database,
    target: Settings, tmp_path: Path,
) -> None:
    _upload(client, 1)
    report = create_backup(settings, database, tmp_path / "b.tar")
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(report.path) as source, tarfile.open(damaged, "w") as copy:
        for member in source.getmembers():
            stream = source.extractfile(member)
            content = stream.read() if stream is not None else b""
            if member.name.startswith("attachments/"):
                content = b"tampered"
                member.size = len(content)
            copy.addfile(member, io.BytesIO(content))
    restored_db = Database.from_url(target.database_url, pool_size=1)
    try:
        with pytest.raises(BadRequest, match="does not match its checksum"):
            restore_backup(target, restored_db, damaged)
    finally:
        restored_db.dispose()

