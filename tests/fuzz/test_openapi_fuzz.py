"""Fuzzing with schemathesis: generated requests for every documented operation.

Two documents drive it: our own (every operation, v3 and admin; responses must
match the document: no 5xx, no undocumented status code, bodies and content
types as documented) and the vendor's Desk365 document pointed at our server
(no 5xx: a client written against Desk365 never crashes us). The example
count per operation is bounded for CI; ``SUPPORTDESK_FUZZ_EXAMPLES`` raises
it for a longer run (docs/security.md).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from supportdesk.app import create_app
from supportdesk.config import Settings
from tests.factories import TenantFixture

EXAMPLES = int(os.environ.get("SUPPORTDESK_FUZZ_EXAMPLES", "5"))
VENDOR_DOCUMENT = Path(__file__).resolve().parents[1] / "data" / "desk365-openapi-v3.json"
# What "the document holds" means here: no 5xx, only documented status codes,
# content types, bodies and headers as documented. Schemathesis's
# positive/negative data checks are left out: a schema cannot say everything
# a field must be (a known status name, an existing ticket), and a refusal
# with a documented 400 is the right answer there.
DOCUMENT_CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def seeded(client: TestClient) -> TestClient:
    """acme with a little of everything, so generated lookups sometimes hit."""
    for number in range(3):
        response = client.post("/apis/v3/tickets/create", json={
            "email": f"customer{number}@example.com", "subject": f"Fuzz seed {number}",
            "description": "<p>seed</p>"})
        assert response.status_code == 200
    assert client.post("/apis/v3/companies/create",
                       json={"name": "Initech", "domains": "initech.example"}
                       ).status_code == 200
    return client


def _our_document() -> dict[str, Any]:
    """The document the server serves; building it touches no database."""
    folder = Path(tempfile.mkdtemp(prefix="supportdesk-fuzz-"))
    app = create_app(Settings(database_url=f"sqlite:///{folder / 'unused.db'}",
                              data_dir=folder))
    return app.openapi()


# Loaded at import (the documents do not depend on data); each test points
# the schema at its own app, whose tenant it has just seeded.
ours = schemathesis.openapi.from_dict(_our_document())
vendors = schemathesis.openapi.from_dict({
    **json.loads(VENDOR_DOCUMENT.read_text()),
    # The vendor's one server entry has no URL; its operations live under /apis.
    "servers": [{"url": "http://localhost/apis"}],
})


@ours.parametrize()
@FUZZ_SETTINGS
def test_our_document_holds_for_generated_requests(case: Any, seeded: TestClient,
                                                   tenant: TenantFixture) -> None:
    case.operation.schema.app = seeded.app
    case.call_and_validate(base_url="http://localhost", app=seeded.app,
                           headers={"Authorization": tenant.key}, checks=DOCUMENT_CHECKS)


@vendors.parametrize()
@FUZZ_SETTINGS
def test_vendor_document_requests_never_give_a_5xx(case: Any, seeded: TestClient,
                                                   tenant: TenantFixture) -> None:
    case.operation.schema.app = seeded.app
    response = case.call(app=seeded.app,
                         headers={"Authorization": tenant.key})
    assert response.status_code < 500, response.text
