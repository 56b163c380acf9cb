"""Request header limits: at each limit a request is served, one byte or field more is a 431.

The limits are the shipped defaults (16 KiB in all, 8 KiB per field, 100
fields); sizes are name plus value, as the application receives them.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.api.header_limits import header_problem
from supportdesk.app import create_app
from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from tests.factories import TenantFixture

PING = "/apis/v3/ping"
TOTAL = 16 * 1024
FIELD = 8 * 1024
FIELDS = 100


def test_the_defaults_are_the_documented_limits() -> None:
    settings = Settings()
    assert (settings.max_header_bytes, settings.max_header_field_bytes,
            settings.max_header_fields) == (TOTAL, FIELD, FIELDS)


def _sent(client: TestClient, headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """The header fields the application receives for ``headers`` on ``client``."""
    request = client.build_request("GET", PING, headers=headers)
    return [(name.lower(), value) for name, value in request.headers.raw]


def _size(fields: list[tuple[bytes, bytes]]) -> int:
    return sum(len(name) + len(value) for name, value in fields)


def _ping(client: TestClient, headers: list[tuple[str, str]]) -> Any:
    return client.get(PING, headers=headers)


def _refused(response: Any, message: str) -> None:
    assert response.status_code == 431
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": 431, "error": "Request Header Fields Too Large",
                               "message": message}


def test_a_field_of_exactly_the_limit_passes_and_one_byte_more_is_a_431(
    client: TestClient,
) -> None:
    name = "x-pad"
    at_limit = [(name, "a" * (FIELD - len(name)))]
    assert _size(_sent(client, at_limit)) < TOTAL
    assert _ping(client, at_limit).status_code == 200
    over = [(name, "a" * (FIELD - len(name) + 1))]
    _refused(_ping(client, over), f"the x-pad header is {FIELD + 1} bytes (name and value); "
             f"at most {FIELD} bytes per header field are accepted")


def test_the_authorization_header_is_measured_like_any_other(client: TestClient) -> None:
    # A key padded past the field limit: refused before authentication runs.
    key = "k" * (FIELD - len("authorization") + 1)
    _refused(client.get(PING, headers={"Authorization": key}),
             f"the authorization header is {FIELD + 1} bytes (name and value); at most "
             f"{FIELD} bytes per header field are accepted")


def _padding_to(client: TestClient, total: int) -> list[tuple[str, str]]:
    """Extra fields of about half the field limit bringing the headers to ``total`` bytes."""
    missing = total - _size(_sent(client, []))
    count = -(-missing // (FIELD // 2))
    sizes = [missing // count + (1 if n < missing % count else 0) for n in range(count)]
    return [(f"x-pad-{n}", "b" * (size - len(f"x-pad-{n}"))) for n, size in enumerate(sizes)]


def test_headers_of_exactly_the_total_limit_pass_and_one_byte_more_is_a_431(
    client: TestClient,
) -> None:
    at_limit = _padding_to(client, TOTAL)
    assert _size(_sent(client, at_limit)) == TOTAL
    assert _ping(client, at_limit).status_code == 200
    over = _padding_to(client, TOTAL + 1)
    assert _size(_sent(client, over)) == TOTAL + 1
    _refused(_ping(client, over), f"the request headers are {TOTAL + 1} bytes (names and "
             f"values); at most {TOTAL} bytes in all are accepted")


def test_exactly_the_field_count_limit_passes_and_one_field_more_is_a_431(
    client: TestClient,
) -> None:
    base = len(_sent(client, []))
    at_limit = [(f"x-f{n}", "1") for n in range(FIELDS - base)]
    assert len(_sent(client, at_limit)) == FIELDS
    assert _ping(client, at_limit).status_code == 200
    over = [(f"x-f{n}", "1") for n in range(FIELDS - base + 1)]
    _refused(_ping(client, over), f"the request has {FIELDS + 1} header fields; at most "
             f"{FIELDS} are accepted")


def test_repeated_fields_count_one_by_one(client: TestClient) -> None:
    base = len(_sent(client, []))
    over = [("x-same", "1")] * (FIELDS - base + 1)
    _refused(_ping(client, over), f"the request has {FIELDS + 1} header fields; at most "
             f"{FIELDS} are accepted")


def test_a_refused_request_never_reaches_authentication_or_the_rate_limit(
    app_client: TestClient, tenant: TenantFixture,
) -> None:
    # No key at all would be a 401; the header limit answers first.
    response = app_client.get(PING, headers={"x-pad": "c" * FIELD})
    assert response.status_code == 431
    assert "x-rate-limit-limit" not in {name.lower() for name in response.headers}


def test_a_legacy_path_431_carries_the_deprecation_headers(client: TestClient) -> None:
    response = client.get("/apis/v2/ping", headers={"x-pad": "d" * FIELD})
    _refused(response, f"the x-pad header is {FIELD + len('x-pad')} bytes (name and "
             f"value); at most {FIELD} bytes per header field are accepted")
    assert response.headers["deprecation"].startswith("@")


def test_the_limits_come_from_the_settings(database: Database, settings: Settings,
                                          clock: FixedClock, tenant: TenantFixture) -> None:
    tight = settings.model_copy(update={"max_header_field_bytes": 300})
    app = create_app(tight, database=database, clock=clock)
    with TestClient(app, base_url="http://acme.localhost") as other:
        other.headers["Authorization"] = tenant.key
        assert other.get(PING, headers={"x-pad": "e" * (300 - 5)}).status_code == 200
        _refused(other.get(PING, headers={"x-pad": "e" * (300 - 4)}),
                 "the x-pad header is 301 bytes (name and value); at most 300 bytes per "
                 "header field are accepted")


def test_a_long_field_name_is_shortened_in_the_message() -> None:
    name = b"x-" + b"n" * 200
    problem = header_problem([(name, b"v")], max_fields=10, max_field_bytes=100,
                             max_total_bytes=1000)
    assert problem == (f"the {'x-' + 'n' * 62}... header is 203 bytes (name and value); "
                       "at most 100 bytes per header field are accepted")


@pytest.mark.parametrize("headers", [
    [(b"a", b"b")] * 10,
    [(b"a", b"b" * 99)],
    [(b"a" * 50, b"b" * 50)] * 10,
])
def test_headers_within_every_limit_have_no_problem(headers: list[tuple[bytes, bytes]]) -> None:
    assert header_problem(headers, max_fields=10, max_field_bytes=100,
                          max_total_bytes=1000) is None
