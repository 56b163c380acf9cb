"""Authentication: keys, hosts and the error body."""

from __future__ import annotations

import psycopg
from fastapi.testclient import TestClient

from supportdesk.api.v3.routes.ping import PING_TEXT
from supportdesk.tenancy.service import authenticate_on, list_keys, revoke_key
from tests.factories import TenantFixture

UNAUTHORIZED = {
    "status": 401,
    "error": "Unauthorized",
    "message": "you are not authorized to access the resource: the API key is not valid "
    "for this helpdesk",
}


def test_ping_answers_plain_text_with_a_valid_key(client: TestClient) -> None:
    response = client.get("/apis/v3/ping")
    assert response.status_code == 200
    assert response.text == PING_TEXT
    assert response.headers["content-type"].startswith("text/plain")


def test_missing_key_is_401_with_the_error_body(app_client: TestClient,
                                                 tenant: TenantFixture) -> None:
    response = app_client.get("/apis/v3/ping")
    assert response.status_code == 401
    assert response.json() == {
        "status": 401, "error": "Unauthorized",
        "message": "the Authorization header with your API key is missing",
    }


def test_unknown_key_is_401(app_client: TestClient, tenant: TenantFixture) -> None:
    response = app_client.get("/apis/v3/ping", headers={"Authorization": "sd_nope"})
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_bearer_prefix_is_not_accepted(app_client: TestClient, tenant: TenantFixture) -> None:
    response = app_client.get("/apis/v3/ping", headers={"Authorization": f"Bearer {tenant.key}"})
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_key_on_another_tenants_host_is_401(
    app_client: TestClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    response = app_client.get(
        "/apis/v3/ping", headers={"Authorization": other_tenant.key, "Host": tenant.host}
    )
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_bare_host_uses_the_keys_own_tenant(
    app_client: TestClient, tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    for host in ("127.0.0.1:8080", "localhost", "localhost:8080"):
        response = app_client.get(
            "/apis/v3/agents", headers={"Authorization": other_tenant.key, "Host": host}
        )
        assert response.status_code == 200, host
        assert response.json()["count"] == 3


def test_revoked_key_is_401(app_client: TestClient, tenant: TenantFixture) -> None:
    with tenant.database.session(write=True) as session:
        key_id = list_keys(session, tenant_id=tenant.tenant_id)[0].id
        revoke_key(session, tenant_id=tenant.tenant_id, key_id=key_id, clock=tenant.clock)
        session.commit()
    response = app_client.get("/apis/v3/ping", headers={"Authorization": tenant.key})
    assert response.status_code == 401


def test_unknown_path_is_404_with_the_error_body(client: TestClient) -> None:
    response = client.get("/apis/v3/no_such_endpoint")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404, "error": "Not Found",
        "message": "The resource you were trying to reach is not found",
    }


def test_wrong_method_is_405_with_the_error_body(client: TestClient) -> None:
    response = client.delete("/apis/v3/ping")
    assert response.status_code == 405
    body = response.json()
    assert body == {"status": 405, "error": "Method Not Allowed",
                    "message": "The method is not allowed for the requested resource"}


def test_the_key_lookup_finds_the_tenant_outside_any_transaction(
    tenant: TenantFixture,
) -> None:
    """On PostgreSQL the request path's lookup runs in autocommit: no BEGIN and
    ROLLBACK round trips around its one statement. SQLite keeps its plain connection."""
    database = tenant.database
    with database.lookup() as connection:
        context = authenticate_on(connection, secret=tenant.key, subdomain="acme")
        raw = connection.connection.dbapi_connection
        if database.dialect == "postgresql":
            assert raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        else:
            assert raw.in_transaction is True
    assert (context.tenant_id, context.subdomain, context.api_key_id) == (
        tenant.tenant_id, "acme", 1)
    # The connection went back to the pool in its usual mode: transactions on
    # PostgreSQL, SQLite's left to db.engine's BEGIN hook (no implicit ones).
    if database.dialect == "postgresql":
        assert raw.autocommit is False
    else:
        assert raw.isolation_level is None
