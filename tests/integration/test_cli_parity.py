"""Every admin change is also a CLI command, and the CLI's changes are the API's.

The parity test walks the app's routes: a new changing route under
``/apis/admin/`` fails it until ``ADMIN_CHANGES`` names its command, and a
mapped command that the Typer app does not have fails it too. The command
tests run the CLI on the test database (SQLite or PostgreSQL) and read the
result back through the admin API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from typer.core import TyperCommand, TyperGroup
from typer.testing import CliRunner

from supportdesk.catalog.snapshot import clear_cache
from supportdesk.cli import app as cli_app
from supportdesk.clock import FixedClock, system_clock
from supportdesk.config import Settings, get_settings
from supportdesk.surveys.responses import send_survey
from supportdesk.tickets.service import NewTicket, create_ticket
from tests.factories import TenantFixture

ADMIN_PREFIX = "/apis/admin/"
CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# (method, route path) -> the CLI command that makes the same change.
ADMIN_CHANGES: dict[tuple[str, str], str] = {
    ("POST", "/apis/admin/agents"): "agent create",
    ("PATCH", "/apis/admin/agents/{agent_id}"): "agent update",
    ("DELETE", "/apis/admin/agents/{agent_id}"): "agent deactivate",
    ("POST", "/apis/admin/groups"): "group create",
    ("PATCH", "/apis/admin/groups/{group_id}"): "group rename",
    ("DELETE", "/apis/admin/groups/{group_id}"): "group delete",
    ("PUT", "/apis/admin/groups/{group_id}/members"): "group set-members",
    ("POST", "/apis/admin/groups/{group_id}/members"): "group add-member",
    ("DELETE", "/apis/admin/groups/{group_id}/members/{agent_id}"): "group remove-member",
    ("POST", "/apis/admin/statuses"): "status create",
    ("PATCH", "/apis/admin/statuses/{status_id}"): "status update",
    ("DELETE", "/apis/admin/statuses/{status_id}"): "status delete",
    ("POST", "/apis/admin/ticket_types"): "type create",
    ("PATCH", "/apis/admin/ticket_types/{type_id}"): "type update",
    ("DELETE", "/apis/admin/ticket_types/{type_id}"): "type delete",
    ("POST", "/apis/admin/categories"): "category create",
    ("PATCH", "/apis/admin/categories/{category_id}"): "category update",
    ("DELETE", "/apis/admin/categories/{category_id}"): "category delete",
    ("POST", "/apis/admin/categories/{category_id}/subcategories"): "subcategory create",
    ("PATCH", "/apis/admin/categories/{category_id}/subcategories/{subcategory_id}"):
        "subcategory update",
    ("DELETE", "/apis/admin/categories/{category_id}/subcategories/{subcategory_id}"):
        "subcategory delete",
    ("POST", "/apis/admin/custom_fields"): "custom-field create",
    ("PATCH", "/apis/admin/custom_fields/{field_id}"): "custom-field update",
    ("DELETE", "/apis/admin/custom_fields/{field_id}"): "custom-field delete",
    ("POST", "/apis/admin/sla_policies"): "sla-policy create",
    ("PATCH", "/apis/admin/sla_policies/{policy_id}"): "sla-policy update",
    ("DELETE", "/apis/admin/sla_policies/{policy_id}"): "sla-policy delete",
    ("POST", "/apis/admin/business_hours"): "business-hours create",
    ("PATCH", "/apis/admin/business_hours/{hours_id}"): "business-hours update",
    ("DELETE", "/apis/admin/business_hours/{hours_id}"): "business-hours delete",
    ("POST", "/apis/admin/surveys"): "survey create",
    ("PATCH", "/apis/admin/surveys/{survey_id}"): "survey update",
    ("DELETE", "/apis/admin/surveys/{survey_id}"): "survey delete",
    ("POST", "/apis/admin/surveys/{survey_id}/activate"): "survey activate",
    ("PUT", "/apis/admin/contracts/access"): "tenant contract-access",
    ("POST", "/apis/admin/time_entries"): "time-entry create",
    ("PATCH", "/apis/admin/time_entries/{entry_id}"): "time-entry update",
    ("DELETE", "/apis/admin/time_entries/{entry_id}"): "time-entry delete",
    ("POST", "/apis/admin/api_keys"): "apikey create",
    ("DELETE", "/apis/admin/api_keys/{key_id}"): "apikey revoke",
    ("PUT", "/apis/admin/rate_limits"): "tenant set-limits",
    ("POST", "/apis/admin/rate_limits/usage/{key_id}/reset"): "apikey reset-usage",
}


def changing_admin_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route under /apis/admin/ that changes something."""
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if path.startswith(ADMIN_PREFIX):
            found |= {(method, path) for method in (route.methods or set()) & CHANGING_METHODS}
    return found


def cli_command(words: str) -> TyperCommand | None:
    """The leaf command ``words`` names in the Typer app (``"survey update"``), or None."""
    command: object = typer.main.get_command(cli_app)
    for word in words.split():
        if not isinstance(command, TyperGroup):
            return None
        command = command.commands.get(word)
    return command if isinstance(command, TyperCommand) else None


def test_every_changing_admin_route_has_a_cli_command(built_app: FastAPI) -> None:
    routes = changing_admin_routes(built_app)
    assert len(routes) == 42
    unmapped = sorted(routes - set(ADMIN_CHANGES))
    assert unmapped == [], "add these admin routes' CLI commands to ADMIN_CHANGES"
    stale = sorted(set(ADMIN_CHANGES) - routes)
    assert stale == [], "these ADMIN_CHANGES routes are no longer served"
    missing = sorted({words for words in ADMIN_CHANGES.values() if cli_command(words) is None})
    assert missing == [], "these mapped CLI commands do not exist"


def test_the_parity_check_sees_a_missing_command_and_an_unmapped_route(
        built_app: FastAPI) -> None:
    assert cli_command("survey update") is not None
    assert cli_command("survey rename") is None
    assert cli_command("survey") is None  # a group, not a command
    assert cli_command("survey update extra") is None
    assert ("GET", "/apis/admin/surveys") not in changing_admin_routes(built_app)
    assert ("PATCH", "/apis/admin/surveys/{survey_id}") in changing_admin_routes(built_app)


# --- the two update commands, end to end ------------------------------------------------


@pytest.fixture
def cli(database_url: str, settings: Settings, clock: FixedClock,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The CLI on the test database, telling the time by the test's clock."""
    monkeypatch.setenv("SUPPORTDESK_DATABASE_URL", database_url)
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SUPPORTDESK_BASE_DOMAIN", "localhost")
    monkeypatch.setattr(system_clock, "now", clock.now)
    get_settings.cache_clear()
    clear_cache()
    yield CliRunner()
    get_settings.cache_clear()
    clear_cache()


def run(cli: CliRunner, *args: str, input_text: str | None = None) -> tuple[int, str, str]:
    result = cli.invoke(cli_app, list(args), input=input_text)
    return result.exit_code, result.stdout, result.stderr


def admin_get(client: TestClient, path: str) -> dict[str, Any]:
    response = client.get(f"/apis/admin/{path}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


DEMO_SURVEY = "Customer Satisfaction"


def test_survey_update_changes_only_what_is_given(client: TestClient, cli: CliRunner,
                                                  clock: FixedClock) -> None:
    before = admin_get(client, "surveys/1")
    clock.advance(hours=1)

    assert run(cli, "survey", "update", "--tenant", "acme", "customer satisfaction",
               "--name", "Happiness", "--send-on", "close", "--thankyou-text", "Cheers",
               "--question", "How did we do?", "--question", "Was it quick?") == (
        0, "survey 'Happiness' updated (id 1), active\n", "")

    assert admin_get(client, "surveys/1") == {
        **before, "name": "Happiness", "send_on": "close", "thankyou_text": "Cheers",
        "questions": ["How did we do?", "Was it quick?"], "updated_at": "2026-01-05 10:00:00"}


def test_survey_update_takes_a_file_and_switches_flags(client: TestClient, cli: CliRunner,
                                                       clock: FixedClock,
                                                       tmp_path: Path) -> None:
    before = admin_get(client, "surveys/1")
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps({"scale": 3, "scale_labels": {
        "3": "Yes", "0": "Meh", "-3": "No"}, "rating_order": "bad_to_good",
        "send_on": "close"}))
    clock.advance(minutes=5)

    assert run(cli, "survey", "update", "--tenant", "acme", DEMO_SURVEY, "--file",
               str(changes), "--send-on", "resolve", "--no-comments", "--inactive") == (
        0, f"survey '{DEMO_SURVEY}' updated (id 1)\n", "")

    assert admin_get(client, "surveys/1") == {
        **before, "scale": 3, "scale_labels": {"3": "Yes", "0": "Meh", "-3": "No"},
        "rating_order": "bad_to_good", "send_on": "resolve",
        "include_additional_comments": False, "is_active": False,
        "updated_at": "2026-01-05 09:05:00"}
    assert run(cli, "survey", "update", "--tenant", "acme", DEMO_SURVEY, "--file", "-",
               "--active", input_text='{"neutral_type": "negative"}') == (
        0, f"survey '{DEMO_SURVEY}' updated (id 1), active\n", "")
    after = admin_get(client, "surveys/1")
    assert (after["neutral_type"], after["is_active"], after["scale"]) == (
        "negative", True, 3)


def test_survey_update_refusals(client: TestClient, cli: CliRunner,
                                tenant: TenantFixture) -> None:
    before = admin_get(client, "surveys/1")
    cases = [
        (["Nope", "--name", "X"], "error: no survey named 'Nope' exists\n"),
        ([DEMO_SURVEY, "--type", "five_star"],
         "error: a five_star survey has exactly one question, got 3\n"),
        ([DEMO_SURVEY, "--scale", "9"], "error: scale must be a whole number from 2 to 7, "
                                        "got 9\n"),
        ([DEMO_SURVEY, "--send-on", "later"],
         "error: send_on: Input should be 'resolve' or 'close'\n"),
    ]
    for args, message in cases:
        assert run(cli, "survey", "update", "--tenant", "acme", *args) == (1, "", message), args
    assert admin_get(client, "surveys/1") == before

    with tenant.unit() as unit:
        number = create_ticket(unit, NewTicket(contact_email="a@example.com",
                                               subject="Hi")).ticket.number
        send_survey(unit, ticket_number=number)
    assert run(cli, "survey", "update", "--tenant", "acme", DEMO_SURVEY, "--scale", "5") == (
        1, "", f"error: survey '{DEMO_SURVEY}' has already been sent on tickets, so its "
        "survey_type and scale cannot change; create a new survey instead\n")


ALEX = "alex.morgan@demo.example"
PRIYA = "priya.shah@demo.example"


@pytest.fixture
def entry(client: TestClient) -> dict[str, Any]:
    """Time entry 1: Alex, 45 billable minutes on ticket 1; ticket 2 exists too."""
    for subject in ("Printer", "Laptop"):
        created = client.post("/apis/v3/tickets/create",
                              json={"email": "ann@example.com", "subject": subject})
        assert created.status_code == 200, created.text
    response = client.post("/apis/admin/time_entries", json={
        "ticket_number": 1, "agent_email": ALEX, "minutes": 45, "billable": True,
        "note": "Replaced the toner", "start_time": "2026-01-05 08:00:00"})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_time_entry_update_changes_only_what_is_given(client: TestClient, cli: CliRunner,
                                                      clock: FixedClock,
                                                      entry: dict[str, Any]) -> None:
    clock.advance(minutes=30)

    assert run(cli, "time-entry", "update", "--tenant", "acme", "1", "--ticket", "2",
               "--agent", PRIYA, "--minutes", "30", "--start", "2026-01-04 16:30:00",
               "--not-billable", "--timer-running", "--note", "",
               "--additional-info", "Onsite") == (
        0, f"time entry 1 updated: 30 min on ticket 2 by {PRIYA}\n", "")

    assert admin_get(client, "time_entries/1") == {
        "id": 1, "ticket_number": 2, "agent_email": PRIYA,
        "start_time": "2026-01-04 16:30:00", "minutes": 30, "billable": False,
        "timer_running": True, "note": None, "additional_info": "Onsite",
        "created_at": "2026-01-05 09:00:00", "updated_at": "2026-01-05 09:30:00"}

    clock.advance(minutes=1)
    assert run(cli, "time-entry", "update", "--tenant", "acme", "1", "--billable",
               "--timer-stopped") == (
        0, f"time entry 1 updated: 30 min on ticket 2 by {PRIYA}\n", "")
    after = admin_get(client, "time_entries/1")
    assert (after["billable"], after["timer_running"], after["additional_info"],
            after["updated_at"]) == (True, False, "Onsite", "2026-01-05 09:31:00")


@pytest.mark.parametrize(("arguments", "message"), [
    (["9", "--minutes", "5"], "error: time entry 9 does not exist\n"),
    (["1", "--ticket", "99"], "error: ticket_number: ticket 99 does not exist\n"),
    (["1", "--agent", "who@demo.example"],
     "error: agent_email: 'who@demo.example' is not an agent of this helpdesk\n"),
    (["1", "--minutes", "-5"], "error: minutes: Input should be greater than or equal to 0\n"),
    (["1", "--start", "noon"],
     "error: start_time must look like YYYY-MM-DD HH:MM:SS, got 'noon'\n"),
])
def test_time_entry_update_refusals(client: TestClient, cli: CliRunner,
                                    entry: dict[str, Any], arguments: list[str],
                                    message: str) -> None:
    assert run(cli, "time-entry", "update", "--tenant", "acme", *arguments) == (
        1, "", message)
    assert admin_get(client, "time_entries/1") == entry
