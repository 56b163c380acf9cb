"""``supportdesk time-entry`` and ``supportdesk tenant contract-access`` on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supportdesk.catalog.snapshot import clear_cache
from supportdesk.cli import app
from supportdesk.config import get_settings
from supportdesk.contracts.service import has_contract_access
from supportdesk.db.session import Database
from supportdesk.tenancy.service import get_tenant
from supportdesk.tickets.service import NewTicket, create_ticket
from supportdesk.unit import open_unit

AGENT = "alex@acme.example"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A migrated SQLite file with tenant acme, one agent and one ticket."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SUPPORTDESK_DATABASE_URL", url)
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUPPORTDESK_BASE_DOMAIN", "localhost")
    get_settings.cache_clear()
    clear_cache()
    runner = CliRunner()
    for command in (["migrate"], ["tenant", "create", "acme"],
                    ["agent", "create", "--tenant", "acme", "--email", AGENT,
                     "--name", "Alex"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
    database = Database.from_url(url, pool_size=2)
    with open_unit(database, get_settings(), subdomain="acme", write=True) as unit:
        create_ticket(unit, NewTicket(contact_email="ann@example.com", subject="Printer"))
    database.dispose()
    yield runner
    get_settings.cache_clear()
    clear_cache()


def test_create_list_delete(runner: CliRunner) -> None:
    result = runner.invoke(app, [
        "time-entry", "create", "--tenant", "acme", "--ticket", "1", "--agent", AGENT,
        "--minutes", "45", "--billable", "--note", "Fixed it", "--start",
        "2026-01-05 08:00:00"])
    assert (result.exit_code, result.stdout) == (
        0, f"time entry 1 created: 45 min on ticket 1 by {AGENT}\n")
    result = runner.invoke(app, ["time-entry", "create", "--tenant", "acme", "--ticket", "1",
                                 "--agent", AGENT, "--minutes", "5"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(app, ["time-entry", "list", "--tenant", "acme", "--ticket", "1"])
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["ID", "TICKET", "AGENT", "START", "MIN", "BILLABLE"]
    assert lines[1].split() == ["1", "1", AGENT, "2026-01-05", "08:00:00", "45", "yes"]
    assert lines[2].split()[:3] == ["2", "1", AGENT]
    assert lines[2].split()[-2:] == ["5", "no"]
    result = runner.invoke(app, ["time-entry", "delete", "--tenant", "acme", "1"])
    assert (result.exit_code, result.stdout) == (0, "time entry 1 deleted\n")
    listing = runner.invoke(app, ["time-entry", "list", "--tenant", "acme"])
    assert len(listing.stdout.splitlines()) == 2


@pytest.mark.parametrize(("arguments", "message"), [
    (["--ticket", "9", "--agent", AGENT, "--minutes", "5"],
     "error: ticket_number: ticket 9 does not exist\n"),
    (["--ticket", "1", "--agent", "who@acme.example", "--minutes", "5"],
     "error: agent_email: 'who@acme.example' is not an agent of this helpdesk\n"),
    (["--ticket", "1", "--agent", AGENT, "--minutes", "-5"],
     "error: minutes: Input should be greater than or equal to 0\n"),
    (["--ticket", "1", "--agent", AGENT, "--minutes", "5", "--start", "noon"],
     "error: start_time must look like YYYY-MM-DD HH:MM:SS, got 'noon'\n"),
])
def test_create_refusals(runner: CliRunner, arguments: list[str], message: str) -> None:
    result = runner.invoke(app, ["time-entry", "create", "--tenant", "acme", *arguments])
    assert (result.exit_code, result.stderr) == (1, message)


def test_delete_unknown(runner: CliRunner) -> None:
    result = runner.invoke(app, ["time-entry", "delete", "--tenant", "acme", "3"])
    assert (result.exit_code, result.stderr) == (1, "error: time entry 3 does not exist\n")


def test_contract_access_switch(runner: CliRunner) -> None:
    def state() -> bool:
        database = Database.from_url(get_settings().database_url, pool_size=1)
        with database.session() as session:
            tenant_id = get_tenant(session, "acme").id
            value = has_contract_access(session, tenant_id=tenant_id)
        database.dispose()
        return value

    result = runner.invoke(app, ["tenant", "contract-access", "acme"])
    assert (result.exit_code, result.stdout) == (0, "contract access for acme: off\n")
    result = runner.invoke(app, ["tenant", "contract-access", "acme", "--on"])
    assert (result.exit_code, result.stdout) == (0, "contract access for acme: on\n")
    assert state()
    result = runner.invoke(app, ["tenant", "contract-access", "acme", "--off"])
    assert (result.exit_code, result.stdout) == (0, "contract access for acme: off\n")
    assert not state()
    result = runner.invoke(app, ["tenant", "contract-access", "nope", "--on"])
    assert (result.exit_code, result.stderr) == (1, "error: no tenant with subdomain 'nope'\n")
