"""Ticket search: codes, advanced terms, phrases, stemming, ranking, paging, index sync."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.customfields.service import create_field
from supportdesk.tickets.service import TicketChanges, update_ticket
from supportdesk.unit import TenantUnit
from tests.factories import TenantFixture, bad_request

URL = "/apis/v3/tickets/search"
LIST_KEYS = {"count", "tickets"}


def create(client: TestClient, subject: str, *, description: str | None = None,
           email: str = "pat@example.com", custom: dict[str, Any] | None = None) -> int:
    body: dict[str, Any] = {"email": email, "subject": subject}
    if description is not None:
        body["description"] = description
    if custom is not None:
        body["custom_fields"] = custom
    response = client.post("/apis/v3/tickets/create", json=body)
    assert response.status_code == 200, response.text
    return int(response.json()["ticket_number"])


def search(client: TestClient, query: str, codes: list[int] | None = None,
           **params: str) -> Any:
    document: dict[str, Any] = {"query": query}
    if codes is not None:
        document["search_in"] = codes
    response = client.get(URL, params={"search_type": "1",
                                       "search_query": json.dumps(document), **params})
    assert response.status_code == 200, response.text
    return response.json()


def advanced(client: TestClient, *terms: tuple[str, list[str]], **params: str) -> Any:
    document = {"search_term": [{"query": q, "search_in": s} for q, s in terms]}
    response = client.get(URL, params={"search_type": "2",
                                       "search_query": json.dumps(document), **params})
    assert response.status_code == 200, response.text
    return response.json()


def found(body: Any) -> list[int]:
    return [t["ticket_number"] for t in body["tickets"]]


def test_words_match_in_any_order_with_stemming(client: TestClient) -> None:
    first = create(client, "Printers crashing on startup")
    create(client, "Email not syncing")
    body = search(client, "crash PRINTER")
    assert set(body) == LIST_KEYS
    assert body["count"] == 1
    # The item is exactly the ticket list's item.
    listed = client.get("/apis/v3/tickets").json()["tickets"]
    assert body["tickets"] == [t for t in listed if t["ticket_number"] == first]
    assert found(search(client, "printer crashes")) == [first]
    assert found(search(client, "printer syncing")) == []


def test_accents_are_folded_both_ways(client: TestClient) -> None:
    accented = create(client, "Café machine leaks", description="Crème brûlée for José",
                      custom={"cf_Employee ID": "Zoë"})
    plain = create(client, "Cafe opening hours", description="creme brulee for jose",
                   custom={"cf_Employee ID": "zoe"})
    create(client, "Coffee shop", description="nothing else")
    both = [plain, accented]  # newest first: equal scores
    for query in ("cafe", "café", "CAFÉ", "Cafè", '"crème brûlée"', '"creme brulee"',
                  "brul*", "brûl*", "jose josé"):
        assert found(search(client, query)) == both, query
    assert found(advanced(client, ("zoë", ["cf_Employee ID"]))) == both
    assert found(advanced(client, ("ZOE", ["cf_Employee ID"]))) == both
    assert found(search(client, "cafes")) == both  # folded, then stemmed
    assert found(search(client, "caffe")) == []


def test_include_flags_shape_items_like_the_list(client: TestClient) -> None:
    create(client, "Laptop battery", description="<p>It <b>drains</b></p>",
           custom={"cf_Department": "Sales"})
    flags = {"include_description": "1", "include_custom_fields": "1", "nested_fields": "1"}
    body = search(client, "battery", **flags)
    listed = client.get("/apis/v3/tickets", params=flags).json()
    assert body == {"count": 1, "tickets": listed["tickets"]}
    assert body["tickets"][0]["cf_Department"] == "Sales"
    assert body["tickets"][0]["description_text"] == "It drains"


def _word_in_each_section(client: TestClient, tenant: TenantFixture) -> int:
    with tenant.unit() as unit:
        create_field(unit.session, label="Notes", field_type="paragraph")
        create_field(unit.session, label="Seats", field_type="number")
        create_field(unit.session, label="Tags", field_type="multi-select",
                     choices=["Lima", "Mike"])
        unit.commit()
    client.post("/apis/v3/companies/create",
                json={"name": "Hotelier Industries", "domains": "golf.example"})
    number = create(client, "Alpha", description="bravo", email="foxtrot@golf.example",
                    custom={"cf_Employee ID": "echo", "cf_Department": "Billing",
                            "cf_Notes": "juliet kilo", "cf_Seats": 4242,
                            "cf_Tags": ["Lima"]})
    reply = client.post(f"/apis/v3/tickets/add_reply?ticket_number={number}",
                        json={"body": "charlie"})
    assert reply.status_code == 201, reply.text
    upload = client.post(
        f"/apis/v3/tickets/add_note_with_attachment?ticket_number={number}",
        data={"note_object": json.dumps({"body": "india"})},
        files=[("file", ("delta-report.pdf", b"%PDF", "application/pdf"))])
    assert upload.status_code == 201, upload.text
    create(client, "Decoy", description="nothing here", email="other@example.com")
    return number


WORDS_BY_CODE = {
    1: ["alpha", "1"],
    2: ["bravo"],
    3: ["charlie", "india"],
    4: ["delta", "report", "pdf"],
    5: ["echo", "juliet"],
    6: ["foxtrot", "golf.example", "foxtrot@golf.example", "hotelier"],
}


def test_each_search_in_code_reads_its_section(client: TestClient,
                                               tenant: TenantFixture) -> None:
    number = _word_in_each_section(client, tenant)
    assert number == 1
    every_word = [w for words in WORDS_BY_CODE.values() for w in words]
    for code, words in WORDS_BY_CODE.items():
        for word in every_word:
            expected = [number] if word in words else []
            assert found(search(client, word, [code])) == expected, (code, word)
    # No codes, or only 7 (include archived: nothing is archived yet), reads them all.
    for word in every_word:
        assert found(search(client, word)) == [number], word
        assert found(search(client, word, [7])) == [number], word
        assert found(search(client, word, [1, 2, 3, 4, 5, 6, 7])) == [number], word
    # Number fields are not words: 4242 is not searched.
    assert found(search(client, "4242")) == []
    # Code 5 reads text custom fields (text, paragraph): a dropdown or
    # multi-select value is found by no code, only by an advanced term on its field.
    for word in ("billing", "lima"):
        for codes in ([5], [1, 2, 3, 4, 5, 6], None):
            assert found(search(client, word, codes)) == [], (word, codes)
    assert found(advanced(client, ("billing", ["cf_Department"]))) == [number]
    assert found(advanced(client, ("lima", ["cf_Tags"]))) == [number]
    assert found(advanced(client, ("echo", ["cf_Employee ID"]))) == [number]
    assert found(advanced(client, ("juliet", ["cf_Notes"]))) == [number]
    # Words of one query may sit in different sections of those chosen.
    assert found(search(client, "alpha charlie hotelier", [1, 3, 6])) == [number]
    assert found(search(client, "alpha charlie", [1, 2])) == []


def test_phrase_matches_exactly_and_words_in_any_order(client: TestClient) -> None:
    exact = create(client, "The printer is broken")
    reordered = create(client, "Broken screen, printer fine")
    assert found(search(client, '"printer is broken"')) == [exact]
    assert found(search(client, '"broken printer"')) == []
    assert sorted(found(search(client, "broken printer"))) == [exact, reordered]
    # An unterminated quote runs to the end.
    assert found(search(client, '"printer is broken')) == [exact]


def test_prefix_wildcards(client: TestClient) -> None:
    printing = create(client, "Printing is slow")
    printers = create(client, "Two printers offline")
    create(client, "Sprint planning")
    assert sorted(found(search(client, "print*"))) == [printing, printers]
    assert sorted(found(search(client, "PRIN*"))) == [printing, printers]
    assert found(search(client, "printers off*")) == [printers]
    # A * after the last letter, punctuation or more stars after it: still a prefix.
    assert sorted(found(search(client, "(print**)"))) == [printing, printers]
    # Inside quotes a * is punctuation, as in the text searched.
    assert found(search(client, '"prin*"')) == []


WILDCARD_HINT = "only a trailing * is supported (prefix match, e.g. print*)"


@pytest.mark.parametrize("word", ["*rint", "pr*nter", "**print", "pr*nt*", "-*print",
                                  "print*er", "e*-mail"])
def test_a_leading_or_inner_wildcard_is_a_400_naming_the_word(client: TestClient,
                                                             word: str) -> None:
    create(client, "Printer offline")
    simple = client.get(URL, params={"search_type": "1", "search_query": json.dumps(
        {"query": f"printer {word}", "search_in": [1]})})
    assert (simple.status_code, simple.json()) == (400, bad_request(
        f"search_query.query: {word!r} has a * at its start or inside it; {WILDCARD_HINT}"))
    advanced_search = client.get(URL, params={"search_type": "2", "search_query": json.dumps(
        {"search_term": [{"query": "printer", "search_in": ["subject"]},
                         {"query": f"offline {word}", "search_in": ["subject"]}]})})
    assert (advanced_search.status_code, advanced_search.json()) == (400, bad_request(
        f"search_query.search_term[1].query: {word!r} has a * at its start or inside it; "
        f"{WILDCARD_HINT}"))


def test_relevance_puts_subject_hits_first(client: TestClient) -> None:
    for index in range(6):
        create(client, f"Noise ticket {index}", description="unrelated words")
    in_reply = create(client, "Desk phone question", description="calls drop")
    client.post(f"/apis/v3/tickets/add_reply?ticket_number={in_reply}",
                json={"body": "Please restart the keyboard and the phone."})
    in_subject = create(client, "Keyboard broken", description="since Monday")
    in_description = create(client, "Desk question",
                            description="My keyboard types twice sometimes")
    assert found(search(client, "keyboard")) == [in_subject, in_description, in_reply]
    assert found(search(client, "keyboard", order_type="asc")) == [
        in_reply, in_description, in_subject]
    assert found(search(client, "keyboard", order_by="created_time")) == [
        in_description, in_subject, in_reply]
    assert found(search(client, "keyboard", order_by="created_time", order_type="asc")) == [
        in_reply, in_subject, in_description]


def test_updated_time_order(client: TestClient, tenant: TenantFixture) -> None:
    first = create(client, "Router issue")
    tenant.clock.advance(minutes=5)
    second = create(client, "Router again")
    tenant.clock.advance(minutes=5)
    client.post(f"/apis/v3/tickets/add_note?ticket_number={first}", json={"body": "bump"})
    assert found(search(client, "router", order_by="updated_time")) == [first, second]
    assert found(search(client, "router", order_by="updated_time", order_type="asc")) == [
        second, first]


def test_count_is_exact_and_pages_follow_next_page(client: TestClient) -> None:
    numbers = {create(client, f"Widget fault {n}") for n in range(35)}
    create(client, "Something else")
    first = search(client, "widget", ticket_count="30")
    assert set(first) == {"count", "tickets", "next_page"}
    assert first["count"] == 35
    assert len(first["tickets"]) == 30
    assert "offset=30" in first["next_page"]
    assert first["next_page"].startswith("http://acme.localhost/apis/v3/tickets/search?")
    second = client.get(first["next_page"]).json()
    assert set(second) == LIST_KEYS
    assert second["count"] == 35
    assert len(second["tickets"]) == 5
    assert set(found(first)) | set(found(second)) == numbers
    assert not set(found(first)) & set(found(second))
    assert search(client, "widget", offset="35") == {"count": 35, "tickets": []}
    assert len(search(client, "widget", ticket_count="50")["tickets"]) == 35


def test_advanced_terms_must_all_match(client: TestClient) -> None:
    sales_printer = create(client, "Printer jam", custom={"cf_Department": "Sales"})
    support_printer = create(client, "Printer toner", custom={"cf_Department": "Support"})
    sales_scanner = create(client, "Scanner jam", custom={"cf_Department": "Sales",
                                                          "cf_Employee ID": "E-77"})
    # "sales" in another field does not satisfy cf_Department.
    other_field = create(client, "Printer cable", custom={"cf_Department": "Billing",
                                                          "cf_Employee ID": "sales team"})
    assert found(advanced(client, ("printer", ["subject"]),
                          ("sales", ["cf_Department"]))) == [sales_printer]
    assert sorted(found(advanced(client, ("jam", ["subject"])))) == [sales_printer,
                                                                     sales_scanner]
    assert found(advanced(client, ("sales", ["cf_Employee ID"]))) == [other_field]
    assert found(advanced(client, ("E-77", ["cf_Employee ID"]),
                          ("sales", ["cf_Department"]))) == [sales_scanner]
    assert found(advanced(client, (str(support_printer), ["ticket_number"]))) == [
        support_printer]
    assert found(advanced(client, (str(support_printer), ["subject"]))) == []
    assert found(advanced(client, ("printer", ["subject"]),
                          (str(sales_scanner), ["ticket_number"]))) == []
    # One term may name several fields: it matches within any one of them.
    assert sorted(found(advanced(client, ("sales", ["cf_Department", "cf_Employee ID"])))) \
        == [sales_printer, sales_scanner, other_field]
    # Phrases and prefixes work inside a custom field, never across fields.
    assert found(advanced(client, ('"sales team"', ["cf_Employee ID"]))) == [other_field]
    assert found(advanced(client, ("supp*", ["cf_Department"]))) == [support_printer]
    assert found(advanced(client, ("supp*", ["cf_Employee ID"]))) == []


def test_index_follows_update_reply_and_note(client: TestClient) -> None:
    number = create(client, "Old subject words", description="first description")
    update = client.put(f"/apis/v3/tickets/update?ticket_number={number}",
                        json={"subject": "Fresh heading", "description": "second text",
                              "custom_fields": {"cf_Employee ID": "zulu"}})
    assert update.status_code == 200, update.text
    assert found(search(client, "old")) == []
    assert found(search(client, "first")) == []
    assert found(search(client, "fresh", [1])) == [number]
    assert found(search(client, "second", [2])) == [number]
    assert found(search(client, "zulu", [5])) == [number]
    client.post(f"/apis/v3/tickets/add_reply?ticket_number={number}", json={"body": "walrus"})
    client.post(f"/apis/v3/tickets/add_note?ticket_number={number}",
                json={"body": "<p>private yak</p>", "private_note": 1})
    assert found(search(client, "walrus yak", [3])) == [number]


def test_contact_and_company_renames_reach_the_index(client: TestClient) -> None:
    client.post("/apis/v3/companies/create", json={"name": "Initech", "domains": "initech.io"})
    number = create(client, "Stapler missing", email="milton@initech.io")
    assert found(search(client, "initech", [6])) == [number]
    renamed = client.put("/apis/v3/companies/update", params={"company_name": "Initech"},
                         json={"name": "Initrode"})
    assert renamed.status_code == 200, renamed.text
    assert found(search(client, "initrode", [6])) == [number]
    contact = client.put("/apis/v3/contacts/update", params={"primary_email": "milton@initech.io"},
                         json={"name": "Milton Waddams"})
    assert contact.status_code == 200, contact.text
    assert found(search(client, "waddams", [6])) == [number]


class Boom(Exception):
    pass


def test_a_rolled_back_change_leaves_the_index_alone(
        client: TestClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    number = create(client, "Original subject")

    def fail(_unit: TenantUnit) -> None:
        raise Boom

    monkeypatch.setattr(TenantUnit, "commit", fail)
    with pytest.raises(Boom), tenant.unit() as unit:
        update_ticket(unit, number, TicketChanges(present=frozenset({"subject"}),
                                                  subject="Replacement subject"))
    monkeypatch.undo()
    assert found(search(client, "original")) == [number]
    assert found(search(client, "replacement")) == []


def test_other_tenants_tickets_are_never_found(app_client: TestClient, tenant: TenantFixture,
                                               other_tenant: TenantFixture) -> None:
    acme = {"Authorization": tenant.key, "Host": tenant.host}
    globex = {"Authorization": other_tenant.key, "Host": other_tenant.host}
    for headers, subject in ((acme, "Acme secret plans"), (globex, "Globex public plans")):
        created = app_client.post("/apis/v3/tickets/create", headers=headers,
                                  json={"email": "x@example.com", "subject": subject})
        assert created.json()["ticket_number"] == 1

    def numbers(headers: dict[str, str], query: str) -> tuple[int, list[str]]:
        body = app_client.get(URL, headers=headers, params={
            "search_query": json.dumps({"query": query})}).json()
        return body["count"], [t["subject"] for t in body["tickets"]]

    assert numbers(acme, "plans") == (1, ["Acme secret plans"])
    assert numbers(globex, "plans") == (1, ["Globex public plans"])
    assert numbers(globex, "secret") == (0, [])
    assert numbers(acme, "globex") == (0, [])


@pytest.mark.parametrize(("params", "message"), [
    ({}, "search_query is required"),
    ({"search_query": "  "}, "search_query is required"),
    ({"search_query": "{"}, "search_query is not valid JSON: unexpected end of data at "
     "position 1"),
    ({"search_query": "[]"}, "search_query must be a JSON object"),
    ({"search_query": '{"query": ""}'}, "search_query.query is required and must not be "
     "empty"),
    ({"search_query": '{"query": "   "}'}, "search_query.query is required and must not "
     "be empty"),
    ({"search_query": '{"query": "*** !!"}'}, "search_query.query has no words to search "
     "for (letters or digits)"),
    ({"search_query": '{"query": 5}'}, "search_query.query must be a string"),
    ({"search_query": '{"query": "a\\u0000b"}'}, "search_query.query must not contain NUL "
     "characters"),
    ({"search_query": json.dumps({"query": "x" * 501})}, "search_query.query is longer "
     "than 500 characters"),
    ({"search_query": json.dumps({"query": " ".join(["w"] * 33)})}, "search_query.query "
     "has more than 32 words or phrases"),
    ({"search_query": '{"query": "a", "search_in": [8]}'}, "search_query.search_in: unknown "
     "code 8; codes are 1 subject and number, 2 description, 3 conversations, 4 attachment "
     "names, 5 text custom fields, 6 contacts and companies, 7 include archived"),
    ({"search_query": '{"query": "a", "search_in": ["x"]}'}, "search_query.search_in: codes "
     "must be numbers 1 to 7, got 'x'"),
    ({"search_query": '{"query": "a", "search_in": [true]}'}, "search_query.search_in: "
     "codes must be numbers 1 to 7, got True"),
    ({"search_query": '{"query": "a", "search_in": 1}'}, "search_query.search_in must be an "
     "array of codes, e.g. [1, 2]"),
    ({"search_query": '{"query": "a", "fields": [1]}'}, "search_query: unknown key "
     "'fields'; expected query, search_in"),
    ({"search_type": "3", "search_query": '{"query": "a"}'}, "search_type must be 1 "
     "(simple) or 2 (advanced), got '3'"),
    ({"search_type": "2", "search_query": '{"query": "a"}'}, "search_query: unknown key "
     "'query'; expected search_term"),
    ({"search_type": "2", "search_query": '{"search_term": []}'}, 'search_query.search_term '
     'must be a non-empty array of {"query": "...", "search_in": ["subject"]} objects'),
    ({"search_type": "2", "search_query": '{"search_term": ["a"]}'}, "search_query."
     "search_term[0] must be an object with query and search_in"),
    ({"search_type": "2", "search_query": '{"search_term": [{"query": "a"}]}'},
     'search_query.search_term[0].search_in must be a non-empty array such as ["subject"], '
     '["ticket_number"] or ["cf_<Label>"]'),
    ({"search_type": "2",
      "search_query": '{"search_term": [{"query": "a", "search_in": ["body"]}]}'},
     "search_query.search_term[0].search_in: unknown field 'body'; use subject, "
     "ticket_number or cf_<Label>"),
    ({"search_type": "2",
      "search_query": '{"search_term": [{"query": "a", "search_in": ["cf_Nope"]}]}'},
     "search_in: unknown custom field 'cf_Nope' (known fields: cf_Department, "
     "cf_Employee ID)"),
    ({"search_type": "2", "search_query": json.dumps(
        {"search_term": [{"query": "a", "search_in": ["subject"]}] * 11})},
     "search_query.search_term has more than 10 terms"),
    ({"search_query": '{"query": "a"}', "ticket_count": "20"},
     "ticket_count must be one of 30, 50, 100, got '20'"),
    ({"search_query": '{"query": "a"}', "offset": "-1"},
     "offset must be a non-negative whole number, got '-1'"),
    ({"search_query": '{"query": "a"}', "order_by": "priority"},
     "order_by must be one of relevance, created_time, updated_time, got 'priority'"),
    ({"search_query": '{"query": "a"}', "order_type": "up"},
     "order_type must be one of asc, desc, got 'up'"),
    ({"search_query": '{"query": "a"}', "nested_fields": "2"},
     "nested_fields must be 0 or 1, got '2'"),
])
def test_bad_input_is_a_400_naming_it(client: TestClient, params: dict[str, str],
                                      message: str) -> None:
    response = client.get(URL, params=params)
    assert response.status_code == 400, response.text
    assert response.json() == bad_request(message)


def test_non_word_custom_fields_are_refused_in_advanced_search(
        client: TestClient, tenant: TenantFixture) -> None:
    with tenant.unit() as unit:
        create_field(unit.session, label="Seats", field_type="number")
        unit.commit()
    response = client.get(URL, params={"search_type": "2", "search_query": json.dumps(
        {"search_term": [{"query": "4", "search_in": ["cf_Seats"]}]})})
    assert response.json() == bad_request(
        "search_in: 'cf_Seats' is a number field; search reads text, paragraph, dropdown "
        "and multi-select fields")
