"""Admin API: SLA policies (targets per priority, hours) and business-hours calendars."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st

from supportdesk.errors import BadRequest
from supportdesk.sla.parsing import parse_day, parse_holiday, parse_minutes, parse_target
from supportdesk.sla.schemas import WEEKDAYS
from tests.factories import TenantFixture, bad_request, conflict, not_found

STANDARD = {"id": 1, "name": "Standard SLA", "is_default": True, "first_response_minutes": 240,
            "resolution_minutes": 1440, "hours_mode": "calendar", "business_hours_id": None,
            "targets": []}
NINE_TO_FIVE = [{"start": "09:00", "end": "17:00"}]
CLOSED_WEEK: dict[str, list[dict[str, str]]] = {day: [] for day in WEEKDAYS}
UK = {
    "name": "UK office", "timezone": "Europe/London",
    "week": {"monday": [{"start": "13:00", "end": "17:00"}, {"start": "09:00", "end": "12:30"}],
             "friday": NINE_TO_FIVE},
    "holidays": [{"date": "2026-12-26", "name": "Boxing Day"},
                 {"date": "2026-12-25", "name": "Christmas Day"}],
}
UK_RECORD = {
    "id": 1, "name": "UK office", "timezone": "Europe/London",
    "week": {**CLOSED_WEEK, "monday": [{"start": "09:00", "end": "12:30"},
                                       {"start": "13:00", "end": "17:00"}],
             "friday": NINE_TO_FIVE},
    "holidays": [{"date": "2026-12-25", "name": "Christmas Day"},
                 {"date": "2026-12-26", "name": "Boxing Day"}],
}


def make_hours(client: TestClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/apis/admin/business_hours", json={**UK, **changes})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# --- business hours -----------------------------------------------------------------


def test_create_list_and_get_business_hours(client: TestClient) -> None:
    assert client.get("/apis/admin/business_hours").json() == {"count": 0,
                                                               "business_hours": []}
    assert make_hours(client) == UK_RECORD
    assert client.get("/apis/admin/business_hours").json() == {"count": 1,
                                                               "business_hours": [UK_RECORD]}
    assert client.get("/apis/admin/business_hours/1").json() == UK_RECORD


def test_update_business_hours_replaces_what_is_sent(client: TestClient) -> None:
    make_hours(client)
    response = client.patch("/apis/admin/business_hours/1", json={
        "name": "London", "timezone": "Europe/Dublin",
        "week": {"saturday": [{"start": "10:00", "end": "24:00"}]}})
    assert response.json() == {**UK_RECORD, "name": "London", "timezone": "Europe/Dublin",
                               "week": {**CLOSED_WEEK, "saturday": [
                                   {"start": "10:00", "end": "24:00"}]}}
    cleared = client.patch("/apis/admin/business_hours/1", json={"holidays": []})
    assert cleared.json()["holidays"] == []


@pytest.mark.parametrize(("changes", "message"), [
    ({"timezone": "Mars/Olympus"},
     "timezone: 'Mars/Olympus' is not an IANA timezone name such as 'Europe/London'"),
    ({"timezone": "../../etc/passwd"},
     "timezone: '../../etc/passwd' is not an IANA timezone name such as 'Europe/London'"),
    ({"week": {}}, "week: a business-hours calendar needs at least one working interval"),
    ({"week": {"monday": [{"start": "17:00", "end": "09:00"}]}},
     "week.monday: 17:00-09:00 must start before it ends"),
    ({"week": {"monday": [{"start": "09:00", "end": "12:00"},
                          {"start": "11:00", "end": "13:00"}]}},
     "week.monday: 09:00-12:00 and 11:00-13:00 overlap"),
    ({"week": {"monday": [{"start": "09:60", "end": "12:00"}]}},
     "week.monday: '09:60' is not a time between 00:00 and 24:00"),
    ({"week": {"monday": [{"start": "24:30", "end": "12:00"}]}},
     "week.monday: '24:30' is not a time between 00:00 and 24:00"),
    ({"week": {"monday": [{"start": "9am", "end": "12:00"}]}},
     "week.monday.0.start: String should match pattern '^[0-9]{2}:[0-9]{2}$'"),
    ({"week": {"funday": NINE_TO_FIVE}},
     "week.funday.[key]: Input should be 'monday', 'tuesday', 'wednesday', 'thursday', "
     "'friday', 'saturday' or 'sunday'"),
    ({"holidays": [{"date": "2026-12-25", "name": "A"}, {"date": "2026-12-25", "name": "B"}]},
     "holidays: 2026-12-25 is listed twice"),
    ({"holidays": [{"date": "2026-02-30", "name": "A"}]},
     "holidays.0.date: Input should be a valid date or datetime, day value is outside "
     "expected range"),
    ({"holidays": [{"date": "2026-12-25", "name": " "}]},
     "holidays: the holiday on 2026-12-25 needs a name"),
    ({"name": " "}, "name: business hours need a name"),
    ({"colour": "red"}, "colour is not a known field"),
])
def test_bad_business_hours_are_400(client: TestClient, changes: dict[str, Any],
                                    message: str) -> None:
    response = client.post("/apis/admin/business_hours", json={**UK, **changes})
    assert (response.status_code, response.json()) == (400, bad_request(message))
    assert client.get("/apis/admin/business_hours").json()["count"] == 0


def test_business_hours_names_are_unique(client: TestClient) -> None:
    make_hours(client)
    response = client.post("/apis/admin/business_hours", json={**UK, "name": "uk OFFICE"})
    assert (response.status_code, response.json()) == (
        409, conflict("business hours named 'uk OFFICE' already exist"))


def test_business_hours_in_use_cannot_be_deleted(client: TestClient) -> None:
    make_hours(client)
    client.post("/apis/admin/sla_policies", json={"name": "Gold", "hours_mode": "business",
                                                  "business_hours_id": 1})
    refused = client.delete("/apis/admin/business_hours/1")
    assert (refused.status_code, refused.json()) == (409, conflict(
        "business hours 'UK office' are used by 1 SLA policy; switch them to other hours "
        "first"))
    client.patch("/apis/admin/sla_policies/2", json={"hours_mode": "calendar"})
    assert client.delete("/apis/admin/business_hours/1").status_code == 204
    assert client.get("/apis/admin/business_hours/1").json() == not_found(
        "no business hours with id 1")


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_business_hours_are_404(client: TestClient, method: str) -> None:
    response = client.request(method, "/apis/admin/business_hours/5",
                              json={} if method == "patch" else None)
    assert (response.status_code, response.json()) == (
        404, not_found("no business hours with id 5"))


# --- SLA policies -------------------------------------------------------------------


def test_list_policies(client: TestClient) -> None:
    assert client.get("/apis/admin/sla_policies").json() == {"count": 1,
                                                             "sla_policies": [STANDARD]}


def test_create_a_policy_with_targets_and_business_hours(client: TestClient) -> None:
    make_hours(client)
    response = client.post("/apis/admin/sla_policies", json={
        "name": "Gold", "first_response_minutes": 60, "resolution_minutes": 480,
        "hours_mode": "business", "business_hours_id": 1,
        "targets": [{"priority": 20, "first_response_minutes": 15, "resolution_minutes": 120},
                    {"priority": 1, "resolution_minutes": 2880}]})
    gold = {"id": 2, "name": "Gold", "is_default": False, "first_response_minutes": 60,
            "resolution_minutes": 480, "hours_mode": "business", "business_hours_id": 1,
            "targets": [
                {"priority": 1, "first_response_minutes": None, "resolution_minutes": 2880},
                {"priority": 20, "first_response_minutes": 15, "resolution_minutes": 120}]}
    assert (response.status_code, response.json()) == (201, gold)
    assert client.get("/apis/admin/sla_policies/2").json() == gold


def test_update_a_policy(client: TestClient) -> None:
    client.post("/apis/admin/sla_policies", json={
        "name": "Gold", "resolution_minutes": 480,
        "targets": [{"priority": 20, "first_response_minutes": 15}]})
    response = client.patch("/apis/admin/sla_policies/2", json={
        "name": "Platinum", "resolution_minutes": None, "first_response_minutes": 30,
        "targets": [{"priority": 10, "resolution_minutes": 60}]})
    assert response.json() == {
        "id": 2, "name": "Platinum", "is_default": False, "first_response_minutes": 30,
        "resolution_minutes": None, "hours_mode": "calendar", "business_hours_id": None,
        "targets": [{"priority": 10, "first_response_minutes": None, "resolution_minutes": 60}]}
    untouched = client.patch("/apis/admin/sla_policies/2", json={"name": "Platinum"})
    assert untouched.json() == response.json()


def test_making_a_policy_default_demotes_the_old_one_and_new_tickets_use_it(
    client: TestClient,
) -> None:
    client.post("/apis/admin/sla_policies", json={"name": "Gold", "resolution_minutes": 60})
    response = client.patch("/apis/admin/sla_policies/2", json={"is_default": True})
    assert response.json()["is_default"] is True
    assert client.get("/apis/admin/sla_policies/1").json()["is_default"] is False
    created = client.post("/apis/v3/tickets/create",
                          json={"email": "pat@customer.example", "subject": "x"})
    number = created.json()["ticket_number"]
    body = client.get("/apis/v3/tickets/details", params={"ticket_number": number}).json()
    assert (body["sla"], body["due_date"]) == ("Gold", "2026-01-05 10:00:00")
    refused = client.delete("/apis/admin/sla_policies/2")
    assert refused.json() == conflict(
        "SLA policy 'Gold' is the default policy; make another policy the default first")


def test_renaming_a_policy_shows_on_tickets(client: TestClient) -> None:
    created = client.post("/apis/v3/tickets/create",
                          json={"email": "pat@customer.example", "subject": "x"})
    number = created.json()["ticket_number"]
    client.patch("/apis/admin/sla_policies/1", json={"name": "Basic"})
    body = client.get("/apis/v3/tickets/details", params={"ticket_number": number}).json()
    assert (body["sla"], body["due_date"]) == ("Basic", "2026-01-06 09:00:00")


@pytest.mark.parametrize(("body", "message"), [
    ({}, "name is required"),
    ({"name": "No SLA Policy"}, "SLA policy name must be non-empty and not 'No SLA Policy'"),
    ({"name": "G", "resolution_minutes": 0},
     "resolution_minutes: Input should be greater than or equal to 1"),
    ({"name": "G", "first_response_minutes": 5_256_001},
     "first_response_minutes: Input should be less than or equal to 5256000"),
    ({"name": "G", "hours_mode": "office"},
     "hours_mode: Input should be 'calendar' or 'business'"),
    ({"name": "G", "hours_mode": "business"},
     "business_hours_id: a policy in business hours needs business hours"),
    ({"name": "G", "business_hours_id": 1},
     "business_hours_id: only a policy with hours_mode 'business' uses business hours"),
    ({"name": "G", "targets": [{"priority": 3}]},
     "targets.0.priority: Input should be 1, 5, 10 or 20"),
    ({"name": "G", "targets": [{"priority": 1}, {"priority": 1}]},
     "targets: each priority may be listed once"),
    ({"name": "G", "targets": [{"priority": 1, "resolution_minutes": -5}]},
     "targets.0.resolution_minutes: Input should be greater than or equal to 1"),
])
def test_bad_policies_are_400(client: TestClient, body: dict[str, Any], message: str) -> None:
    response = client.post("/apis/admin/sla_policies", json=body)
    assert (response.status_code, response.json()) == (400, bad_request(message))
    assert client.get("/apis/admin/sla_policies").json()["count"] == 1


def test_business_hours_must_exist(client: TestClient) -> None:
    response = client.post("/apis/admin/sla_policies", json={
        "name": "G", "hours_mode": "business", "business_hours_id": 7})
    assert (response.status_code, response.json()) == (
        404, not_found("no business hours with id 7"))


def test_policy_names_are_unique(client: TestClient) -> None:
    response = client.post("/apis/admin/sla_policies", json={"name": "standard sla"})
    assert (response.status_code, response.json()) == (
        409, conflict("an SLA policy named 'standard sla' already exists"))
    client.post("/apis/admin/sla_policies", json={"name": "Gold"})
    renamed = client.patch("/apis/admin/sla_policies/2", json={"name": "Standard SLA"})
    assert renamed.json() == conflict("an SLA policy named 'Standard SLA' already exists")


def test_policies_in_use_cannot_be_deleted(client: TestClient) -> None:
    client.post("/apis/admin/sla_policies", json={"name": "Gold"})
    client.post("/apis/v3/companies/create", json={"name": "Contoso", "sla": "Gold"})
    by_company = client.delete("/apis/admin/sla_policies/2")
    assert (by_company.status_code, by_company.json()) == (409, conflict(
        "SLA policy 'Gold' is the policy of 1 company; change their SLA first"))
    client.put("/apis/v3/companies/update", params={"company_name": "Contoso"},
               json={"sla": "helpdesk default"})
    created = client.post("/apis/v3/tickets/create",
                          json={"email": "pat@customer.example", "subject": "x"})
    client.put("/apis/v3/tickets/update", params={"ticket_number": created.json()[
        "ticket_number"]}, json={"sla": "Gold"})
    by_ticket = client.delete("/apis/admin/sla_policies/2")
    assert by_ticket.json() == conflict(
        "SLA policy 'Gold' is used by 1 ticket; change their SLA first")
    client.put("/apis/v3/tickets/update", params={"ticket_number": 1},
               json={"sla": "Standard SLA"})
    assert client.delete("/apis/admin/sla_policies/2").status_code == 204
    assert client.get("/apis/admin/sla_policies/2").json() == not_found(
        "no SLA policy with id 2")


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_policy_is_404(client: TestClient, method: str) -> None:
    response = client.request(method, "/apis/admin/sla_policies/8",
                              json={} if method == "patch" else None)
    assert (response.status_code, response.json()) == (404, not_found("no SLA policy with id 8"))


def test_other_tenants_policies_and_hours_are_404(client: TestClient,
                                                   other_tenant: TenantFixture) -> None:
    headers = {"Authorization": other_tenant.key, "Host": other_tenant.host}
    assert client.post("/apis/admin/business_hours", json=UK, headers=headers).status_code == 201
    assert client.post("/apis/admin/sla_policies", json={"name": "Globex Gold"},
                       headers=headers).json()["id"] == 2
    assert client.get("/apis/admin/sla_policies/2").json() == not_found(
        "no SLA policy with id 2")
    assert client.get("/apis/admin/business_hours/1").json() == not_found(
        "no business hours with id 1")
    borrowed = client.post("/apis/admin/sla_policies", json={
        "name": "Mine", "hours_mode": "business", "business_hours_id": 1})
    assert borrowed.json() == not_found("no business hours with id 1")


# --- the CLI's compact spellings (property-based) -------------------------------------

clock_times = st.integers(min_value=0, max_value=24 * 60).map(
    lambda m: f"{m // 60:02d}:{m % 60:02d}")


@given(st.sampled_from(WEEKDAYS), st.lists(st.tuples(clock_times, clock_times), max_size=4))
def test_parse_day_round_trips(day: str, spans: list[tuple[str, str]]) -> None:
    text = f"{day.upper()}=" + ",".join(f"{start}-{end}" for start, end in spans)
    parsed_day, intervals = parse_day(text)
    assert parsed_day == day
    assert [(i["start"], i["end"]) for i in intervals] == spans


def _day_or_error(text: str) -> str:
    try:
        return parse_day(text)[0]
    except BadRequest as error:
        return error.message


@given(st.text(max_size=30))
def test_parse_day_refuses_or_parses_anything(text: str) -> None:
    outcome = _day_or_error(text)
    assert outcome in WEEKDAYS or outcome.startswith("--day: ")


@given(st.dates(), st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != ""))
def test_parse_holiday_round_trips(day: dt.date, name: str) -> None:
    assert parse_holiday(f"{day.isoformat()}={name}") == {"date": day.isoformat(),
                                                          "name": name.strip()}


@given(st.sampled_from([1, 5, 10, 20]),
       st.one_of(st.none(), st.integers(min_value=1, max_value=5_256_000)),
       st.one_of(st.none(), st.integers(min_value=1, max_value=5_256_000)))
def test_parse_target_round_trips(priority: int, first: int | None,
                                  resolution: int | None) -> None:
    text = f"{priority}={first or '-'}/{resolution or '-'}"
    assert parse_target(text) == {"priority": priority, "first_response_minutes": first,
                                  "resolution_minutes": resolution}


@given(st.text(max_size=20))
@example("\u00b2")  # a digit to str.isdigit(), not to int()
@example("1=\u0663/5")  # an Arabic-Indic digit
def test_parsers_refuse_anything_else_with_400(text: str) -> None:
    parsers: tuple[Callable[[str], object], ...] = (
        parse_target, parse_day, parse_holiday,
        lambda t: parse_minutes(t, option="--resolution"))
    for parse in parsers:
        with contextlib.suppress(BadRequest):
            parse(text)


@pytest.mark.parametrize(("text", "message"), [
    ("3=1/2", "--target: priority must be one of 1, 5, 10, 20, not 3"),
    ("20=0/2", "--target: '0' is not a number of minutes from 1 to 5256000, or none"),
    ("1=\u0663/5", "--target: '1=\u0663/5' is not like 20=15/120 (priority=first response/"
                    "resolution minutes, - for none)"),
    ("20:1/2", "--target: '20:1/2' is not like 20=15/120 (priority=first response/resolution "
               "minutes, - for none)"),
])
def test_parse_target_messages(text: str, message: str) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_target(text)
    assert raised.value.message == message
