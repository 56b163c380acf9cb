"""CSV exports: batches, the read snapshot, and the CLI writing the API's bytes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from supportdesk.app import create_app
from supportdesk.catalog.snapshot import clear_cache
from supportdesk.cli import app as cli_app
from supportdesk.clock import FixedClock
from supportdesk.config import Settings, get_settings
from supportdesk.db.session import Database
from supportdesk.exports.service import (
    TicketExportQuery,
    export_companies,
    export_contacts,
    export_tickets,
)
from supportdesk.tickets.filters import parse_filters
from supportdesk.tickets.service import (
    NewTicket,
    TicketChanges,
    create_ticket,
    update_ticket,
)
from tests.exports_data import build_hostile, build_small, export, ok, table
from tests.factories import TenantFixture


@pytest.fixture
def small(client: TestClient, clock: FixedClock) -> TestClient:
    return build_small(client, clock)


def _five_tickets(tenant: TenantFixture) -> None:
    with tenant.unit() as unit:
        for number in range(1, 6):
            tenant.clock.advance(minutes=1)
            create_ticket(unit, NewTicket(contact_email=f"c{number}@x.example",
                                          subject=f"Ticket {number}",
                                          status="Pending" if number % 2 else "Open"))


def test_exports_stream_in_batches(tenant: TenantFixture) -> None:
    _five_tickets(tenant)
    with tenant.unit(write=False) as unit:
        export = export_tickets(unit, TicketExportQuery(), batch_size=2)
        batches = list(export.batches)
    assert [[row[0] for row in batch] for batch in batches] == [[1, 2], [3, 4], [5]]
    with tenant.unit(write=False) as unit:
        chunks = list(export_tickets(unit, TicketExportQuery(), batch_size=2).chunks())
    assert len(chunks) == 4  # the header, then one chunk per batch
    assert [table(chunk)[0][0] for chunk in chunks] == ["ticket_number", "1", "3", "5"]
    with tenant.unit(write=False) as unit:
        pending = export_tickets(unit, TicketExportQuery(
            filters=parse_filters('{"status": ["Pending"]}')), batch_size=2)
        assert [[row[0] for row in batch] for batch in pending.batches] == [[1, 3], [5]]
    with tenant.unit(write=False) as unit:
        exact = export_tickets(unit, TicketExportQuery(
            filters=parse_filters('{"status": ["Open"]}')), batch_size=2)
        assert [[row[0] for row in batch] for batch in exact.batches] == [[2, 4]]
    with tenant.unit(write=False) as unit:
        contacts = export_contacts(unit, batch_size=2)
        assert [[row[1] for row in batch] for batch in contacts.batches] == [
            ["c1@x.example", "c2@x.example"], ["c3@x.example", "c4@x.example"],
            ["c5@x.example"]]


def test_companies_stream_in_batches(client: TestClient, tenant: TenantFixture) -> None:
    for index in range(3):
        ok(client, "/apis/v3/companies/create", {"name": f"Co {index}",
                                                 "domains": f"co{index}.example"})
    with tenant.unit(write=False) as unit:
        companies = export_companies(unit, batch_size=2)
        assert [[(row[0], row[9]) for row in batch] for batch in companies.batches] == [
            [("Co 0", "co0.example"), ("Co 1", "co1.example")], [("Co 2", "co2.example")]]


@pytest.fixture
def batched_client(database: Database, settings: Settings, clock: FixedClock,
                   tenant: TenantFixture) -> Iterator[TestClient]:
    """The API with a batch size of 2 rows."""
    app = create_app(settings.model_copy(update={"export_batch_size": 2}), database=database,
                     clock=clock)
    with TestClient(app, base_url="http://acme.localhost",
                    headers={"Authorization": tenant.key}) as client:
        yield client


def test_small_batches_give_the_same_file(small: TestClient,
                                          batched_client: TestClient) -> None:
    for kind in ("tickets", "contacts", "companies"):
        assert export(batched_client, kind).content == export(small, kind).content, kind
    text = json.dumps({"status": ["Open"]})
    assert (export(batched_client, "tickets", filters=text).content
            == export(small, "tickets", filters=text).content)


def test_an_export_reads_one_snapshot(tenant: TenantFixture) -> None:
    _five_tickets(tenant)
    with tenant.unit(write=False) as unit:
        batches = export_tickets(unit, TicketExportQuery(), batch_size=2).batches
        first = next(batches)
        # Meanwhile another transaction changes a ticket not yet read and adds one.
        with tenant.unit() as writer:
            update_ticket(writer, 5, TicketChanges(present=frozenset({"subject"}),
                                                   subject="Changed while exporting"))
            create_ticket(writer, NewTicket(contact_email="late@x.example", subject="Late"))
        rest = list(batches)
    subjects = [row[3] for batch in [first, *rest] for row in batch]
    assert subjects == [f"Ticket {number}" for number in range(1, 6)]


def test_batches_refuse_to_read_outside_the_exports_transaction(
        tenant: TenantFixture) -> None:
    _five_tickets(tenant)
    with tenant.unit(write=False) as unit:
        batches = export_tickets(unit, TicketExportQuery(), batch_size=2).batches
        assert [row[0] for row in next(batches)] == [1, 2]
        unit.session.close()  # a closed session would silently begin a new transaction
        with pytest.raises(RuntimeError) as failure:
            next(batches)
    assert str(failure.value) == "the export's read transaction ended before the export did"


# --- the CLI ------------------------------------------------------------------------------


@pytest.fixture
def cli(database_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
        ) -> Iterator[CliRunner]:
    """The CLI on the test database (the same one the API client writes)."""
    monkeypatch.setenv("SUPPORTDESK_DATABASE_URL", database_url)
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SUPPORTDESK_BASE_DOMAIN", "localhost")
    get_settings.cache_clear()
    clear_cache()
    yield CliRunner()
    get_settings.cache_clear()
    clear_cache()


def test_cli_output_equals_the_api_output(small: TestClient, cli: CliRunner,
                                          tmp_path: Path) -> None:
    build_hostile(small)
    for kind in ("tickets", "contacts", "companies"):
        result = cli.invoke(cli_app, ["export", kind, "--tenant", "acme"])
        assert (result.exit_code, result.stderr) == (0, ""), result.output
        assert result.stdout_bytes == export(small, kind).content, kind
    text = json.dumps({"status": ["Open"], "company_name": ["--"]})
    result = cli.invoke(cli_app, ["export", "tickets", "--tenant", "acme", "--filters", text,
                                  "--updated-since", "2026-01-05 09:05:00"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == export(small, "tickets", filters=text,
                                         updated_since="2026-01-05 09:05:00").content
    target = tmp_path / "contacts.csv"
    result = cli.invoke(cli_app, ["export", "contacts", "--tenant", "acme", "--out",
                                  str(target), "--bom"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"wrote {target}\n")
    assert target.read_bytes() == export(small, "contacts", bom="1").content
    assert sorted(path.name for path in tmp_path.iterdir()) == ["contacts.csv"]


def test_cli_refuses_bad_filters(cli: CliRunner, tenant: TenantFixture,
                                 tmp_path: Path) -> None:
    target = tmp_path / "tickets.csv"
    result = cli.invoke(cli_app, ["export", "tickets", "--tenant", "acme", "--filters",
                                  '{"colour": ["red"]}', "--out", str(target)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: filters: unknown key 'colour'; known keys are status, priority, type, group, "
        "assigned_to, category, subcategory, source, contact, company_name, custom_fields\n")
    assert list(tmp_path.iterdir()) == []
    missing = cli.invoke(cli_app, ["export", "contacts", "--tenant", "nope"])
    assert (missing.exit_code, missing.stdout, missing.stderr) == (
        1, "", "error: no tenant with subdomain 'nope'\n")
