"""The tenant-isolation matrix, generated from the served OpenAPI document.

Every operation the app documents (``/apis/v3/...`` and ``/apis/admin/...``) is called
with the victim's (globex's) identifiers:

1. with the attacker's (acme's) key on acme's host: 404 for lookups, updates and deletes
   of victim records; 400/404 when a request body references a victim's record by name;
   lists answer 200 without any victim data;
2. with globex's key on acme's host and acme's key on globex's host: 401, error body;
3. no response contains the victim's marker (except an echo of what the request sent),
   and no row of the victim changes.

An operation with a parameter the matrix does not know fails with a message saying
where to add it: new operations are covered as soon as they are served.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from supportdesk.app import create_app
from supportdesk.catalog.snapshot import clear_cache
from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.registry import metadata
from supportdesk.db.session import Database
from supportdesk.ratelimit.service import set_plan
from supportdesk.tenancy.service import issue_key
from supportdesk.unit import open_unit
from tests.conftest import START, _wipe
from tests.factories import make_tenant
from tests.isolation_data import MARK, Caller, Victim, build_attacker, build_victim

DOC_URL = "/apis/v3/openapi.json"
ERROR_KEYS = {"status", "error", "message"}

# How to fill each query/path parameter, by NAME.
#   ("victim", key)  -> the victim's identifier Victim.values[key]
#   ("json", {...})  -> a JSON text (multipart JSON parts), sent as a form field
#   None             -> not an identifier: left out unless required, then PLAIN[name]
PARAMETERS: dict[str, tuple[str, Any] | None] = {
    # tickets
    "ticket_number": ("victim", "ticket_number"),
    "search_query": ("victim", "search"),
    "filters": ("victim", "filters"),
    "ticket_object": ("json", {"email": "probe@acme.example", "subject": "probe"}),
    "reply_object": ("json", {"body": "probe"}),
    "note_object": ("json", {"body": "probe"}),
    # contacts and companies
    "primary_email": ("victim", "contact_email"),
    "secondary_email": ("victim", "secondary_email"),
    "company": ("victim", "company_name"),
    "company_name": ("victim", "company_name"),
    "name": ("victim", "company_name"),
    # knowledge base
    "category_name": ("victim", "kb_category"),
    "folder_name": ("victim", "kb_folder"),
    "article_name": ("victim", "article_title"),
    # assets, surveys, contracts, time entries
    "location_name": ("victim", "location_name"),
    "survey_name": ("victim", "survey_name"),
    "contract_name": ("victim", "contract_name"),
    "reference_number": ("victim", "reference_number"),
    "agent_email": ("victim", "agent_email"),
    "id": ("victim", "entry_id"),
    "entry_id": ("victim", "entry_id"),
    # attachments
    "attachment_id": ("victim", "attachment_id"),
    "token": ("victim", "token"),
    "file_name": ("victim", "file_name"),
    # admin record ids
    "agent_id": ("victim", "agent_id"),
    "group_id": ("victim", "group_id"),
    "status_id": ("victim", "status_id"),
    "type_id": ("victim", "type_id"),
    "category_id": ("victim", "category_id"),
    "subcategory_id": ("victim", "subcategory_id"),
    "field_id": ("victim", "field_id"),
    "policy_id": ("victim", "policy_id"),
    "hours_id": ("victim", "hours_id"),
    "survey_id": ("victim", "survey_id"),
    "key_id": ("victim", "key_id"),
    # not identifiers (paging, sorting, flags, time windows)
    **dict.fromkeys((
        "offset", "ticket_count", "include_description", "include_custom_fields",
        "include_survey_details", "nested_fields", "order_by", "order_type",
        "updated_since", "sort_by", "include_contact_replies", "include_agent_replies",
        "include_private_notes", "include_public_notes", "include_forward_messages",
        "time_entries_count", "started_before", "started_after", "created_after",
        "updated_after", "billable", "timer_running", "search_type",
        "contract_category", "include_inactive_contracts", "include_expired_contracts",
        "include_upcoming_contracts", "bom")),
}
# Values for required non-identifier parameters.
PLAIN: dict[str, str] = {"search_type": "1"}

# Request-body fields that REFERENCE an existing record by name or id: each is tried with
# the victim's value and must be refused (400/404). Fields that name a NEW record are
# not here: the attacker may create its own record with any name.
BODY_REFERENCES: dict[str, str] = {
    "status@CreateNewTicketFromAPI": "status_name",
    "status@UpdateTicketFromAPI": "status_name",
    "category@CreateNewTicketFromAPI": "category_name",
    "category@UpdateTicketFromAPI": "category_name",
    "sub_category": "subcategory_name",
    "group": "group_name",
    "type": "type_name",
    "assign_to": "agent_email",
    "agent_email": "agent_email",
    "members": "agent_email",
    "email@AdminAddGroupMember": "agent_email",
    "ticket_number": "ticket_number",
    "business_hours_id": "hours_id",
    "category_name@CreateKBFolder": "kb_category",
    "category_name@CreateKBArticle": "kb_category",
    "folder_name@CreateKBArticle": "kb_folder",
    "parent_location": "location_name",
    "company@CreateContract": "company_name",
}
# What else a body-reference probe must carry so that the reference is the only reason
# to refuse it (the attacker's own values).
COMPANIONS: dict[str, dict[str, Any]] = {
    "sub_category": {"category": "Hardware"},
    "business_hours_id": {"hours_mode": "business"},
    "folder_name@CreateKBArticle": {"category_name": "Acme KB"},
}
# Valid bodies for operations whose document has no request example (merged over the
# body generated from the schema's required fields).
BASE_BODIES: dict[str, dict[str, Any]] = {
    "CreateContract": {"name": "probe contract", "company": "Acme Co", "start_date": "2026-01-01",
                       "end_date": "2026-03-31", "bill_cycle": 1, "contract_type": 2,
                       "block_hours": {"contract_hours": 1}},
    "AdminCreateTimeEntry": {"ticket_number": 1, "agent_email": "alex.morgan@demo.example",
                             "minutes": 5},
    "AdminCreateGroup": {"name": "probe group"},
    "CreateKBArticle": {"article_title": "probe article", "category_name": "Acme KB",
                        "folder_name": "Acme folder"},
}


def _document() -> dict[str, Any]:
    """The served OpenAPI document, read once at collection from a throwaway app."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/doc.db", base_domain="localhost",
                            data_dir=Path(folder) / "data")
        database = Database.from_url(settings.database_url)
        try:
            client = TestClient(create_app(settings, database=database),
                                base_url="http://acme.localhost")
            document: dict[str, Any] = client.get(DOC_URL).json()
        finally:
            database.dispose()
    return document


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.spec.get("operationId") or f"{self.method} {self.path}")

    @property
    def admin(self) -> bool:
        return self.path.startswith("/apis/admin/")


def _operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in document["paths"].items():
        if not path.startswith(("/apis/v3/", "/apis/admin/")) or path == DOC_URL:
            continue
        for method, spec in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append(Operation(method, path, spec))
    return found


DOCUMENT = _document()
OPERATIONS = _operations(DOCUMENT)


# --- the world: built once for the module ----------------------------------------------


@dataclass
class World:
    client: TestClient
    acme: Caller
    acme_admin: Caller
    globex: Caller
    globex_admin: Caller
    victim: Victim
    own: dict[str, Any]  # the attacker's own identifiers (same keys as the victim's)
    settings: Settings
    clock: FixedClock
    document: dict[str, Any]
    database: Database
    victim_id: int
    baseline: dict[str, list[tuple[Any, ...]]]
    reads: list[str]


# Tables whose victim rows may legitimately change when the victim's key is *refused*
# on the wrong host (usage counters and the like).
VOLATILE = re.compile(r"rate|usage|idempot|audit")


def _victim_rows(database: Database, tenant_id: int) -> dict[str, list[tuple[Any, ...]]]:
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            if "tenant_id" not in table.c or VOLATILE.search(table.name):
                continue
            query = select(table).where(table.c.tenant_id == tenant_id)
            result = connection.execute(query.order_by(*table.primary_key.columns))
            rows[table.name] = sorted(tuple(map(repr, row)) for row in result)
    return rows


def _admin_key(database: Database, settings: Settings, clock: FixedClock,
               subdomain: str) -> str:
    with open_unit(database, settings, subdomain=subdomain, write=True, clock=clock) as unit:
        issued = issue_key(unit.session, tenant_id=unit.tenant_id, label="matrix admin",
                           is_admin=True, clock=clock)
        unit.commit()
    return issued.secret


def _victim_reads(world_victim: Victim, globex: Caller) -> list[str]:
    return [globex.request("get", url, params=params).text
            for url, params in world_victim.reads]


@pytest.fixture(scope="module")
def world(migrated_database: Database,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """acme (attacker) and globex (victim) with their data, built ONCE for the module.

    Building two tenants and one of everything takes seconds; per operation it would
    take minutes. It is safe to share: the attacker's own changes do not matter, and
    every test checks that no victim row changed. The database is wiped before and
    after, as the function-scoped ``database`` fixture does for every other test.
    """
    database = migrated_database
    _wipe(database)
    clear_cache()
    settings = Settings(database_url=str(database.engine.url.render_as_string(False)),
                        base_domain="localhost",
                        data_dir=tmp_path_factory.mktemp("matrix") / "data",
                        max_attachment_bytes=1024 * 1024,
                        # The matrix makes hundreds of refused calls from one address on
                        # purpose; the per-address brake on failed logins would turn its
                        # 401s into 429s. Tenant rate limits stay as make_tenant sets them.
                        rate_limit_auth_failures=0)
    clock = FixedClock(START)
    acme = make_tenant(database, settings, clock, subdomain="acme")
    globex = make_tenant(database, settings, clock, subdomain="globex")
    app = create_app(settings, database=database, clock=clock)
    with TestClient(app, base_url="http://acme.localhost",
                    raise_server_exceptions=False) as client:
        callers = {
            "acme": Caller(client, acme.host, acme.key),
            "acme_admin": Caller(client, acme.host,
                                 _admin_key(database, settings, clock, "acme")),
            "globex": Caller(client, globex.host, globex.key),
            "globex_admin": Caller(client, globex.host,
                                   _admin_key(database, settings, clock, "globex")),
        }
        document = callers["acme"].ok("get", DOC_URL)
        paths = set(document["paths"])
        own = build_attacker(callers["acme"], callers["acme_admin"], paths)
        victim = build_victim(callers["globex"], callers["globex_admin"], paths)
        victim.values["search"] = json.dumps({"query": MARK, "search_in": [1, 2, 3]})
        victim.values["filters"] = json.dumps({"contact": [victim.values["contact_email"]]})
        yield World(client=client, victim=victim, own=own, settings=settings, clock=clock,
                    document=document, database=database, victim_id=globex.tenant_id,
                    baseline=_victim_rows(database, globex.tenant_id),
                    reads=_victim_reads(victim, callers["globex"]), **callers)
    _wipe(database)


# --- building requests -------------------------------------------------------------------


@dataclass
class Probe:
    """One request of the matrix and what the attacker's own host must answer."""

    label: str
    url: str
    params: dict[str, str]
    kwargs: dict[str, Any]
    expected: frozenset[int]
    sent: list[str]  # victim values in the request: an echo of these is no leak


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        resolved: dict[str, Any] = document["components"]["schemas"][
            schema["$ref"].split("/")[-1]]
        return resolved
    return schema


def _example_body(operation: Operation, document: dict[str, Any]) -> tuple[str, Any]:
    """(content type, body) from the operation's request example or its schema."""
    content = operation.spec.get("requestBody", {}).get("content", {})
    if not content:
        return "", None
    content_type, media = next(iter(content.items()))
    if "example" in media:
        return content_type, media["example"]
    if media.get("examples"):
        return content_type, next(iter(media["examples"].values()))["value"]
    schema = _resolve(media.get("schema", {}), document)
    if "example" in schema:
        return content_type, schema["example"]
    body: dict[str, Any] = {}
    for name in schema.get("required", []):
        prop = _resolve(schema.get("properties", {}).get(name, {}), document)
        kinds = {prop.get("type")} | {option.get("type") for option in prop.get("anyOf", [])}
        body[name] = (1 if "integer" in kinds else [] if "array" in kinds
                      else {} if "object" in kinds else True if "boolean" in kinds
                      else "probe")
    return content_type, body


def _body_fields(operation: Operation, document: dict[str, Any]) -> set[str]:
    content = operation.spec.get("requestBody", {}).get("content", {})
    fields: set[str] = set()
    for media in content.values():
        fields |= set(_resolve(media.get("schema", {}), document).get("properties", {}))
    return fields


def _reference(field: str, operation: Operation) -> str | None:
    """The victim value a body field references, if it is a reference here."""
    return BODY_REFERENCES.get(f"{field}@{operation.id}", BODY_REFERENCES.get(field))


def _is_filter(operation: Operation, parameter: dict[str, Any]) -> bool:
    """An optional query parameter of a collection GET narrows a list, finds nothing."""
    return (operation.method == "get" and parameter["in"] == "query"
            and not parameter.get("required") and not operation.path.endswith("/details"))


def _own_target(operation: Operation, world: World,
                plain: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The operation's path and identifier parameters filled with the attacker's own."""
    path, params = operation.path, dict(plain)
    for parameter in operation.spec.get("parameters", []):
        rule = PARAMETERS[parameter["name"]]
        if rule is None or rule[0] != "victim":
            continue
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", str(world.own[rule[1]]))
        elif (parameter.get("required") or not _is_filter(operation, parameter)) and (
                parameter["name"] != "secondary_email"):
            params[parameter["name"]] = str(world.own[rule[1]])
    for name, value in plain.items():
        path = path.replace("{" + name + "}", value)
    return path, params


def probes(operation: Operation, world: World) -> list[Probe]:
    values = world.victim.values
    parameters = operation.spec.get("parameters", [])
    unknown = [p["name"] for p in parameters if p["name"] not in PARAMETERS]
    assert not unknown, (
        f"{operation.id} ({operation.method.upper()} {operation.path}) has parameter(s) "
        f"{unknown} the isolation matrix does not know: add them to PARAMETERS in "
        f"tests/integration/test_isolation_matrix.py (the victim's identifier, or None)")
    content_type, body = _example_body(operation, world.document)
    if isinstance(body, dict):
        body = {**body, **BASE_BODIES.get(operation.id, {})}
    form: dict[str, str] = {}
    path = operation.path
    plain: dict[str, str] = {}
    targets: list[tuple[str, str]] = []  # (name, value) identifier query params
    filters: list[tuple[str, str]] = []
    sent: list[str] = []
    for parameter in parameters:
        name = parameter["name"]
        rule = PARAMETERS[name]
        if rule is not None and rule[0] == "json":
            form[name] = json.dumps(rule[1])
            continue
        if rule is None:
            if parameter.get("required") or parameter["in"] == "path":
                plain[name] = PLAIN.get(name, "1")
            continue
        if rule[1] not in values:
            pytest.fail(f"{operation.id}: the victim has no {rule[1]!r}; build one in "
                        f"tests/isolation_data.py")
        value = str(values[rule[1]])
        sent.append(value)
        if parameter["in"] == "path":
            path = path.replace("{" + name + "}", value)
        elif _is_filter(operation, parameter):
            filters.append((name, value))
        else:
            targets.append((name, value))
    for name, value in plain.items():
        path = path.replace("{" + name + "}", value)
    plain = {k: v for k, v in plain.items() if "{" + k + "}" not in operation.path}

    def kwargs_for(json_body: Any) -> dict[str, Any]:
        if content_type.startswith("multipart/"):
            return {"data": form, "files": [("file", ("probe.txt", b"probe", "text/plain"))]}
        if content_type:
            return {"json": json_body}
        return {}

    lookup = "{" in operation.path or targets
    result: list[Probe] = []
    if lookup:
        # Several identifiers together may be refused as a combination (400).
        expected = frozenset({404} if len(targets) <= 1 and not content_type
                             else {400, 404})
        result.append(Probe("victim identifiers", path, {**plain, **dict(targets)},
                            kwargs_for(body), expected, sent))
        if len(targets) > 1:
            for name, value in targets:
                result.append(Probe(f"victim {name}", path, {**plain, name: value},
                                    kwargs_for(body), frozenset({400, 404}), [value]))
    for name, value in filters:
        result.append(Probe(f"filter {name}", path, {**plain, name: value},
                            kwargs_for(body), frozenset({200, 400, 404}), [value]))
    if content_type == "application/json" and isinstance(body, dict):
        for field in sorted(_body_fields(operation, world.document)):
            key = _reference(field, operation)
            if key is None:
                continue
            reference: Any = values[key]
            if field == "members":
                reference = [reference]
            elif field.endswith("_id") or field == "ticket_number":
                reference = int(reference)
            # The body reference is the only foreign thing: an update addresses the
            # attacker's OWN record, so only the reference can make it fail.
            own_path, own_params = _own_target(operation, world, plain)
            result.append(Probe(f"body {field}", own_path, own_params,
                                {"json": {**body, **COMPANIONS.get(
                                    f"{field}@{operation.id}", COMPANIONS.get(field, {})),
                                    field: reference}}, frozenset({400, 404}),
                                [str(values[key])]))
    if not lookup:
        # The collection itself, or a create (after the body probes, so a name it
        # creates does not conflict with them): the attacker's own, must not leak.
        # A GET whose identifier parameters are optional in the document may still need
        # one of them (conversations, search): then it answers 400 without.
        ok = (frozenset({200, 400} if filters else {200}) if operation.method == "get"
              else frozenset({200, 201, 204, 400, 404, 409}))
        result.append(Probe("plain", path, plain, kwargs_for(body), ok, []))
    return result


# --- checks ------------------------------------------------------------------------------


def _without_echo(text: str, sent: list[str]) -> str:
    lowered = text.lower()
    for value in sorted(sent, key=len, reverse=True):
        lowered = lowered.replace(value.lower(), "")
        lowered = lowered.replace(json.dumps(value)[1:-1].lower(), "")
    return lowered


def _describe(operation: Operation, probe: Probe, who: str, response: Any) -> str:
    return (f"{who}: {operation.method.upper()} {probe.url} params={probe.params} "
            f"body={probe.kwargs} -> {response.status_code} {response.text[:600]}")


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.id for op in OPERATIONS])
def test_operation_is_isolated(world: World, operation: Operation) -> None:
    attacker = world.acme_admin if operation.admin else world.acme
    victim_key = world.globex_admin if operation.admin else world.globex
    wrong_host = [
        ("victim's key on attacker's host",
         Caller(world.client, attacker.host, victim_key.key)),
        ("attacker's key on victim's host",
         Caller(world.client, victim_key.host, attacker.key)),
    ]
    problems: list[str] = []
    for probe in probes(operation, world):
        for who, caller in wrong_host:
            response = caller.request(operation.method, probe.url, params=probe.params,
                                      **probe.kwargs)
            body = response.json() if response.headers.get(
                "content-type", "").startswith("application/json") else None
            if (response.status_code != 401 or not isinstance(body, dict)
                    or set(body) != ERROR_KEYS or body["status"] != 401):
                problems.append("expected 401 error body; " + _describe(
                    operation, probe, who, response))
            if MARK in _without_echo(response.text, probe.sent):
                problems.append("LEAK " + _describe(operation, probe, who, response))
        if operation.method == "get" and probe.expected == frozenset({404}):
            # Control: the identifiers are real, the victim reaches its own record.
            own = victim_key.request("get", probe.url, params=probe.params)
            if own.status_code != 200 or (
                    operation.id != "DownloadAttachment" and MARK not in own.text.lower()):
                problems.append("the victim cannot reach its own record, the probe proves "
                                "nothing: " + _describe(operation, probe, "victim", own))
        response = attacker.request(operation.method, probe.url, params=probe.params,
                                    **probe.kwargs)
        who = f"attacker's key on attacker's host [{probe.label}]"
        if response.status_code not in probe.expected:
            problems.append(f"expected {sorted(probe.expected)}; "
                            + _describe(operation, probe, who, response))
        if MARK in _without_echo(response.text, probe.sent):
            problems.append("LEAK " + _describe(operation, probe, who, response))
    with open_unit(world.database, world.settings, subdomain="acme", write=True,
                   clock=world.clock) as unit:
        set_plan(unit, unlimited=True)  # a rate-limit probe may have changed acme's own
    after = _victim_rows(world.database, world.victim_id)
    changed = [name for name in world.baseline if world.baseline[name] != after.get(name)]
    if changed:
        problems.append(f"victim rows changed in {changed}")
    assert not problems, "\n".join(problems)


def test_victim_records_unchanged_after_the_matrix(world: World) -> None:
    """Re-read the victim's records with its own key: same answers as before."""
    assert _victim_reads(world.victim, world.globex) == world.reads
    for text in world.reads:
        assert MARK in text.lower()
    assert _victim_rows(world.database, world.victim_id) == world.baseline


def test_every_served_operation_is_in_the_matrix(world: World) -> None:
    """The document served now is the one the matrix was generated from."""
    served = {(op.method, op.path) for op in _operations(world.document)}
    assert served == {(op.method, op.path) for op in OPERATIONS}


def test_an_unknown_parameter_fails_with_guidance(world: World) -> None:
    """An operation the matrix cannot address fails loudly instead of being skipped."""
    added = Operation("get", "/apis/v3/widgets/details", {
        "operationId": "GetWidgetDetails",
        "parameters": [{"name": "widget_name", "in": "query", "required": True}]})
    with pytest.raises(AssertionError) as failure:
        probes(added, world)
    assert "['widget_name']" in str(failure.value)
    assert "add them to PARAMETERS in tests/integration/test_isolation_matrix.py" in str(
        failure.value)
