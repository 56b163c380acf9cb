"""The legacy v1/v2 translation, as pure functions: paths, requests, responses, headers."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import URL

from supportdesk.api.legacy import (
    DEPRECATION,
    SUNSET,
    LegacyPath,
    deprecation_headers,
    legacy_error_message,
    legacy_next_page,
    legacy_path,
    legacy_ticket,
    multipart_boundary,
    translate_filters,
    translate_multipart,
    translate_query,
    translate_response,
    translate_search_query,
    translate_ticket_json,
)

# --- paths -----------------------------------------------------------------------


@pytest.mark.parametrize(("path", "expected"), [
    ("/apis/v2/tickets", LegacyPath("v2", "tickets", "/apis/v3/tickets")),
    ("/apis/v2/tickets/details", LegacyPath("v2", "tickets/details", "/apis/v3/tickets/details")),
    ("/apis/tickets", LegacyPath("v1", "tickets", "/apis/v3/tickets")),
    ("/apis/kb/article/", LegacyPath("v1", "kb/article", "/apis/v3/kb/article/")),
    ("/apis/ping", LegacyPath("v1", "ping", "/apis/v3/ping")),
    ("/apis/asset_mgmt/locations", LegacyPath("v1", "asset_mgmt/locations",
                                              "/apis/v3/asset_mgmt/locations")),
    ("/apis/v2/", LegacyPath("v2", "", "/apis/v3/")),
    ("/apis/v2/nothing/here", LegacyPath("v2", "nothing/here", "/apis/v3/nothing/here")),
])
def test_legacy_paths_map_onto_v3(path: str, expected: LegacyPath) -> None:
    assert legacy_path(path) == expected


@pytest.mark.parametrize("path", [
    "/apis/v3/tickets", "/apis/admin/statuses", "/apis/api-docs.html",
    "/apis/swagger-ui/swagger-ui.css", "/apis/v3/openapi.json", "/apis/openapi.json",
    "/apis/unknown", "/", "/apis", "/apis/", "/tickets", "/apis/v1/tickets",
])
def test_other_paths_are_not_legacy(path: str) -> None:
    assert legacy_path(path) is None


@pytest.mark.parametrize(("path", "served"), [
    ("/apis/v2/tickets", True), ("/apis/tickets/add_note_with_attachment", True),
    ("/apis/v2/surveys/ratings", True), ("/apis/v2/kb/folder/delete", True),
    ("/apis/v2/contracts/details", True), ("/apis/agents", True),
    ("/apis/v2/tickets/search", True), ("/apis/tickets/search", True),
    ("/apis/v2/asset_mgmt/locations", True), ("/apis/asset_mgmt/locations/update", True),
    ("/apis/v2/openapi.json", False), ("/apis/v2/asset_mgmt/assets", False),
    ("/apis/v2/attachments/1/t/a.txt", False), ("/apis/v2/", False),
    ("/apis/tickets/nope", False),
])
def test_which_endpoints_the_legacy_versions_have(path: str, served: bool) -> None:
    legacy = legacy_path(path)
    assert legacy is not None
    assert legacy.is_served is served


# --- headers ------------------------------------------------------------------------


def test_deprecation_headers() -> None:
    assert DEPRECATION == "@1735689600"  # 2025-01-01T00:00:00Z, RFC 9745
    assert SUNSET == "Thu, 01 Jul 2027 00:00:00 GMT"  # RFC 8594 HTTP-date
    assert deprecation_headers("https", "acme.desk.example:8443") == [
        (b"deprecation", b"@1735689600"),
        (b"sunset", b"Thu, 01 Jul 2027 00:00:00 GMT"),
        (b"link", b'<https://acme.desk.example:8443/apis/api-docs.html>; rel="deprecation"'),
    ]


# --- requests -------------------------------------------------------------------------


def test_filters_custom_fields_get_the_prefix() -> None:
    raw = '{"status": ["Open"], "custom_fields": {"Department": ["Sales"], "cf_x": ["1"]}}'
    assert orjson.loads(translate_filters(raw)) == {
        "status": ["Open"],
        "custom_fields": {"cf_Department": ["Sales"], "cf_cf_x": ["1"]},
    }


@pytest.mark.parametrize("raw", ['{"status": ["Open"]}', "not json", "[1]",
                                 '{"custom_fields": ["x"]}', ""])
def test_filters_without_a_custom_fields_object_are_left_alone(raw: str) -> None:
    assert translate_filters(raw) == raw


def test_query_drops_ticket_count_and_translates_filters() -> None:
    filters = '{"custom_fields": {"Employee ID": ["E-7"]}}'
    query = urlencode({"ticket_count": "100", "offset": "30", "filters": filters,
                       "include_custom_fields": "1"}).encode()
    translated = translate_query(query, "tickets")
    assert parse_qsl(translated.decode()) == [
        ("offset", "30"),
        ("filters", '{"custom_fields":{"cf_Employee ID":["E-7"]}}'),
        ("include_custom_fields", "1"),
    ]


def test_search_query_drops_ticket_count_and_prefixes_advanced_fields() -> None:
    search = ('{"search_term": [{"query": "jam", "search_in": ["subject", "Department"]}, '
              '{"query": "7", "search_in": "ticket_number"}]}')
    query = urlencode({"search_type": "2", "search_query": search, "ticket_count": "50",
                       "offset": "30"}).encode()
    translated = parse_qsl(translate_query(query, "tickets/search").decode())
    assert [name for name, _ in translated] == ["search_type", "search_query", "offset"]
    assert orjson.loads(dict(translated)["search_query"]) == {"search_term": [
        {"query": "jam", "search_in": ["subject", "cf_Department"]},
        {"query": "7", "search_in": "ticket_number"}]}


@pytest.mark.parametrize(("raw", "expected"), [
    ('{"search_term": [{"query": "x", "search_in": "Employee ID"}]}',
     {"search_term": [{"query": "x", "search_in": "cf_Employee ID"}]}),
    # Always a bare label on a legacy path, as in filters.
    ('{"search_term": [{"query": "x", "search_in": ["cf_Department", 5]}]}',
     {"search_term": [{"query": "x", "search_in": ["cf_cf_Department", 5]}]}),
    ('{"search_term": [{"query": "x"}, "odd"]}', {"search_term": [{"query": "x"}, "odd"]}),
])
def test_advanced_search_fields_get_the_prefix(raw: str, expected: dict[str, Any]) -> None:
    assert orjson.loads(translate_search_query(raw)) == expected


@pytest.mark.parametrize("raw", ['{"query": "printer", "search_in": [1, 2]}', "not json",
                                 "[1]", '{"search_term": "x"}', ""])
def test_simple_and_unparsable_search_queries_are_left_alone(raw: str) -> None:
    assert translate_search_query(raw) == raw


def test_query_of_other_endpoints_is_untouched() -> None:
    query = b"ticket_count=100&filters=%7B%7D&name=a%20b"
    assert translate_query(query, "contacts") == query
    assert translate_query(query, "tickets/details") == query


def test_query_ticket_object_of_create_with_attachment_is_translated() -> None:
    part = '{"email": "a@b.example", "subject": "s", "custom_fields": {"Department": "Sales"}}'
    query = b"ticket_object=" + quote(part).encode()
    translated = parse_qsl(translate_query(query, "tickets/create_with_attachment").decode())
    assert [(k, orjson.loads(v)) for k, v in translated] == [
        ("ticket_object", {"email": "a@b.example", "subject": "s",
                           "custom_fields": {"cf_Department": "Sales"}})]


def test_query_with_undecodable_filters_is_passed_on() -> None:
    query = b"filters=%FF%FE&offset=0"
    assert translate_query(query, "tickets") == query


@given(st.lists(st.tuples(st.text(min_size=1).filter(lambda n: n not in (
    "ticket_count", "filters", "ticket_object")), st.text()), max_size=6))
def test_other_parameters_are_kept_byte_for_byte(pairs: list[tuple[str, str]]) -> None:
    query = urlencode(pairs).encode()
    assert translate_query(query, "tickets") == query


def test_ticket_body_custom_fields_get_the_prefix() -> None:
    body = b'{"subject": "x", "sla": "Gold", "custom_fields": {"Department": "Sales"}}'
    assert orjson.loads(translate_ticket_json(body)) == {
        "subject": "x", "sla": "Gold", "custom_fields": {"cf_Department": "Sales"}}


@pytest.mark.parametrize("body", [b'{"subject": "x"}', b"{nope", b"[]", b"",
                                  b'{"custom_fields": null}', b'{"custom_fields": "x"}'])
def test_ticket_body_without_custom_fields_is_byte_identical(body: bytes) -> None:
    assert translate_ticket_json(body) == body


@pytest.mark.parametrize(("content_type", "boundary"), [
    ("multipart/form-data; boundary=abc123", b"abc123"),
    ('multipart/form-data; boundary="a b"', b"a b"),
    ("Multipart/Form-Data; charset=utf-8; boundary=xyz", b"xyz"),
    ("application/json", None),
    ("multipart/form-data", None),
])
def test_multipart_boundary(content_type: str, boundary: bytes | None) -> None:
    assert multipart_boundary(content_type) == boundary


def _multipart(boundary: bytes, parts: list[tuple[bytes, bytes]]) -> bytes:
    body = b""
    for head, content in parts:
        body += b"--" + boundary + b"\r\n" + head + b"\r\n\r\n" + content + b"\r\n"
    return body + b"--" + boundary + b"--\r\n"


def test_multipart_part_is_translated_and_files_are_untouched() -> None:
    boundary = b"----b0und"
    ticket = b'{"email": "a@b.example", "custom_fields": {"Department": "Sales"}}'
    file_head = (b'Content-Disposition: form-data; name="ticket_object"; filename="t.json"\r\n'
                 b"Content-Type: application/json")
    parts = [
        (b'Content-Disposition: form-data; name="ticket_object"', ticket),
        (file_head, ticket),
        (b'Content-Disposition: form-data; name="file"; filename="a.bin"',
         b"\x00\xff\r\n\r\nbinary"),
    ]
    translated = translate_multipart(_multipart(boundary, parts), boundary, "ticket_object",
                                     translate_ticket_json)
    expected_part = orjson.dumps({"email": "a@b.example",
                                  "custom_fields": {"cf_Department": "Sales"}})
    assert translated == _multipart(boundary, [
        (parts[0][0], expected_part), parts[1], parts[2]])


@given(st.dictionaries(st.text(min_size=1), st.text() | st.none(), max_size=5))
def test_multipart_translation_round_trips_custom_fields(fields: dict[str, Any]) -> None:
    boundary = b"xyzzy-boundary"
    ticket = orjson.dumps({"subject": "s", "custom_fields": fields})
    body = _multipart(boundary, [(b'Content-Disposition: form-data; name="ticket_object"',
                                  ticket)])
    translated = translate_multipart(body, boundary, "ticket_object", translate_ticket_json)
    content = translated.split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n--" + boundary, 1)[0]
    assert orjson.loads(content) == {"subject": "s",
                                     "custom_fields": {f"cf_{k}": v for k, v in fields.items()}}


# --- responses --------------------------------------------------------------------------


TICKET: dict[str, Any] = {
    "ticket_number": 1, "subject": "Printer", "status": "Open", "sla": "Standard SLA",
    "group": None, "custom_fields": {"cf_Department": "Sales", "cf_Employee ID": None},
    "watchers": [],
}


def test_ticket_loses_sla_and_the_cf_prefix() -> None:
    assert legacy_ticket(TICKET) == {
        "ticket_number": 1, "subject": "Printer", "status": "Open", "group": None,
        "custom_fields": {"Department": "Sales", "Employee ID": None}, "watchers": [],
    }
    assert list(legacy_ticket(TICKET)) == [k for k in TICKET if k != "sla"]


def test_flattened_keys_lose_the_prefix_unless_they_would_hide_a_field() -> None:
    flat = {"ticket_number": 1, "status": "Open", "sla": "Standard SLA",
            "cf_Department": "Sales", "cf_status": "vip", "cf_cf_x": 1, "cf_x": 2,
            "sv_name": None}
    assert legacy_ticket(flat) == {"ticket_number": 1, "status": "Open",
                                   "Department": "Sales", "cf_status": "vip", "cf_x": 1,
                                   "x": 2, "sv_name": None}


@given(st.dictionaries(st.text(), st.integers() | st.none(), max_size=6))
def test_nested_custom_fields_round_trip(fields: dict[str, Any]) -> None:
    ticket = {"ticket_number": 1, "custom_fields": {f"cf_{k}": v for k, v in fields.items()}}
    assert legacy_ticket(ticket)["custom_fields"] == fields


def test_list_response_and_next_page() -> None:
    original = URL("http://acme.localhost/apis/v2/tickets?ticket_count=100&filters=%7B%7D")
    payload = {"count": 40, "tickets": [TICKET, {**TICKET, "ticket_number": 2}],
               "next_page": "http://acme.localhost/apis/v3/tickets?filters=%7B%7D&offset=30"}
    result = translate_response(payload, "tickets", original)
    assert result == {
        "count": 40,
        "tickets": [legacy_ticket(TICKET), legacy_ticket({**TICKET, "ticket_number": 2})],
        "next_page": "http://acme.localhost/apis/v2/tickets?ticket_count=100&filters=%7B%7D"
                     "&offset=30",
    }


def test_next_page_replaces_the_callers_offset() -> None:
    original = URL("http://acme.localhost/apis/tickets?offset=30&order_type=asc")
    assert legacy_next_page("http://acme.localhost/apis/v3/tickets?order_type=asc&offset=60",
                            original) == \
        "http://acme.localhost/apis/tickets?order_type=asc&offset=60"


def test_details_response_and_other_payloads() -> None:
    original = URL("http://acme.localhost/apis/tickets/details?ticket_number=1")
    assert translate_response(TICKET, "tickets/details", original) == legacy_ticket(TICKET)
    assert translate_response([1, 2], "tickets", original) == [1, 2]
    other = {"count": 0, "conversations": []}
    assert translate_response(other, "tickets/details", original) == other


@pytest.mark.parametrize(("message", "expected"), [
    ("custom_fields: unknown field 'cf_Dept' (known fields: cf_Department, cf_Employee ID)",
     "custom_fields: unknown field 'Dept' (known fields: Department, Employee ID)"),
    ("custom_fields: 'cf_Employee ID' is longer than 255 characters",
     "custom_fields: 'Employee ID' is longer than 255 characters"),
    ("filters: custom_fields has unknown field 'cf_Nope'",
     "filters: custom_fields has unknown field 'Nope'"),
    ("filters: custom_fields.cf_Department must be an array of strings, e.g. [\"value\"]",
     "filters: custom_fields.Department must be an array of strings, e.g. [\"value\"]"),
    ("search_query.search_term[0].search_in: unknown field 5; use subject, ticket_number "
     "or cf_<Label>", "search_query.search_term[0].search_in: unknown field 5; use subject, "
     "ticket_number or <Label>"),
    ("search_in: 'cf_Due' is a date field; search reads text, paragraph, dropdown and "
     "multi-select fields", "search_in: 'Due' is a date field; search reads text, "
     "paragraph, dropdown and multi-select fields"),
    ("ticket 9 does not exist", "ticket 9 does not exist"),
])
def test_error_messages_name_fields_as_the_client_wrote_them(message: str,
                                                              expected: str) -> None:
    assert legacy_error_message(message) == expected
