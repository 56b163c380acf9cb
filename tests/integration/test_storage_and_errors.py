"""Attachment bytes in the database backend, concurrent contact creation, and 500s."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from supportdesk.app import create_app
from supportdesk.attachments.models import AttachmentBlob
from supportdesk.attachments.service import Upload
from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.contacts.models import Contact
from supportdesk.db.session import Database
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.service import NewTicket, create_ticket
from tests.factories import TenantFixture


def test_database_storage_keeps_bytes_in_the_database(
    database: Database, settings: Settings, clock: FixedClock, tenant: TenantFixture,
    tmp_path: Path,
) -> None:
    db_settings = settings.model_copy(update={"attachment_storage": "database",
                                              "data_dir": tmp_path / "unused"})
    app = create_app(db_settings, database=database, clock=clock)
    with TestClient(app, base_url="http://acme.localhost") as client:
        client.headers["Authorization"] = tenant.key
        created = client.post(
            "/apis/v3/tickets/create_with_attachment",
            data={"ticket_object": '{"email": "dana@example.org", "subject": "Logs"}'},
            files=[("file", ("trace.log", b"line 1\nline 2\n", "text/plain"))],
        )
        assert created.status_code == 200, created.text
        [attachment] = created.json()["attachments"]
        assert attachment["file_name"] == "trace.log"
        assert attachment["file_size"] == 14
        assert attachment["file_type"] == "text/plain"
        download = client.get(attachment["attachment_url"])
        assert download.status_code == 200
        assert download.content == b"line 1\nline 2\n"
    with tenant.unit(write=False) as unit:
        blobs = unit.session.scalars(select(AttachmentBlob.data)).all()
    assert blobs == [b"line 1\nline 2\n"]
    assert not (tmp_path / "unused").exists()


def test_concurrent_tickets_for_one_new_contact_create_it_once(tenant: TenantFixture) -> None:
    failures: list[BaseException] = []
    barrier = threading.Barrier(6)

    def open_ticket(index: int) -> None:
        try:
            barrier.wait()
            with tenant.unit() as unit:
                create_ticket(unit, NewTicket(contact_email="new.person@example.org",
                                              subject=f"Parallel {index}"),
                              [Upload("a.txt", "text/plain", b"x")] if index == 0 else None)
        except BaseException as error:  # collected and asserted below
            failures.append(error)

    threads = [threading.Thread(target=open_ticket, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with tenant.unit(write=False) as unit:
        contacts = unit.session.scalar(select(func.count()).select_from(Contact).where(
            Contact.primary_email == "new.person@example.org"))
        numbers = sorted(unit.session.scalars(select(Ticket.number)).all())
    assert contacts == 1
    assert numbers == [1, 2, 3, 4, 5, 6]


def test_an_unexpected_error_is_a_500_with_the_error_body(
    database: Database, settings: Settings, clock: FixedClock,
) -> None:
    app = create_app(settings, database=database, clock=clock)

    @app.get("/apis/v3/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/apis/v3/boom")
    assert response.status_code == 500
    assert response.json() == {"status": 500, "error": "Internal Server Error",
                               "message": "Application failed to process the request"}
    assert "secret" not in response.text
