"""The ticket list: paging, next_page, ordering, updated_since and the include_* flags."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from supportdesk.tickets.service import NewTicket, create_ticket
from tests.factories import TenantFixture

BASE_KEYS = [
    "ticket_number", "contact_email", "contact_name", "subject", "status", "priority", "type",
    "source", "form_name", "form_is_deleted", "assigned_to", "company_name", "sla", "group",
    "category", "subcategory", "created_on", "updated_on", "resolved_on", "closed_on",
    "due_date", "first_response_time", "first_assigned_time", "first_assigned_duration",
    "resolved_duration", "first_replied_duration", "closed_duration", "watchers", "share_to",
    "conversation_count",
]
SURVEY_KEYS = [
    "sv_name", "sv_answered", "sv_type", "sv_cs_scale", "sv_cs_neutral_type", "sv_question",
    "sv_rating", "sv_cs_question_2", "sv_cs_rating_2", "sv_cs_question_3", "sv_cs_rating_3",
    "sv_additional_comments_title", "sv_additional_comments_response", "sv_sent_on",
    "sv_rated_on",
]


def make_tickets(tenant: TenantFixture, count: int, *, minutes_apart: int = 1) -> None:
    """``count`` tickets numbered 1..count, each ``minutes_apart`` after the last."""
    with tenant.unit() as unit:
        for number in range(1, count + 1):
            if number > 1:
                tenant.clock.advance(minutes=minutes_apart)
            create_ticket(unit, NewTicket(contact_email=f"c{number}@example.com",
                                          subject=f"Ticket {number}",
                                          description_html=f"<p>Body {number}</p>",
                                          custom_fields={"cf_Employee ID": str(number)}))


def numbers(body: dict[str, Any]) -> list[int]:
    return [t["ticket_number"] for t in body["tickets"]]


def get(client: TestClient, **params: str) -> dict[str, Any]:
    response = client.get("/apis/v3/tickets", params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_default_page_is_30_newest_first_with_next_page(client: TestClient,
                                                        tenant: TenantFixture) -> None:
    make_tickets(tenant, 35)
    first = get(client)
    assert list(first) == ["count", "tickets", "next_page"]
    assert first["count"] == 35
    assert numbers(first) == list(range(35, 5, -1))
    assert first["next_page"] == "http://acme.localhost/apis/v3/tickets?offset=30"
    second = client.get(first["next_page"]).json()
    assert second == {"count": 35, "tickets": second["tickets"]}
    assert numbers(second) == [5, 4, 3, 2, 1]


def test_ticket_count_50_and_100_and_offsets(client: TestClient, tenant: TenantFixture) -> None:
    make_tickets(tenant, 55)
    page = get(client, ticket_count="50")
    assert numbers(page) == list(range(55, 5, -1))
    assert page["next_page"] == "http://acme.localhost/apis/v3/tickets?ticket_count=50&offset=50"
    assert numbers(get(client, ticket_count="100")) == list(range(55, 0, -1))
    assert "next_page" not in get(client, ticket_count="100")
    tail = get(client, ticket_count="50", offset="50")
    assert (tail["count"], numbers(tail), "next_page" in tail) == (55, [5, 4, 3, 2, 1], False)
    assert get(client, offset="55") == {"count": 55, "tickets": []}
    assert get(client, offset="1000") == {"count": 55, "tickets": []}
    exact = get(client, ticket_count="50", offset="5")
    assert (numbers(exact)[0], numbers(exact)[-1], "next_page" in exact) == (50, 1, False)


def test_next_page_keeps_every_other_parameter(client: TestClient, tenant: TenantFixture) -> None:
    make_tickets(tenant, 31)
    filters = '{"status": ["Open"]}'
    page = get(client, filters=filters, order_type="asc", include_description="1")
    query = parse_qs(urlsplit(page["next_page"]).query)
    assert query == {"filters": [filters], "order_type": ["asc"], "include_description": ["1"],
                     "offset": ["30"]}
    assert urlsplit(page["next_page"])[:3] == ("http", "acme.localhost", "/apis/v3/tickets")
    walked = client.get(page["next_page"]).json()
    assert (numbers(walked), "next_page" in walked) == ([31], False)


def test_ticket_count_other_values_are_400(client: TestClient) -> None:
    for value in ("10", "31", "0", "-30", "thirty", "30.0"):
        response = client.get("/apis/v3/tickets", params={"ticket_count": value})
        assert response.status_code == 400
        assert response.json() == {
            "status": 400, "error": "Bad Request",
            "message": f"ticket_count must be one of 30, 50, 100, got {value!r}"}


def test_ordering_by_created_and_updated(client: TestClient, tenant: TenantFixture) -> None:
    make_tickets(tenant, 4)
    tenant.clock.advance(minutes=10)
    assert client.put("/apis/v3/tickets/update?ticket_number=2",
                      json={"priority": 20}).status_code == 200
    assert numbers(get(client)) == [4, 3, 2, 1]
    assert numbers(get(client, order_type="asc")) == [1, 2, 3, 4]
    assert numbers(get(client, order_by="created_time", order_type="desc")) == [4, 3, 2, 1]
    assert numbers(get(client, order_by="updated_time")) == [2, 4, 3, 1]
    assert numbers(get(client, order_by="updated_time", order_type="asc")) == [1, 3, 4, 2]
    for name, value in (("order_by", "priority"), ("order_type", "DESC")):
        response = client.get("/apis/v3/tickets", params={name: value})
        assert response.status_code == 400
        assert name in response.json()["message"]


def test_equal_timestamps_are_ordered_by_number_without_overlap(
    client: TestClient, tenant: TenantFixture
) -> None:
    make_tickets(tenant, 35, minutes_apart=0)
    seen = numbers(get(client)) + numbers(get(client, offset="30"))
    assert seen == list(range(35, 0, -1))
    ascending = numbers(get(client, order_type="asc")) + numbers(
        get(client, order_type="asc", offset="30"))
    assert ascending == list(range(1, 36))


def test_updated_since(client: TestClient, tenant: TenantFixture) -> None:
    make_tickets(tenant, 5, minutes_apart=10)  # created 09:00, 09:10, ... 09:40
    body = get(client, updated_since="2026-01-05 09:20:00")
    assert (body["count"], numbers(body)) == (3, [5, 4, 3])
    assert numbers(get(client, updated_since="2026-01-05 09:20:01")) == [5, 4]
    assert numbers(get(client, updated_since="2026-01-06")) == []
    tenant.clock.advance(hours=1)
    client.put("/apis/v3/tickets/update?ticket_number=1", json={"priority": 5})
    assert numbers(get(client, updated_since="2026-01-05 10:00:00")) == [1]
    response = client.get("/apis/v3/tickets", params={"updated_since": "yesterday"})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "updated_since must be a time as 'YYYY-MM-DD HH:MM:SS', got 'yesterday'")


def test_include_flags_add_their_blocks(client: TestClient, tenant: TenantFixture) -> None:
    make_tickets(tenant, 1)
    plain = get(client)["tickets"][0]
    assert list(plain) == BASE_KEYS
    described = get(client, include_description="1")["tickets"][0]
    assert list(described) == [*BASE_KEYS[:4], "description", "description_text",
                               *BASE_KEYS[4:]]
    assert (described["description"], described["description_text"]) == (
        "<p>Body 1</p>", "Body 1")
    custom = get(client, include_custom_fields="1")["tickets"][0]
    assert list(custom) == [*BASE_KEYS[:-3], "custom_fields", *BASE_KEYS[-3:]]
    assert custom["custom_fields"] == {"cf_Department": None, "cf_Employee ID": "1"}
    survey = get(client, include_survey_details="1")["tickets"][0]
    assert list(survey) == [*BASE_KEYS[:-3], "survey_rating", *BASE_KEYS[-3:]]
    assert survey["survey_rating"] is None
    off = get(client, include_description="0", include_custom_fields="0",
              include_survey_details="0", nested_fields="0")["tickets"][0]
    assert off == plain


def test_nested_fields_flattens_custom_fields_and_survey_keys(
    client: TestClient, tenant: TenantFixture
) -> None:
    make_tickets(tenant, 1)
    item = get(client, include_custom_fields="1", include_survey_details="1",
               nested_fields="1")["tickets"][0]
    assert list(item) == [*BASE_KEYS[:-3], "cf_Department", "cf_Employee ID", *SURVEY_KEYS,
                          *BASE_KEYS[-3:]]
    assert {k: item[k] for k in ["cf_Department", "cf_Employee ID", *SURVEY_KEYS]} == {
        "cf_Department": None, "cf_Employee ID": "1", **dict.fromkeys(SURVEY_KEYS)}
    # Without the include flags there is nothing to flatten.
    assert list(get(client, nested_fields="1")["tickets"][0]) == BASE_KEYS


def test_flags_other_than_0_and_1_are_400(client: TestClient) -> None:
    for name in ("include_description", "include_custom_fields", "include_survey_details",
                 "nested_fields"):
        for value in ("2", "true", "yes", "\u0661"):
            response = client.get("/apis/v3/tickets", params={name: value})
            assert response.status_code == 400
            assert response.json() == {"status": 400, "error": "Bad Request",
                                       "message": f"{name} must be 0 or 1, got {value!r}"}


def test_plain_status_parameter_is_not_a_filter(client: TestClient,
                                                 tenant: TenantFixture) -> None:
    make_tickets(tenant, 2)
    assert numbers(get(client, status="Closed")) == [2, 1]
