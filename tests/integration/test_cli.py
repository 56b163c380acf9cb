"""The command line against a real SQLite file, configured through the environment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from supportdesk.catalog.snapshot import clear_cache
from supportdesk.cli import app
from supportdesk.clock import system_clock
from supportdesk.config import get_settings
from supportdesk.contacts.models import Contact
from supportdesk.contracts.models import Contract
from supportdesk.contracts.usage import month_index
from supportdesk.db.session import Database
from supportdesk.errors import Unauthorized
from supportdesk.tenancy.service import authenticate, get_tenant
from supportdesk.tickets.models import Conversation, Ticket
from supportdesk.timetracking.models import TimeEntry

KEY = re.compile(r"^sd_[A-Za-z0-9_-]{43}$")


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A fresh SQLite file the CLI is pointed at through SUPPORTDESK_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SUPPORTDESK_DATABASE_URL", url)
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUPPORTDESK_BASE_DOMAIN", "localhost")
    monkeypatch.setenv("SUPPORTDESK_PORT", "8080")
    get_settings.cache_clear()
    clear_cache()
    database = Database.from_url(url, pool_size=2)
    yield database
    database.dispose()
    get_settings.cache_clear()
    clear_cache()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def migrated(cli_database: Database, runner: CliRunner) -> Database:
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    return cli_database


def _key_from(output: str) -> str:
    keys = re.findall(r"API key:\s+(\S+)", output)
    assert len(keys) == 1, output
    return keys[0]


def _authenticates(database: Database, secret: str, subdomain: str) -> bool:
    with database.session() as session:
        try:
            context = authenticate(session, secret=secret, subdomain=subdomain)
        except Unauthorized:
            return False
    return context.subdomain == subdomain


def test_migrate_creates_the_schema(cli_database: Database, runner: CliRunner) -> None:
    result = runner.invoke(app, ["migrate"])

    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "database schema is up to date\n", "")
    with cli_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_tenant_create_demo_prints_a_working_key_and_urls(
    migrated: Database, runner: CliRunner
) -> None:
    result = runner.invoke(app, ["tenant", "create", "acme", "--name", "Acme Inc", "--demo"])

    assert result.exit_code == 0, result.output
    key = _key_from(result.stdout)
    assert KEY.match(key)
    assert _authenticates(migrated, key, "acme")
    assert not _authenticates(migrated, key, "other")
    lines = result.stdout.splitlines()
    assert "  API base:    http://acme.localhost:8080/apis/v3/" in lines
    assert "  Swagger UI:  http://acme.localhost:8080/apis/api-docs.html" in lines
    with migrated.session() as session:
        tenant = get_tenant(session, "acme")
        assert (tenant.name, tenant.subdomain) == ("Acme Inc", "acme")
    with migrated.session(tenant_id=tenant.id) as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 300
        conversations = session.scalar(select(func.count()).select_from(Conversation))
        assert session.scalar(select(func.sum(Ticket.conversation_count))) == conversations
    assert f"Sample data: 300 tickets, {conversations} conversations, 40 contacts" \
        in result.stdout


def test_tenant_create_demo_dates_its_contract_and_time_by_the_real_clock(
    migrated: Database, runner: CliRunner
) -> None:
    before = system_clock.now()
    assert runner.invoke(app, ["tenant", "create", "acme", "--demo"]).exit_code == 0
    after = system_clock.now()
    with migrated.session() as session:
        tenant_id = get_tenant(session, "acme").id
    with migrated.session(tenant_id=tenant_id) as session:
        (starts_at, ends_at), = session.execute(select(Contract.starts_at, Contract.ends_at))
        entries = session.execute(
            select(TimeEntry.started_at, TimeEntry.minutes, TimeEntry.created_at)).all()
    # Twelve calendar months: the three before this one, this one, the eight after.
    assert (starts_at.day, ends_at.day) == (1, 1)
    assert month_index(ends_at) - month_index(starts_at) == 12
    assert month_index(starts_at) in {month_index(before) - 3, month_index(after) - 3}
    assert len(entries) == 6
    for started_at, minutes, created_at in entries:
        assert starts_at <= started_at
        assert created_at - started_at == timedelta(minutes=minutes + 10)
        assert created_at < before


def test_tenant_list_shows_each_tenant(migrated: Database, runner: CliRunner) -> None:
    assert runner.invoke(app, ["tenant", "create", "acme"]).exit_code == 0
    assert runner.invoke(app, ["tenant", "create", "globex", "--name", "Globex"]).exit_code == 0

    result = runner.invoke(app, ["tenant", "list"])

    assert result.exit_code == 0
    rows = [line.split()[:2] for line in result.stdout.splitlines()]
    assert rows == [["SUBDOMAIN", "NAME"], ["acme", "acme"], ["globex", "Globex"]]


def test_apikey_create_prints_only_the_key(migrated: Database, runner: CliRunner) -> None:
    assert runner.invoke(app, ["tenant", "create", "acme"]).exit_code == 0

    result = runner.invoke(app, ["apikey", "create", "--tenant", "acme", "--label", "ci"])

    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.count("\n") == 1
    key = result.stdout.strip()
    assert KEY.match(key)
    assert _authenticates(migrated, key, "acme")
    listing = runner.invoke(app, ["apikey", "list", "--tenant", "acme"]).stdout.splitlines()
    assert listing[0].split() == ["ID", "PREFIX", "LABEL", "CREATED", "REVOKED"]
    assert [line.split()[:3] for line in listing[1:]] == [
        ["1", listing[1].split()[1], "first"], ["2", key[:9], "ci"]]


def test_apikey_revoke_stops_the_key(migrated: Database, runner: CliRunner) -> None:
    assert runner.invoke(app, ["tenant", "create", "acme"]).exit_code == 0
    key = runner.invoke(app, ["apikey", "create", "--tenant", "acme"]).stdout.strip()
    assert _authenticates(migrated, key, "acme")

    result = runner.invoke(app, ["apikey", "revoke", "--tenant", "acme", "--id", "2"])

    assert (result.exit_code, result.stdout) == (0, "revoked API key 2 of 'acme'\n")
    assert not _authenticates(migrated, key, "acme")
    listing = runner.invoke(app, ["apikey", "list", "--tenant", "acme"]).stdout.splitlines()
    assert listing[1].split()[-1] == "-"
    revoked = listing[2].split()
    assert (revoked[:3], len(revoked)) == (["2", key[:9], "-"], 7)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", revoked[5])
    again = runner.invoke(app, ["apikey", "revoke", "--tenant", "acme", "--id", "2"])
    assert (again.exit_code, again.stderr) == (1, "error: no active API key with id 2\n")


def test_bad_subdomain_is_an_error_without_traceback(
    migrated: Database, runner: CliRunner
) -> None:
    result = runner.invoke(app, ["tenant", "create", "Bad_Name"])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: subdomain 'bad_name' is not valid")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_unknown_tenant_is_an_error(migrated: Database, runner: CliRunner) -> None:
    result = runner.invoke(app, ["apikey", "create", "--tenant", "nope"])

    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", "error: no tenant with subdomain 'nope'\n")


def test_agent_create_adds_an_agent(migrated: Database, runner: CliRunner) -> None:
    assert runner.invoke(app, ["tenant", "create", "acme"]).exit_code == 0

    result = runner.invoke(app, ["agent", "create", "--tenant", "acme", "--email",
                                 "Jo@Acme.example", "--name", "Jo Bloggs", "--role", "admin"])

    assert (result.exit_code, result.stdout) == (0, "agent jo@acme.example created (id 1)\n")
    duplicate = runner.invoke(app, ["agent", "create", "--tenant", "acme", "--email",
                                    "jo@acme.example", "--name", "Jo"])
    assert (duplicate.exit_code, duplicate.stderr) == (
        1, "error: an agent with email 'jo@acme.example' already exists\n")


def test_seed_adds_exactly_the_tickets_asked_for(migrated: Database, runner: CliRunner) -> None:
    assert runner.invoke(app, ["tenant", "create", "acme", "--demo"]).exit_code == 0

    result = runner.invoke(app, ["seed", "--tenant", "acme", "--tickets", "500", "--seed", "3"])

    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"seeded 500 tickets \(numbers 301-800\), \d+ conversations and 50 "
                        r"contacts in \d+\.\ds\n", result.stdout)
    with migrated.session() as session:
        tenant_id = get_tenant(session, "acme").id
    with migrated.session(tenant_id=tenant_id) as session:
        numbers = list(session.scalars(select(Ticket.number).order_by(Ticket.number)))
        counts = dict(session.execute(select(Ticket.number, Ticket.conversation_count)).all())
        actual = dict(session.execute(
            select(Conversation.ticket_number, func.count())
            .group_by(Conversation.ticket_number)).all())
        contact_ids = set(session.scalars(select(Contact.id)))
        ticket_contacts = set(session.scalars(select(Ticket.contact_id)))
    assert numbers == list(range(1, 801))
    assert counts == {number: actual.get(number, 0) for number in numbers}
    assert ticket_contacts <= contact_ids
    conversations = int(result.stdout.split(", ")[1].split()[0])
    assert conversations == sum(counts[n] for n in range(301, 801))


def test_demo_ensure_creates_then_issues_new_keys(migrated: Database, runner: CliRunner) -> None:
    first = runner.invoke(app, ["demo-ensure", "--port", "8099"])
    second = runner.invoke(app, ["demo-ensure", "--port", "8099"])

    assert (first.exit_code, second.exit_code) == (0, 0)
    first_key, second_key = _key_from(first.stdout), _key_from(second.stdout)
    assert first_key != second_key
    assert _authenticates(migrated, first_key, "demo")
    assert _authenticates(migrated, second_key, "demo")
    assert first.stdout.splitlines()[0] == "Created demo helpdesk 'demo' with 300 sample tickets."
    assert second.stdout.splitlines() == [
        "Demo helpdesk 'demo' already exists; issued a new key.",
        f"  API key:     {second_key}",
        "  API base:    http://demo.localhost:8099/apis/v3/",
        "  Swagger UI:  http://demo.localhost:8099/apis/api-docs.html",
        "Try:",
        f'  curl -H "Authorization: {second_key}" "http://demo.localhost:8099/apis/v3/tickets'
        '?ticket_count=50&filters=%7B%22priority%22%3A%5B%2220%22%5D%7D"',
    ]
    listing = runner.invoke(app, ["apikey", "list", "--tenant", "demo"]).stdout.splitlines()
    assert [line.split()[2:4] for line in listing[1:]] == [["first", "key"], ["make", "run"]]
    with migrated.session() as session:
        tenant_id = get_tenant(session, "demo").id
    with migrated.session(tenant_id=tenant_id) as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 300


def test_backup_then_restore_into_an_empty_deployment(
    migrated: Database, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert runner.invoke(app, ["tenant", "create", "acme"]).exit_code == 0
    archive = tmp_path / "acme.tar"
    result = runner.invoke(app, ["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"backup written to {archive} (")
    assert "1 tenants, 0 tickets, 0 attachment files, schema " in result.output

    refused = runner.invoke(app, ["restore", str(archive)])
    assert refused.exit_code == 1
    assert "error: the configured database already holds tenants; restore with --force " \
        "to replace them" in refused.output

    monkeypatch.setenv("SUPPORTDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    get_settings.cache_clear()
    result = runner.invoke(app, ["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"restored 1 tenants and 0 tickets from {archive} (taken ")
    listing = runner.invoke(app, ["tenant", "list"])
    assert "acme" in listing.output
