"""The settings commands (status, type, category, subcategory, agent, group,
custom-field, sla-policy, business-hours) against a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from supportdesk.catalog.snapshot import clear_cache
from supportdesk.cli import app
from supportdesk.config import get_settings
from supportdesk.db.session import Database


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SUPPORTDESK_DATABASE_URL", url)
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUPPORTDESK_BASE_DOMAIN", "localhost")
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
def acme(cli_database: Database, runner: CliRunner) -> CliRunner:
    """A migrated database with tenant ``acme`` (default statuses, types and SLA)."""
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    created = runner.invoke(app, ["tenant", "create", "acme"])
    assert created.exit_code == 0, created.output
    return runner


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, [args[0], args[1], "--tenant", "acme", *args[2:]])


def ok(runner: CliRunner, *args: str) -> str:
    result = run(runner, *args)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.stdout


def fails(runner: CliRunner, *args: str) -> str:
    result = run(runner, *args)
    assert (result.exit_code, result.stdout) == (1, ""), result.output
    assert "Traceback" not in result.output
    return result.stderr


def rows(output: str) -> list[list[str]]:
    return [line.split() for line in output.splitlines()]


def test_status_commands(acme: CliRunner) -> None:
    assert ok(acme, "status", "create", "--name", "Waiting", "--category", "pending") == \
        "status 'Waiting' created (id 5)\n"
    assert ok(acme, "status", "update", "--id", "5", "--name", "On Hold", "--position",
              "9") == "status 5 updated\n"
    assert rows(ok(acme, "status", "list")) == [
        ["ID", "CATEGORY", "DEFAULT", "NAME"], ["1", "open", "yes", "Open"],
        ["2", "pending", "Pending"], ["3", "resolved", "Resolved"], ["4", "closed", "Closed"],
        ["5", "pending", "On", "Hold"]]
    assert ok(acme, "status", "delete", "--id", "5") == "status 5 deleted\n"
    assert fails(acme, "status", "delete", "--id", "1") == (
        "error: status 'Open' is the default status; make another status the default first\n")
    assert fails(acme, "status", "create", "--name", "X", "--category", "later") == (
        "error: category: Input should be 'open', 'pending', 'resolved' or 'closed'\n")
    assert fails(acme, "status", "update", "--id", "42", "--name", "X") == \
        "error: no status with id 42\n"
    assert ok(acme, "status", "create", "--name", "New", "--category", "open",
              "--default") == "status 'New' created (id 6)\n"
    assert ok(acme, "status", "update", "--id", "1", "--default") == "status 1 updated\n"
    assert rows(ok(acme, "status", "list"))[1] == ["1", "open", "yes", "Open"]


def test_type_category_and_subcategory_commands(acme: CliRunner) -> None:
    assert ok(acme, "type", "create", "--name", "Refund") == "type 'Refund' created (id 5)\n"
    assert ok(acme, "type", "update", "--id", "5", "--name", "Refunds") == "type 5 updated\n"
    assert rows(ok(acme, "type", "list"))[-1] == ["5", "Refunds"]
    assert ok(acme, "type", "delete", "--id", "5") == "type 5 deleted\n"
    assert fails(acme, "type", "create", "--name", "question") == \
        "error: a type named 'question' already exists\n"
    assert ok(acme, "category", "create", "--name", "Hardware", "--subcategory", "Printer",
              "--subcategory", "Laptop") == "category 'Hardware' created (id 1)\n"
    assert ok(acme, "category", "update", "--id", "1", "--name", "Devices") == \
        "category 1 updated\n"
    assert rows(ok(acme, "category", "list")) == [
        ["ID", "NAME", "SUBCATEGORIES"], ["1", "Devices", "Printer,", "Laptop"]]
    assert ok(acme, "subcategory", "create", "--category", "1", "--name", "Phone") == \
        "subcategory 'Phone' created (id 3)\n"
    assert ok(acme, "subcategory", "update", "--category", "1", "--id", "3", "--name",
              "Mobile") == "subcategory 3 updated\n"
    assert rows(ok(acme, "subcategory", "list", "--category", "1")) == [
        ["ID", "NAME"], ["1", "Printer"], ["2", "Laptop"], ["3", "Mobile"]]
    assert ok(acme, "subcategory", "delete", "--category", "1", "--id", "3") == \
        "subcategory 3 deleted\n"
    assert fails(acme, "subcategory", "delete", "--category", "2", "--id", "1") == \
        "error: no category with id 2\n"
    assert ok(acme, "category", "delete", "--id", "1") == "category 1 deleted\n"
    assert rows(ok(acme, "category", "list")) == [["ID", "NAME", "SUBCATEGORIES"]]


def test_agent_and_group_commands(acme: CliRunner) -> None:
    for email, name in (("jo@acme.example", "Jo"), ("al@acme.example", "Al")):
        assert run(acme, "agent", "create", "--email", email, "--name", name).exit_code == 0
    assert ok(acme, "agent", "update", "--id", "1", "--name", "Jo Bloggs", "--role",
              "admin") == "agent 1 updated\n"
    listing = rows(ok(acme, "agent", "list"))
    assert listing[0] == ["ID", "ROLE", "ACTIVE", "CREATED", "EMAIL", "NAME"]
    assert [r[:3] + r[5:] for r in listing[1:]] == [
        ["1", "admin", "yes", "jo@acme.example", "Jo", "Bloggs"],
        ["2", "agent", "yes", "al@acme.example", "Al"]]
    assert fails(acme, "agent", "update", "--id", "1", "--role", "boss") == \
        "error: role: Input should be 'admin' or 'agent'\n"

    assert ok(acme, "group", "create", "--name", "Billing", "--member", "jo@acme.example") == \
        "group 'Billing' created (id 1)\n"
    assert ok(acme, "group", "add-member", "--id", "1", "--email", "AL@acme.example") == \
        "al@acme.example is a member of group 1\n"
    assert rows(ok(acme, "group", "list")) == [
        ["ID", "NAME", "MEMBERS"], ["1", "Billing", "al@acme.example,", "jo@acme.example"]]
    assert ok(acme, "group", "remove-member", "--id", "1", "--email", "jo@acme.example") == \
        "jo@acme.example removed from group 1\n"
    assert fails(acme, "group", "remove-member", "--id", "1", "--email",
                 "jo@acme.example") == "error: agent 1 is not a member of group 1\n"
    assert ok(acme, "group", "rename", "--id", "1", "--name", "Accounts") == \
        "group 1 updated\n"
    assert ok(acme, "group", "set-members", "--id", "1", "--member", "jo@acme.example",
              "--member", "al@acme.example") == "group 1 has 2 members\n"
    assert ok(acme, "agent", "deactivate", "--id", "2") == "agent 2 deactivated\n"
    assert rows(ok(acme, "agent", "list"))[2][:3] == ["2", "agent", "no"]
    assert fails(acme, "group", "add-member", "--id", "1", "--email", "al@acme.example") == \
        "error: email: agent 'al@acme.example' is deactivated\n"
    assert ok(acme, "agent", "update", "--id", "2", "--active") == "agent 2 updated\n"
    assert ok(acme, "group", "delete", "--id", "1") == "group 1 deleted\n"
    assert fails(acme, "group", "delete", "--id", "1") == "error: no group with id 1\n"


def test_custom_field_commands(acme: CliRunner) -> None:
    assert ok(acme, "custom-field", "create", "--label", "Department", "--type", "dropdown",
              "--choice", "Sales", "--choice", "Support") == \
        "custom field cf_Department created (id 1)\n"
    assert fails(acme, "custom-field", "create", "--label", "Team", "--type", "dropdown") == \
        "error: a dropdown field needs at least one choice\n"
    assert ok(acme, "custom-field", "update", "--id", "1", "--label", "Team", "--choice",
              "Sales", "--choice", "Legal") == "custom field 1 updated\n"
    assert rows(ok(acme, "custom-field", "list")) == [
        ["ID", "TYPE", "KEY", "CHOICES"], ["1", "dropdown", "cf_Team", "Sales,", "Legal"]]
    assert ok(acme, "custom-field", "delete", "--id", "1") == "custom field 1 deleted\n"
    assert rows(ok(acme, "custom-field", "list")) == [["ID", "TYPE", "KEY", "CHOICES"]]


def test_sla_policy_and_business_hours_commands(acme: CliRunner) -> None:
    assert ok(acme, "business-hours", "create", "--name", "UK", "--timezone", "Europe/London",
              "--day", "monday=09:00-12:00,13:00-17:00", "--day", "friday=09:00-15:00",
              "--holiday", "2026-12-25=Christmas Day") == \
        "business hours 'UK' created (id 1)\n"
    assert rows(ok(acme, "business-hours", "list")) == [
        ["ID", "TIMEZONE", "WEEK", "HOLIDAYS", "NAME"],
        ["1", "Europe/London", "mon=09:00-12:00,13:00-17:00", "fri=09:00-15:00", "1", "UK"]]
    assert fails(acme, "business-hours", "create", "--name", "Mars", "--timezone",
                 "Mars/Base", "--day", "monday=09:00-17:00") == (
        "error: timezone: 'Mars/Base' is not an IANA timezone name such as 'Europe/London'\n")
    assert fails(acme, "business-hours", "update", "--id", "1", "--day", "funday=1") == \
        "error: --day: 'funday=1' is not like monday=09:00-17:00\n"
    assert ok(acme, "business-hours", "update", "--id", "1", "--day",
              "tuesday=08:00-16:00", "--no-holidays") == "business hours 1 updated\n"
    assert rows(ok(acme, "business-hours", "list"))[1] == [
        "1", "Europe/London", "tue=08:00-16:00", "0", "UK"]

    assert ok(acme, "sla-policy", "create", "--name", "Gold", "--first-response", "60",
              "--resolution", "480", "--hours", "business", "--business-hours", "1",
              "--target", "20=15/120", "--target", "1=-/2880") == \
        "SLA policy 'Gold' created (id 2)\n"
    assert rows(ok(acme, "sla-policy", "list")) == [
        ["ID", "DEFAULT", "FIRST", "RESOLVE", "HOURS", "TARGETS", "NAME"],
        ["1", "yes", "240", "1440", "calendar", "-", "Standard", "SLA"],
        ["2", "60", "480", "business:1", "1=-/2880", "20=15/120", "Gold"]]
    assert fails(acme, "sla-policy", "create", "--name", "X", "--target", "3=1/1") == \
        "error: --target: priority must be one of 1, 5, 10, 20, not 3\n"
    assert fails(acme, "business-hours", "delete", "--id", "1") == (
        "error: business hours 'UK' are used by 1 SLA policy; switch them to other hours "
        "first\n")
    assert ok(acme, "sla-policy", "update", "--id", "2", "--resolution", "none", "--hours",
              "calendar", "--no-targets", "--default") == "SLA policy 2 updated\n"
    assert rows(ok(acme, "sla-policy", "list"))[1:] == [
        ["1", "240", "1440", "calendar", "-", "Standard", "SLA"],
        ["2", "yes", "60", "-", "calendar", "-", "Gold"]]
    assert fails(acme, "sla-policy", "delete", "--id", "2") == (
        "error: SLA policy 'Gold' is the default policy; make another policy the default "
        "first\n")
    assert ok(acme, "sla-policy", "delete", "--id", "1") == "SLA policy 1 deleted\n"
    assert ok(acme, "business-hours", "delete", "--id", "1") == "business hours 1 deleted\n"


@pytest.mark.parametrize(("group", "commands"), [
    ("status", ["list", "create", "update", "delete"]),
    ("type", ["list", "create", "update", "delete"]),
    ("category", ["list", "create", "update", "delete"]),
    ("subcategory", ["list", "create", "update", "delete"]),
    ("agent", ["list", "create", "update", "deactivate"]),
    ("group", ["list", "create", "rename", "delete", "add-member", "remove-member",
               "set-members"]),
    ("custom-field", ["list", "create", "update", "delete"]),
    ("sla-policy", ["list", "create", "update", "delete"]),
    ("business-hours", ["list", "create", "update", "delete"]),
])
def test_help_lists_every_command(runner: CliRunner, group: str, commands: list[str]) -> None:
    result = runner.invoke(app, [group, "--help"])
    assert result.exit_code == 0
    for command in commands:
        assert f" {command} " in result.stdout, command
        sub = runner.invoke(app, [group, command, "--help"])
        assert sub.exit_code == 0
        assert "--tenant" in sub.stdout
