"""Search order across pages: relevance ties, deep offsets, time orders over chosen sections.

A page is picked in the index and then read (see ``search.service``): these
tests walk whole results page by page and compare them with the order the
API documents, so any page that skips, repeats or misorders a ticket fails.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from supportdesk.tickets.models import Ticket
from tests.conftest import START
from tests.factories import TenantFixture
from tests.search_ways import WAYS, force_way

URL = "/apis/v3/tickets/search"


def create(client: TestClient, subject: str, description: str = "nothing to add") -> int:
    response = client.post("/apis/v3/tickets/create", json={
        "email": "pat@example.com", "subject": subject, "description": description})
    assert response.status_code == 200, response.text
    return int(response.json()["ticket_number"])


def page(client: TestClient, query: str, codes: list[int] | None = None,
         **params: str) -> Any:
    document: dict[str, Any] = {"query": query}
    if codes is not None:
        document["search_in"] = codes
    response = client.get(URL, params={"search_query": json.dumps(document), **params})
    assert response.status_code == 200, response.text
    return response.json()


def numbers(body: Any) -> list[int]:
    return [t["ticket_number"] for t in body["tickets"]]


def every_page(client: TestClient, query: str, size: int, codes: list[int] | None = None,
               **params: str) -> list[list[int]]:
    """The ticket numbers of each page at offsets 0, size, 2 * size ... past the count."""
    first = page(client, query, codes, ticket_count=str(size), **params)
    pages = [numbers(first)]
    for offset in range(size, first["count"] + 1, size):
        body = page(client, query, codes, ticket_count=str(size), offset=str(offset), **params)
        assert body["count"] == first["count"]
        pages.append(numbers(body))
    return pages


def joined(pages: list[list[int]]) -> list[int]:
    return [number for numbers_on_page in pages for number in numbers_on_page]


@pytest.fixture
def ties(client: TestClient, tenant: TenantFixture) -> dict[str, list[int]]:
    """5 tickets that say "widget" twice and 70 that say it once, in otherwise equal words.

    The two groups score alike within themselves on both databases. Creation
    times repeat (several tickets a minute), so the number breaks those ties.
    Returns each group newest first, as a search lists ties.
    """
    once: list[int] = []
    twice: list[int] = []
    for index in range(75):
        if index % 3 == 0:
            tenant.clock.advance(minutes=1)
        if index % 15 == 7:
            twice.append(create(client, "Widget widget"))
        else:
            once.append(create(client, "Widget gadget"))
    create(client, "Something else entirely")
    return {"twice": twice[::-1], "once": once[::-1]}


@pytest.mark.parametrize("way", sorted(WAYS))
def test_relevance_ties_go_newest_first_and_pages_never_overlap(
        client: TestClient, ties: dict[str, list[int]], way: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A page within one score may be found by walking the order index: every
    # way must give the same pages.
    force_way(monkeypatch, way)
    best_first = ties["twice"] + ties["once"]
    pages = every_page(client, "widget", 30)
    assert [len(p) for p in pages] == [30, 30, 15]
    assert joined(pages) == best_first
    # Offsets that are no multiple of the page size, before and past the middle.
    for offset in (3, 4, 5, 6, 29, 37, 38, 44, 69, 70, 74):
        body = page(client, "widget", offset=str(offset))
        assert (body["count"], numbers(body)) == (75, best_first[offset:offset + 30]), offset
    assert page(client, "widget", offset="75") == {"count": 75, "tickets": []}


@pytest.mark.parametrize("way", sorted(WAYS))
def test_ascending_relevance_puts_the_worst_first_and_ties_still_newest_first(
        client: TestClient, ties: dict[str, list[int]], way: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    force_way(monkeypatch, way)
    worst_first = ties["once"] + ties["twice"]
    assert joined(every_page(client, "widget", 30, order_type="asc")) == worst_first
    for offset in (0, 40, 66, 68, 72):
        body = page(client, "widget", order_type="asc", offset=str(offset))
        assert numbers(body) == worst_first[offset:offset + 30], offset


@pytest.fixture
def routers(client: TestClient, tenant: TenantFixture) -> dict[str, list[int]]:
    """40 tickets with "router" in the description, 20 with it in the subject only.

    Created a minute apart. Then every third description ticket gets a note,
    newest first, so updated order differs from created order. Returns the two
    groups in creation order and the description tickets by last update, newest first.
    """
    in_description: list[int] = []
    in_subject: list[int] = []
    for index in range(60):
        tenant.clock.advance(minutes=1)
        if index % 3 == 2:
            in_subject.append(create(client, f"Router {index}"))
        else:
            in_description.append(create(client, f"Network {index}", "The router blinks"))
    noted = in_description[::3]
    for number in reversed(noted):
        tenant.clock.advance(minutes=1)
        note = client.post(f"/apis/v3/tickets/add_note?ticket_number={number}",
                           json={"body": "checked"})
        assert note.status_code == 201, note.text
    not_noted = [n for n in in_description if n not in noted]
    return {"description": in_description, "subject": in_subject,
            "by_update": noted + not_noted[::-1]}


@pytest.mark.parametrize("way", sorted(WAYS))
def test_time_orders_read_only_the_chosen_sections_on_every_page(
        client: TestClient, routers: dict[str, list[int]], way: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Every way of picking a time-ordered page (walking the order index and
    # probing or keeping matches, or looking each match up) gives the same pages.
    force_way(monkeypatch, way)
    newest = routers["description"][::-1]
    assert joined(every_page(client, "router", 30, [2], order_by="created_time")) == newest
    assert joined(every_page(client, "router", 30, [2], order_by="created_time",
                                order_type="asc")) == newest[::-1]
    # Updated: the noted tickets first (the oldest was noted last), then the
    # others newest first.
    by_update = routers["by_update"]
    assert joined(every_page(client, "router", 30, [2], order_by="updated_time")) == by_update
    for offset in (0, 13, 25, 39):
        body = page(client, "router", [2], order_by="updated_time", order_type="asc",
                    offset=str(offset))
        assert (body["count"], numbers(body)) == (40, by_update[::-1][offset:offset + 30])
    both = sorted(routers["description"] + routers["subject"], reverse=True)
    assert joined(every_page(client, "router", 50, [1, 2], order_by="created_time")) == both


def test_stop_words_in_a_query_over_several_sections(client: TestClient) -> None:
    # Both databases keep stop words: "the" is a word like any other.
    with_the = create(client, "Keyboard broken", "the keys stick")
    without = create(client, "Keyboard broken", "keys stick")
    assert numbers(page(client, "the keyboard", [1, 2])) == [with_the]
    assert numbers(page(client, "THE", [1, 2])) == [with_the]
    assert numbers(page(client, "the", [1])) == []
    assert numbers(page(client, "th*", [1, 2])) == [with_the]
    # In a phrase the stop word must be there, in its place.
    assert numbers(page(client, '"the keys"', [2])) == [with_the]
    assert numbers(page(client, '"keys the"', [2])) == []
    # A phrase lies within one section: never from the subject into the description.
    assert numbers(page(client, '"broken the"', [1, 2])) == []
    assert numbers(page(client, f'"{with_the} keyboard"', [1])) == []
    assert numbers(page(client, "stick keyb*", [1, 2])) == [without, with_the]
    assert numbers(page(client, '"keys stick" broken', [1, 2])) == [without, with_the]
    assert page(client, '"broken keys"', [2]) == {"count": 0, "tickets": []}


@pytest.mark.parametrize("way", sorted(WAYS))
def test_another_tenants_tickets_of_the_same_numbers_never_order_a_page(
        other_tenant: TenantFixture, client: TestClient, tenant: TenantFixture, way: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # globex is provisioned first: its rows come first in every index led by tenant_id.
    assert other_tenant.tenant_id < tenant.tenant_id
    force_way(monkeypatch, way)
    for subdomain in ("globex", "acme"):
        for index in range(3):
            tenant.clock.advance(minutes=1)
            created = client.post("/apis/v3/tickets/create", headers={
                "Host": f"{subdomain}.localhost",
                "Authorization": tenant.key if subdomain == "acme" else other_tenant.key,
            }, json={"email": "pat@example.com", "subject": f"Lamp {index}"})
            assert created.json()["ticket_number"] == index + 1
    # globex's tickets 1, 2, 3 are the newest and in the opposite order to acme's.
    with other_tenant.unit() as unit:
        for number in (1, 2, 3):
            unit.session.execute(update(Ticket).where(Ticket.number == number).values(
                created_at=START + timedelta(days=1, minutes=-number)))
        unit.commit()
        assert [n for (n,) in unit.session.execute(
            select(Ticket.number).order_by(Ticket.created_at))] == [3, 2, 1]
    assert numbers(page(client, "lamp", order_by="created_time")) == [3, 2, 1]
    assert numbers(page(client, "lamp", order_by="created_time", order_type="asc")) == [1, 2, 3]
    assert numbers(page(client, "lamp")) == [3, 2, 1]  # equal scores: newest first
