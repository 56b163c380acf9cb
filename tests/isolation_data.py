"""Data for the tenant-isolation matrix: a victim tenant with one of everything.

Every name, subject and body the victim owns carries ``MARKER`` so a response that
leaks any of it is easy to spot. Records are created through the API with the victim's
own keys (the way a real tenant would), so the matrix needs no knowledge of the models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

MARKER = "GLOBEX-7f3a"
MARK = MARKER.lower()
# How many extra records the victim makes before its marked one, so the victim's ids
# and ticket numbers lie beyond anything the attacker has or creates during the matrix.
PADDING = 6


@dataclass
class Caller:
    """One key on one host."""

    client: TestClient
    host: str
    key: str

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {"Authorization": self.key, "Host": self.host, **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)

    def ok(self, method: str, url: str, **kwargs: Any) -> Any:
        """Make a request that must succeed; return the JSON body."""
        response = self.request(method, url, **kwargs)
        assert response.status_code in (200, 201), (method, url, response.text)
        return response.json() if response.content else None


@dataclass
class Victim:
    """The victim's identifiers, by the names the matrix's parameter table uses."""

    values: dict[str, Any] = field(default_factory=dict)
    # (method, url, params) reads whose answers must not change during the matrix.
    reads: list[tuple[str, dict[str, str]]] = field(default_factory=list)


def _messages(history: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages of a conversations answer, whatever its envelope key is."""
    return next(value for value in history.values() if isinstance(value, list))


def _has(paths: set[str], path: str) -> bool:
    return path in paths


def build_attacker(caller: Caller, admin: Caller, paths: set[str]) -> dict[str, Any]:
    """A little data of the attacker's own; returns its identifiers (same keys as the
    victim's), so body-reference probes of updates can target the attacker's OWN record."""
    own: dict[str, Any] = {}
    if _has(paths, "/apis/admin/contracts/access"):
        admin.ok("put", "/apis/admin/contracts/access", json={"has_contract_access": True})
    for number in (1, 2):
        caller.ok("post", "/apis/v3/tickets/create",
                  json={"email": f"acme{number}@acme.example", "subject": f"Acme own {number}"})
    own["ticket_number"] = 1
    own["contact_email"] = own["secondary_email"] = "acme1@acme.example"
    caller.ok("post", "/apis/v3/companies/create", json={"name": "Acme Co"})
    own["company_name"] = "Acme Co"
    caller.ok("post", "/apis/v3/kb/category/create", json={"category_name": "Acme KB"})
    caller.ok("post", "/apis/v3/kb/folder/create",
              json={"category_name": "Acme KB", "folder_name": "Acme folder"})
    caller.ok("post", "/apis/v3/kb/article/create",
              json={"category_name": "Acme KB", "folder_name": "Acme folder",
                    "article_title": "Acme article"})
    own |= {"kb_category": "Acme KB", "kb_folder": "Acme folder",
            "article_title": "Acme article"}
    caller.ok("post", "/apis/v3/asset_mgmt/locations/create", json={"location_name": "Acme HQ"})
    own["location_name"] = "Acme HQ"
    hours = admin.ok("post", "/apis/admin/business_hours",
                     json={"name": "Acme hours", "timezone": "UTC",
                           "week": {"monday": [{"start": "09:00", "end": "17:00"}]}})
    own["hours_id"] = hours["id"]
    # Demo configuration: record 1 of each admin kind exists in every tenant.
    for key in ("agent_id", "group_id", "status_id", "type_id", "category_id",
                "subcategory_id", "field_id", "policy_id", "survey_id", "key_id"):
        own[key] = 1
    if _has(paths, "/apis/v3/contracts/create"):
        caller.ok("post", "/apis/v3/contracts/create", json={
            "name": "Acme contract", "reference_number": "ACME-REF", "company": "Acme Co",
            "start_date": "2026-01-01", "end_date": "2026-12-31", "bill_cycle": 1,
            "contract_type": 2, "block_hours": {"contract_hours": 10}})
        own["contract_name"], own["reference_number"] = "Acme contract", "ACME-REF"
    if _has(paths, "/apis/admin/time_entries"):
        entry = admin.ok("post", "/apis/admin/time_entries",
                         json={"ticket_number": 1, "agent_email": "alex.morgan@demo.example",
                               "minutes": 5})
        own["entry_id"] = entry["id"]
    return own


def build_victim(caller: Caller, admin: Caller, paths: set[str]) -> Victim:
    """Give the victim one of everything the served API can create."""
    victim = Victim()
    v = victim.values
    m = MARKER

    # Admin records first (tickets may reference them).
    agent_email = f"{MARK}.agent@globex.example"
    for i in range(PADDING):
        admin.ok("post", "/apis/admin/agents",
                 json={"email": f"pad{i}@globex.example", "name": f"{m} pad agent {i}"})
    agent = admin.ok("post", "/apis/admin/agents", json={"email": agent_email,
                                                         "name": f"{m} Agent"})
    v["agent_id"], v["agent_email"] = agent["id"], agent_email
    for i in range(PADDING):
        admin.ok("post", "/apis/admin/groups", json={"name": f"{m} pad group {i}"})
    group = admin.ok("post", "/apis/admin/groups",
                     json={"name": f"{m} Group", "members": [agent_email]})
    v["group_id"], v["group_name"] = group["id"], group["name"]
    for i in range(PADDING):
        admin.ok("post", "/apis/admin/statuses",
                 json={"name": f"{m} pad status {i}", "category": "pending"})
    status = admin.ok("post", "/apis/admin/statuses",
                      json={"name": f"{m} Status", "category": "pending"})
    v["status_id"], v["status_name"] = status["id"], status["name"]
    for i in range(PADDING):
        admin.ok("post", "/apis/admin/ticket_types", json={"name": f"{m} pad type {i}"})
    ticket_type = admin.ok("post", "/apis/admin/ticket_types", json={"name": f"{m} Type"})
    v["type_id"], v["type_name"] = ticket_type["id"], ticket_type["name"]
    for i in range(PADDING):
        admin.ok("post", "/apis/admin/categories", json={"name": f"{m} pad category {i}"})
    category = admin.ok("post", "/apis/admin/categories", json={"name": f"{m} Category"})
    v["category_id"], v["category_name"] = category["id"], category["name"]
    for i in range(PADDING):
        admin.ok("post", f"/apis/admin/categories/{category['id']}/subcategories",
                 json={"name": f"{m} pad sub {i}"})
    sub = admin.ok("post", f"/apis/admin/categories/{category['id']}/subcategories",
                   json={"name": f"{m} Subcategory"})
    v["subcategory_id"], v["subcategory_name"] = sub["id"], sub["name"]
    for i in range(PADDING):
        admin.ok("post", "/apis/admin/custom_fields",
                 json={"label": f"{m} pad field {i}", "field_type": "text"})
    custom = admin.ok("post", "/apis/admin/custom_fields",
                      json={"label": f"{m} Field", "field_type": "text"})
    v["field_id"] = custom["id"]
    week = {"monday": [{"start": "09:00", "end": "17:00"}]}
    for i in range(PADDING):
        admin.ok("post", "/apis/admin/business_hours",
                 json={"name": f"{m} pad hours {i}", "timezone": "UTC", "week": week})
    hours = admin.ok("post", "/apis/admin/business_hours",
                     json={"name": f"{m} Hours", "timezone": "UTC", "week": week,
                           "holidays": [{"date": "2026-12-25", "name": f"{m} holiday"}]})
    v["hours_id"] = hours["id"]
    for i in range(PADDING):
        admin.ok("post", "/apis/admin/sla_policies", json={"name": f"{m} pad sla {i}"})
    policy = admin.ok("post", "/apis/admin/sla_policies",
                      json={"name": f"{m} SLA", "hours_mode": "business",
                            "business_hours_id": hours["id"]})
    v["policy_id"], v["sla_name"] = policy["id"], policy["name"]
    for i in range(PADDING):
        admin.ok("post", "/apis/admin/api_keys", json={"label": f"{m} pad key {i}"})
    key = admin.ok("post", "/apis/admin/api_keys", json={"label": f"{m} Key"})
    v["key_id"] = key["id"]

    # Companies and contacts.
    company = f"{m} Company"
    caller.ok("post", "/apis/v3/companies/create",
              json={"name": company, "description": f"{m} secret", "domains": "globex.example"})
    v["company_name"] = company
    contact_email = f"{MARK}.contact@globex.example"
    secondary = f"{MARK}.second@globex.example"
    caller.ok("post", "/apis/v3/contacts/create",
              json={"name": f"{m} Contact", "primary_email": contact_email,
                    "secondary_emails": secondary, "company_name": company})
    v["contact_email"], v["secondary_email"] = contact_email, secondary

    # Tickets: more than the attacker has, the last one full of references.
    for i in range(PADDING):
        caller.ok("post", "/apis/v3/tickets/create",
                  json={"email": f"pad{i}@globex.example", "subject": f"{m} pad ticket {i}"})
    created = caller.ok("post", "/apis/v3/tickets/create", json={
        "email": contact_email, "subject": f"{m} Ticket", "description": f"{m} body",
        "status": status["name"], "group": group["name"], "assign_to": agent_email,
        "type": ticket_type["name"], "category": category["name"],
        "sub_category": sub["name"]})
    number = created["ticket_number"]
    v["ticket_number"] = number
    caller.ok("post", "/apis/v3/tickets/add_reply", params={"ticket_number": str(number)},
              json={"body": f"{m} reply"})
    caller.ok("post", "/apis/v3/tickets/add_note", params={"ticket_number": str(number)},
              json={"body": f"{m} note"})
    caller.ok("post", "/apis/v3/tickets/add_note_with_attachment",
              params={"ticket_number": str(number)},
              data={"note_object": f'{{"body": "{m} file note"}}'},
              files=[("file", (f"{MARK}.txt", m.encode(), "text/plain"))])
    history = caller.ok("get", "/apis/v3/tickets/conversations",
                        params={"ticket_number": str(number)})
    url = next(a["attachment_url"] for message in _messages(history)
               for a in message.get("attachments", []))
    attachment_id, token, file_name = url.split("/apis/v3/attachments/")[1].split("/")
    v["attachment_id"], v["token"], v["file_name"] = attachment_id, token, file_name
    victim.reads += [("/apis/v3/tickets/details", {"ticket_number": str(number)}),
                     ("/apis/v3/tickets/conversations", {"ticket_number": str(number)}),
                     ("/apis/v3/tickets", {}),
                     ("/apis/v3/contacts/details", {"primary_email": contact_email}),
                     ("/apis/v3/companies/details", {"name": company})]

    # Knowledge base.
    kb_category, kb_folder, article = f"{m} KB category", f"{m} KB folder", f"{m} Article"
    caller.ok("post", "/apis/v3/kb/category/create",
              json={"category_name": kb_category, "category_description": f"{m} kb"})
    caller.ok("post", "/apis/v3/kb/folder/create",
              json={"category_name": kb_category, "folder_name": kb_folder})
    caller.ok("post", "/apis/v3/kb/article/create",
              json={"category_name": kb_category, "folder_name": kb_folder,
                    "article_title": article, "article_content": f"<p>{m} content</p>"})
    v["kb_category"], v["kb_folder"], v["article_title"] = kb_category, kb_folder, article
    victim.reads += [("/apis/v3/kb/category/details", {"category_name": kb_category}),
                     ("/apis/v3/kb/folder/details", {"category_name": kb_category,
                                                     "folder_name": kb_folder}),
                     ("/apis/v3/kb/article/details", {"article_name": article})]

    # Asset location.
    location = f"{m} Location"
    caller.ok("post", "/apis/v3/asset_mgmt/locations/create",
              json={"location_name": location, "description": f"{m} room"})
    v["location_name"] = location
    victim.reads.append(("/apis/v3/asset_mgmt/locations/details", {"location_name": location}))

    # Optional domains: only when the served API has them.
    if _has(paths, "/apis/admin/surveys"):
        for i in range(PADDING):
            admin.ok("post", "/apis/admin/surveys",
                     json={"name": f"{m} pad survey {i}", "survey_type": "five_star",
                           "questions": [f"{m} q"]})
        survey = admin.ok("post", "/apis/admin/surveys",
                          json={"name": f"{m} Survey", "survey_type": "five_star",
                                "questions": [f"{m} question"]})
        v["survey_id"], v["survey_name"] = survey["id"], survey["name"]
        if _has(paths, "/apis/v3/surveys/details"):
            victim.reads.append(("/apis/v3/surveys/details", {"survey_name": survey["name"]}))
    if _has(paths, "/apis/v3/contracts/create"):
        if _has(paths, "/apis/admin/contracts/access"):
            admin.ok("put", "/apis/admin/contracts/access", json={"has_contract_access": True})
        contract = f"{m} Contract"
        caller.ok("post", "/apis/v3/contracts/create", json={
            "name": contract, "reference_number": f"{MARK}-REF", "company": company,
            "start_date": "2026-01-01", "end_date": "2026-12-31", "bill_cycle": 1,
            "contract_type": 2, "block_hours": {"contract_hours": 10}})
        v["contract_name"], v["reference_number"] = contract, f"{MARK}-REF"
        victim.reads.append(("/apis/v3/contracts/details", {"contract_name": contract}))
    if _has(paths, "/apis/admin/time_entries"):
        for i in range(PADDING):
            admin.ok("post", "/apis/admin/time_entries",
                     json={"ticket_number": number, "agent_email": agent_email, "minutes": 1,
                           "note": f"{m} pad entry {i}"})
        entry = admin.ok("post", "/apis/admin/time_entries",
                         json={"ticket_number": number, "agent_email": agent_email,
                               "minutes": 30, "note": f"{m} entry"})
        v["entry_id"] = entry["id"]
        if _has(paths, "/apis/v3/time_entries/details"):
            victim.reads.append(("/apis/v3/time_entries/details", {"id": str(entry["id"])}))
    return victim
