"""``contacts``: list, details, create and update over the Desk365 v3 wire format."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from supportdesk.contacts.schemas import ContactCreate
from supportdesk.contacts.service import create_contact
from tests.factories import TenantFixture, bad_request, conflict, not_found

CONTACT_KEYS = {"name", "primary_email", "secondary_emails", "title", "mobile", "phone",
                "company_name", "is_deleted", "created_on", "updated_on"}
CREATED = "2026-01-05 09:00:00"


def contact(**fields: Any) -> dict[str, Any]:
    """The expected wire body of a contact: every key, unset ones null."""
    body: dict[str, Any] = {
        "name": None, "primary_email": None, "secondary_emails": None, "title": None,
        "mobile": None, "phone": None, "company_name": None, "is_deleted": 0,
        "created_on": CREATED, "updated_on": CREATED,
    }
    body.update(fields)
    assert set(body) == CONTACT_KEYS
    return body


def make_company(client: TestClient, name: str, domains: str | None = None) -> None:
    response = client.post("/apis/v3/companies/create", json={"name": name, "domains": domains})
    assert response.status_code == 200, response.text


def make_contact(client: TestClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/apis/v3/contacts/create", json=fields)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def globex(other_tenant: TenantFixture) -> dict[str, str]:
    return {"Authorization": other_tenant.key, "Host": other_tenant.host}


# --- create ---------------------------------------------------------------


def test_create_returns_the_full_contact(client: TestClient) -> None:
    make_company(client, "Contoso")
    response = client.post("/apis/v3/contacts/create", json={
        "name": "Joe Bloggs", "primary_email": "Joe@Contoso.com",
        "secondary_emails": "joe@contoso.onmicrosoft.com, JOE.HOME@example.com",
        "title": "Manager", "mobile": "+1 555 0100", "phone": "555-0101",
        "company_name": "contoso",
    })
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == contact(
        name="Joe Bloggs", primary_email="joe@contoso.com",
        secondary_emails="joe@contoso.onmicrosoft.com, joe.home@example.com",
        title="Manager", mobile="+1 555 0100", phone="555-0101", company_name="Contoso",
    )


def test_create_with_only_the_required_fields_leaves_the_rest_null(client: TestClient) -> None:
    body = make_contact(client, name="Ann", primary_email="ann@example.com")
    assert body == contact(name="Ann", primary_email="ann@example.com")


def test_empty_strings_are_stored_as_null(client: TestClient) -> None:
    body = make_contact(client, name=" Ann ", primary_email="ann@example.com",
                        secondary_emails="", title="", mobile="  ", phone="", company_name="")
    assert body == contact(name="Ann", primary_email="ann@example.com")


def test_emoji_and_long_values_within_the_columns_round_trip(client: TestClient) -> None:
    name = "Zoë 🎧 " + "x" * 193
    body = make_contact(client, name=name, primary_email="zoe@example.com", title="🎧 Lead")
    assert body["name"] == name
    details = client.get("/apis/v3/contacts/details", params={"primary_email": "zoe@example.com"})
    assert details.json() == contact(name=name, primary_email="zoe@example.com",
                                     title="🎧 Lead")


@pytest.mark.parametrize(("payload", "message"), [
    ({"primary_email": "a@example.com"}, "name is required"),
    ({"name": "Ann"}, "primary_email is required"),
    ({"name": "   ", "primary_email": "a@example.com"}, "name is required and must not be empty"),
    ({"name": "Ann", "primary_email": "not-an-email"},
     "primary_email 'not-an-email' is not a valid email address"),
    ({"name": "Ann", "primary_email": "a@example.com", "secondary_emails": "b@example.com, nope"},
     "secondary_emails 'nope' is not a valid email address"),
    ({"name": "Ann", "primary_email": "a@example.com", "secondary_emails": "A@example.com"},
     "secondary_emails must not repeat the primary email 'a@example.com'"),
    ({"name": "Ann", "primary_email": "a@example.com", "company_name": "Initech"},
     "company_name 'Initech' is not a company of this helpdesk; create the company first"),
    ({"name": 5, "primary_email": "a@example.com"}, "name: Input should be a valid string"),
    ({"name": "Ann", "primary_email": ["a@example.com"]},
     "primary_email: Input should be a valid string"),
    ({"name": "Ann", "primary_email": "a@example.com", "secondary_emails": ["b@example.com"]},
     "secondary_emails: Input should be a valid string"),
    ({"name": "x" * 10_000, "primary_email": "a@example.com"},
     "name: String should have at most 200 characters"),
    ({"name": "Ann", "primary_email": "a@example.com", "title": "t" * 201},
     "title: String should have at most 200 characters"),
    ({"name": "Ann", "primary_email": "a@example.com", "phone": "1" * 51},
     "phone: String should have at most 50 characters"),
    ({"name": "Ann", "primary_email": "a" * 250 + "@example.com"},
     "primary_email: String should have at most 254 characters"),
    ({"name": "A\u0000nn", "primary_email": "a@example.com"},
     "name: must not contain NUL characters"),
    ({"name": "Ann", "primary_email": "a@example.com", "email": "b@example.com"},
     "email is not a known field"),
])
def test_create_refuses_bad_input_with_a_400_naming_the_field(
    client: TestClient, payload: dict[str, Any], message: str
) -> None:
    response = client.post("/apis/v3/contacts/create", json=payload)
    assert response.status_code == 400
    assert response.json() == bad_request(message)
    assert client.get("/apis/v3/contacts").json() == {"count": 0, "content": []}


@pytest.mark.parametrize("raw", [b"[]", b'"Ann"', b"5", b"null"])
def test_a_body_that_is_not_an_object_is_a_400(client: TestClient, raw: bytes) -> None:
    response = client.post("/apis/v3/contacts/create", content=raw,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == bad_request(
        "request body: Input should be a valid dictionary or object to extract fields from")


def test_a_missing_body_is_a_400(client: TestClient) -> None:
    response = client.post("/apis/v3/contacts/create")
    assert response.status_code == 400
    assert response.json() == bad_request("request body is required")


def test_invalid_json_is_a_400(client: TestClient) -> None:
    response = client.post("/apis/v3/contacts/create", content=b'{"name": ',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == bad_request("the request body is not valid JSON")


def test_a_lone_surrogate_is_a_400_not_a_database_error(client: TestClient) -> None:
    response = client.post(
        "/apis/v3/contacts/create",
        content=b'{"name": "\\ud800", "primary_email": "a@example.com"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == bad_request(
        "name: Input should be a valid string, unable to parse raw data as a unicode string")


@pytest.mark.parametrize(("payload", "message"), [
    ({"name": "B", "primary_email": "ANN@example.com"},
     "primary_email 'ann@example.com' already belongs to the contact 'ann@example.com'"),
    ({"name": "B", "primary_email": "ann.alt@example.com"},
     "primary_email 'ann.alt@example.com' already belongs to the contact 'ann@example.com'"),
    ({"name": "B", "primary_email": "b@example.com", "secondary_emails": "ann@example.com"},
     "secondary_emails 'ann@example.com' already belongs to the contact 'ann@example.com'"),
    ({"name": "B", "primary_email": "b@example.com",
      "secondary_emails": "b2@example.com, Ann.Alt@example.com"},
     "secondary_emails 'ann.alt@example.com' already belongs to the contact "
     "'ann@example.com'"),
])
def test_an_address_already_in_use_is_a_409(
    client: TestClient, payload: dict[str, Any], message: str
) -> None:
    make_contact(client, name="Ann", primary_email="ann@example.com",
                 secondary_emails="ann.alt@example.com")
    response = client.post("/apis/v3/contacts/create", json=payload)
    assert response.status_code == 409
    assert response.json() == conflict(message)
    assert client.get("/apis/v3/contacts").json()["count"] == 1


# --- company by email domain ---------------------------------------------


def test_a_new_contact_joins_the_company_owning_its_email_domain(client: TestClient) -> None:
    make_company(client, "Contoso", "contoso.com, orcael.com")
    make_company(client, "Fabrikam", "fabrikam.com")
    assert make_contact(client, name="Joe", primary_email="joe@ORCAEL.com")[
        "company_name"] == "Contoso"
    assert make_contact(client, name="Fay", primary_email="fay@fabrikam.com")[
        "company_name"] == "Fabrikam"
    # A subdomain is another domain; a personal address joins nothing.
    assert make_contact(client, name="Sub", primary_email="sub@mail.contoso.com")[
        "company_name"] is None
    assert make_contact(client, name="Pat", primary_email="pat@example.com")[
        "company_name"] is None


def test_a_named_company_wins_over_the_email_domain(client: TestClient) -> None:
    make_company(client, "Contoso", "contoso.com")
    make_company(client, "Fabrikam")
    body = make_contact(client, name="Joe", primary_email="joe@contoso.com",
                        company_name="Fabrikam")
    assert body["company_name"] == "Fabrikam"


def test_only_the_primary_address_picks_the_company(client: TestClient) -> None:
    make_company(client, "Contoso", "contoso.com")
    body = make_contact(client, name="Joe", primary_email="joe@example.com",
                        secondary_emails="joe@contoso.com")
    assert body["company_name"] is None


# --- details ----------------------------------------------------------------


def test_details_by_primary_email(client: TestClient) -> None:
    created = make_contact(client, name="Ann", primary_email="ann@example.com",
                           secondary_emails="ann@home.example, ann@work.example")
    response = client.get("/apis/v3/contacts/details", params={"primary_email": "ANN@example.com"})
    assert response.status_code == 200
    assert response.json() == created == contact(
        name="Ann", primary_email="ann@example.com",
        secondary_emails="ann@home.example, ann@work.example",
    )


def test_details_by_secondary_email(client: TestClient) -> None:
    created = make_contact(client, name="Ann", primary_email="ann@example.com",
                           secondary_emails="ann@home.example, ann@work.example")
    response = client.get("/apis/v3/contacts/details",
                          params={"secondary_email": "ann@work.example"})
    assert response.status_code == 200
    assert response.json() == created
    # A secondary address given as primary_email finds the contact too.
    response = client.get("/apis/v3/contacts/details", params={"primary_email": "ann@home.example"})
    assert response.json() == created


@pytest.mark.parametrize(("query", "status", "message"), [
    ({"primary_email": "nobody@example.com"}, 404,
     "no contact with the email address 'nobody@example.com' exists"),
    ({"secondary_email": "nobody@example.com"}, 404,
     "no contact with the email address 'nobody@example.com' exists"),
    ({}, 400, "primary_email is required"),
    ({"primary_email": ""}, 400, "primary_email is required"),
    ({"primary_email": "nobody"}, 400, "primary_email 'nobody' is not a valid email address"),
    ({"secondary_email": "x\u0000@example.com"}, 400,
     "secondary_email 'x\\x00@example.com' is not a valid email address"),
])
def test_details_errors(client: TestClient, query: dict[str, str], status: int,
                        message: str) -> None:
    make_contact(client, name="Ann", primary_email="ann@example.com")
    response = client.get("/apis/v3/contacts/details", params=query)
    assert response.status_code == status
    assert response.json() == {"status": status, "error": "Not Found" if status == 404
                               else "Bad Request", "message": message}


# --- update -----------------------------------------------------------------


def test_update_changes_only_the_fields_sent(client: TestClient,
                                             tenant: TenantFixture) -> None:
    make_company(client, "Contoso", "contoso.com")
    make_contact(client, name="Joe", primary_email="joe@contoso.com", title="Manager",
                 mobile="111", phone="222", secondary_emails="joe@home.example")
    tenant.clock.advance(hours=1)
    response = client.put("/apis/v3/contacts/update", params={"primary_email": "joe@contoso.com"},
                          json={"title": "Director"})
    assert response.status_code == 200
    expected = contact(name="Joe", primary_email="joe@contoso.com", title="Director",
                       mobile="111", phone="222", secondary_emails="joe@home.example",
                       company_name="Contoso", updated_on="2026-01-05 10:00:00")
    assert response.json() == expected
    details = client.get("/apis/v3/contacts/details", params={"primary_email": "joe@contoso.com"})
    assert details.json() == expected


def test_update_clears_fields_sent_empty_or_null(client: TestClient) -> None:
    make_company(client, "Contoso", "contoso.com")
    make_contact(client, name="Joe", primary_email="joe@contoso.com", title="Manager",
                 mobile="111", phone="222", secondary_emails="joe@home.example")
    response = client.put("/apis/v3/contacts/update", params={"primary_email": "joe@contoso.com"},
                          json={"title": "", "mobile": None, "phone": " ",
                                "secondary_emails": "", "company_name": ""})
    assert response.status_code == 200
    assert response.json() == contact(name="Joe", primary_email="joe@contoso.com")


def test_update_company_name_null_removes_the_company(client: TestClient) -> None:
    make_company(client, "Contoso", "contoso.com")
    make_contact(client, name="Joe", primary_email="joe@contoso.com")
    response = client.put("/apis/v3/contacts/update", params={"primary_email": "joe@contoso.com"},
                          json={"company_name": None})
    assert response.json()["company_name"] is None


def test_update_moves_the_contact_to_another_company(client: TestClient) -> None:
    make_company(client, "Contoso", "contoso.com")
    make_company(client, "Fabrikam")
    make_contact(client, name="Joe", primary_email="joe@contoso.com")
    response = client.put("/apis/v3/contacts/update", params={"primary_email": "joe@contoso.com"},
                          json={"company_name": "FABRIKAM", "name": "Joseph"})
    assert response.json() == contact(name="Joseph", primary_email="joe@contoso.com",
                                      company_name="Fabrikam")


def test_update_replaces_the_secondary_emails(client: TestClient) -> None:
    make_contact(client, name="Joe", primary_email="joe@example.com",
                 secondary_emails="a@example.com, b@example.com")
    response = client.put("/apis/v3/contacts/update", params={"primary_email": "joe@example.com"},
                          json={"secondary_emails": "B@example.com, c@example.com"})
    assert response.status_code == 200
    assert response.json()["secondary_emails"] == "b@example.com, c@example.com"
    # The dropped address is free again; the kept ones still find Joe.
    assert client.get("/apis/v3/contacts/details",
                      params={"secondary_email": "a@example.com"}).status_code == 404
    assert client.get("/apis/v3/contacts/details", params={"secondary_email": "c@example.com"}
                      ).json()["primary_email"] == "joe@example.com"
    make_contact(client, name="Ann", primary_email="a@example.com")


def test_update_without_changes_keeps_everything_but_updated_on(
    client: TestClient, tenant: TenantFixture
) -> None:
    created = make_contact(client, name="Joe", primary_email="joe@example.com",
                           secondary_emails="a@example.com")
    tenant.clock.advance(minutes=5)
    response = client.put("/apis/v3/contacts/update", params={"primary_email": "joe@example.com"},
                          json={})
    assert response.json() == {**created, "updated_on": "2026-01-05 09:05:00"}


@pytest.mark.parametrize(("query", "payload", "status", "message"), [
    ({"primary_email": "joe@example.com"}, {"primary_email": "new@example.com"}, 400,
     "primary_email cannot be changed"),
    ({"primary_email": "joe@example.com"}, {"primary_email": "joe@example.com"}, 400,
     "primary_email cannot be changed"),
    ({"primary_email": "joe@example.com"}, {"name": ""}, 400, "name must not be empty"),
    ({"primary_email": "joe@example.com"}, {"name": None}, 400, "name must not be empty"),
    ({"primary_email": "joe@example.com"}, {"company_name": "Initech"}, 400,
     "company_name 'Initech' is not a company of this helpdesk; create the company first"),
    ({"primary_email": "joe@example.com"}, {"secondary_emails": "joe@example.com"}, 400,
     "secondary_emails must not repeat the primary email 'joe@example.com'"),
    ({"primary_email": "joe@example.com"}, {"secondary_emails": "ann@example.com"}, 409,
     "secondary_emails 'ann@example.com' already belongs to the contact 'ann@example.com'"),
    ({"primary_email": "joe@example.com"}, {"secondary_emails": "ann.alt@example.com"}, 409,
     "secondary_emails 'ann.alt@example.com' already belongs to the contact "
     "'ann@example.com'"),
    ({"primary_email": "joe@example.com"}, {"mobile": 5}, 400,
     "mobile: Input should be a valid string"),
    ({"primary_email": "joe@example.com"}, {"mobile": "9" * 10_000}, 400,
     "mobile: String should have at most 50 characters"),
    ({"primary_email": "joe@example.com"}, {"email": "x@example.com"}, 400,
     "email is not a known field"),
    ({"primary_email": "nobody@example.com"}, {"title": "x"}, 404,
     "no contact with the email address 'nobody@example.com' exists"),
    ({}, {"title": "x"}, 400, "primary_email is required"),
])
def test_update_errors(client: TestClient, query: dict[str, str], payload: dict[str, Any],
                       status: int, message: str) -> None:
    make_contact(client, name="Ann", primary_email="ann@example.com",
                 secondary_emails="ann.alt@example.com")
    original = make_contact(client, name="Joe", primary_email="joe@example.com", title="Boss")
    response = client.put("/apis/v3/contacts/update", params=query, json=payload)
    assert response.status_code == status
    assert response.json()["message"] == message
    assert set(response.json()) == {"status", "error", "message"}
    assert client.get("/apis/v3/contacts/details",
                      params={"primary_email": "joe@example.com"}).json() == original


# --- list -------------------------------------------------------------------


def seed_contacts(tenant: TenantFixture, count: int) -> None:
    with tenant.unit() as unit:
        for number in range(count):
            create_contact(unit, data=ContactCreate(
                name=f"Person {number:02d}", primary_email=f"person{number:02d}@example.com"))


def test_list_comes_in_pages_of_30(client: TestClient, tenant: TenantFixture) -> None:
    seed_contacts(tenant, 31)
    first = client.get("/apis/v3/contacts").json()
    assert set(first) == {"count", "content"}
    assert first["count"] == 31
    assert len(first["content"]) == 30
    assert first["content"][0] == contact(name="Person 00",
                                          primary_email="person00@example.com")
    assert [c["name"] for c in first["content"]] == [f"Person {n:02d}" for n in range(30)]
    rest = client.get("/apis/v3/contacts", params={"offset": "30"}).json()
    assert rest == {"count": 31, "content": [contact(name="Person 30",
                                                     primary_email="person30@example.com")]}
    shifted = client.get("/apis/v3/contacts", params={"offset": "5"}).json()
    assert [c["name"] for c in shifted["content"]] == [f"Person {n:02d}" for n in range(5, 31)]
    beyond = client.get("/apis/v3/contacts", params={"offset": "1000000000000"}).json()
    assert beyond == {"count": 31, "content": []}


def test_an_empty_helpdesk_lists_no_contacts(client: TestClient) -> None:
    assert client.get("/apis/v3/contacts").json() == {"count": 0, "content": []}


@pytest.fixture
def ordering_contacts(client: TestClient) -> None:
    """Four contacts whose name, title, company and email orders all differ."""
    make_company(client, "Beta Corp")
    make_company(client, "alpha ltd")
    make_contact(client, name="Carol", primary_email="a.carol@example.com", title="Director",
                 company_name="Beta Corp")
    make_contact(client, name="alice", primary_email="d.alice@example.com", title="engineer",
                 company_name="alpha ltd")
    make_contact(client, name="Bob", primary_email="c.bob@example.com", title="Analyst")
    make_contact(client, name="Dave", primary_email="b.dave@example.com")


@pytest.mark.usefixtures("ordering_contacts")
@pytest.mark.parametrize(("order_by", "order_type", "names"), [
    (None, None, ["alice", "Bob", "Carol", "Dave"]),
    ("1", "asc", ["alice", "Bob", "Carol", "Dave"]),
    ("1", "desc", ["Dave", "Carol", "Bob", "alice"]),
    # Missing titles and companies come last both ways; ties fall back to the name.
    ("2", "asc", ["Bob", "Carol", "alice", "Dave"]),
    ("2", "desc", ["alice", "Carol", "Bob", "Dave"]),
    ("3", None, ["alice", "Carol", "Bob", "Dave"]),
    ("3", "desc", ["Carol", "alice", "Bob", "Dave"]),
    ("4", "asc", ["Carol", "Dave", "Bob", "alice"]),
    ("4", "desc", ["alice", "Bob", "Dave", "Carol"]),
    (None, "desc", ["Dave", "Carol", "Bob", "alice"]),
])
def test_list_ordering(client: TestClient, order_by: str | None, order_type: str | None,
                       names: list[str]) -> None:
    query = {key: value for key, value in (("order_by", order_by), ("order_type", order_type))
             if value is not None}
    body = client.get("/apis/v3/contacts", params=query).json()
    assert body["count"] == 4
    assert [c["name"] for c in body["content"]] == names


def test_ordering_applies_across_pages(client: TestClient, tenant: TenantFixture) -> None:
    seed_contacts(tenant, 31)
    last_page = client.get("/apis/v3/contacts",
                           params={"order_by": "4", "order_type": "desc", "offset": "30"}).json()
    assert [c["primary_email"] for c in last_page["content"]] == ["person00@example.com"]


def test_list_filtered_by_company(client: TestClient) -> None:
    make_company(client, "Contoso", "contoso.com")
    make_company(client, "Fabrikam", "fabrikam.com")
    joe = make_contact(client, name="Joe", primary_email="joe@contoso.com",
                       secondary_emails="joe@home.example")
    ann = make_contact(client, name="Ann", primary_email="ann@contoso.com")
    make_contact(client, name="Fay", primary_email="fay@fabrikam.com")
    make_contact(client, name="Pat", primary_email="pat@example.com")
    body = client.get("/apis/v3/contacts", params={"company": "contoso"}).json()
    assert body == {"count": 2, "content": [ann, joe]}
    assert client.get("/apis/v3/contacts", params={"company": "Initech"}).json() == {
        "count": 0, "content": []}
    assert client.get("/apis/v3/contacts", params={"company": ""}).json()["count"] == 4


@pytest.mark.parametrize(("query", "message"), [
    ({"offset": "abc"}, "offset must be a non-negative whole number, got 'abc'"),
    ({"offset": "-1"}, "offset must be a non-negative whole number, got '-1'"),
    ({"offset": "1.5"}, "offset must be a non-negative whole number, got '1.5'"),
    ({"offset": "٣"}, "offset must be a non-negative whole number, got '٣'"),
    ({"offset": "9" * 40}, "offset is too large (at most 1000000000000)"),
    ({"order_by": "5"}, "order_by must be one of 1, 2, 3, 4, got '5'"),
    ({"order_by": "name"}, "order_by must be one of 1, 2, 3, 4, got 'name'"),
    ({"order_type": "ASC"}, "order_type must be one of asc, desc, got 'ASC'"),
    ({"company": "a\u0000b"}, "company must not contain NUL characters"),
])
def test_list_refuses_bad_parameters(client: TestClient, query: dict[str, str],
                                     message: str) -> None:
    response = client.get("/apis/v3/contacts", params=query)
    assert response.status_code == 400
    assert response.json() == bad_request(message)


def test_list_costs_the_same_number_of_queries_for_3_or_30_contacts(
    client: TestClient, tenant: TenantFixture
) -> None:
    def queries_for_list() -> tuple[int, dict[str, Any]]:
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(tenant.database.engine, "before_cursor_execute", count)
        try:
            body = client.get("/apis/v3/contacts").json()
        finally:
            event.remove(tenant.database.engine, "before_cursor_execute", count)
        return len(statements), body

    make_company(client, "Contoso", "example.com")
    with tenant.unit() as unit:
        for number in range(3):
            create_contact(unit, data=ContactCreate(
                name=f"P{number:02d}", primary_email=f"p{number:02d}@example.com",
                secondary_emails=f"p{number:02d}.a@home.example, p{number:02d}.b@home.example"))
    few, body = queries_for_list()
    assert [c["secondary_emails"] for c in body["content"]] == [
        f"p{n:02d}.a@home.example, p{n:02d}.b@home.example" for n in range(3)]
    assert {c["company_name"] for c in body["content"]} == {"Contoso"}
    with tenant.unit() as unit:
        for number in range(3, 31):
            create_contact(unit, data=ContactCreate(
                name=f"P{number:02d}", primary_email=f"p{number:02d}@example.com",
                secondary_emails=f"p{number:02d}.a@home.example"))
    many, body = queries_for_list()
    assert len(body["content"]) == 30
    assert many == few


# --- tenants ----------------------------------------------------------------


def test_another_tenant_cannot_see_or_reach_the_contacts(
    client: TestClient, other_tenant: TenantFixture
) -> None:
    make_company(client, "Contoso", "contoso.com")
    make_contact(client, name="Joe", primary_email="joe@contoso.com",
                 secondary_emails="joe@home.example")
    headers = globex(other_tenant)
    assert client.get("/apis/v3/contacts", headers=headers).json() == {"count": 0, "content": []}
    assert client.get("/apis/v3/contacts", params={"company": "Contoso"},
                      headers=headers).json() == {"count": 0, "content": []}
    for query in ({"primary_email": "joe@contoso.com"}, {"secondary_email": "joe@home.example"}):
        response = client.get("/apis/v3/contacts/details", params=query, headers=headers)
        assert response.status_code == 404
    response = client.put("/apis/v3/contacts/update", params={"primary_email": "joe@contoso.com"},
                          json={"title": "Hacked"}, headers=headers)
    assert response.json() == not_found(
        "no contact with the email address 'joe@contoso.com' exists")
    # Globex may not join acme's company, and the same addresses are free there.
    response = client.post("/apis/v3/contacts/create", headers=headers, json={
        "name": "Joe", "primary_email": "joe@contoso.com", "company_name": "Contoso"})
    assert response.json() == bad_request(
        "company_name 'Contoso' is not a company of this helpdesk; create the company first")
    response = client.post("/apis/v3/contacts/create", headers=headers, json={
        "name": "Joe at Globex", "primary_email": "joe@contoso.com",
        "secondary_emails": "joe@home.example"})
    assert response.status_code == 200
    assert response.json()["company_name"] is None
    acme = client.get("/apis/v3/contacts/details", params={"primary_email": "joe@contoso.com"})
    assert acme.json()["name"] == "Joe"
    assert acme.json()["title"] is None
