"""Example payloads for the OpenAPI document (what Swagger UI shows)."""

from __future__ import annotations

from typing import Any

TICKET: dict[str, Any] = {
    "ticket_number": 10,
    "contact_email": "customer@example.com",
    "contact_name": "Casey Customer",
    "subject": "Printer not working",
    "description": "<div>Please fix it</div>",
    "description_text": "Please fix it",
    "status": "Open",
    "priority": 10,
    "type": "Incident",
    "source": 15,
    "form_name": None,
    "form_is_deleted": 0,
    "assigned_to": "agent@example.com",
    "company_name": "Contoso",
    "sla": "Standard SLA",
    "completed_within_sla": None,
    "group": "Sales",
    "category": "Hardware",
    "subcategory": "Printer",
    "created_on": "2026-01-05 09:00:00",
    "updated_on": "2026-01-05 09:30:00",
    "resolved_on": None,
    "closed_on": None,
    "due_date": "2026-01-06 09:00:00",
    "first_response_time": "2026-01-05 09:30:00",
    "first_assigned_time": "2026-01-05 09:00:00",
    "first_assigned_duration": 0,
    "resolved_duration": None,
    "first_replied_duration": 30,
    "closed_duration": None,
    "custom_fields": {"cf_Department": "Support", "cf_Employee ID": None},
    "attachments": [],
    "watchers": ["agent@example.com"],
    "share_to": [],
    "conversation_count": 1,
}

TICKET_UPDATED = {k: v for k, v in TICKET.items() if k != "attachments"}

_LIST_ITEM = {k: v for k, v in TICKET.items()
              if k not in {"description", "description_text", "completed_within_sla",
                           "attachments", "custom_fields"}}

TICKET_LIST: dict[str, Any] = {
    "count": 150,
    "tickets": [_LIST_ITEM],
    "next_page": "http://demo.localhost:8080/apis/v3/tickets?ticket_count=30&offset=30",
}

CREATE_TICKET_EXAMPLES: dict[str, Any] = {
    "minimal": {"summary": "Only what is required",
                "value": {"email": "customer@example.com", "subject": "Printer not working"}},
    "full": {"summary": "Every field", "value": {
        "email": "customer@example.com", "subject": "Printer not working",
        "description": "<div>Please fix it</div>", "status": "Open", "priority": 10,
        "type": "Incident", "assign_to": "alex.morgan@demo.example", "group": "Sales",
        "category": "Hardware", "sub_category": "Printer",
        "custom_fields": {"cf_Department": "Support"},
        "watchers": ["priya.shah@demo.example"], "share_to": ["colleague@example.com"],
    }},
}

UPDATE_TICKET_EXAMPLES: dict[str, Any] = {
    "resolve": {"summary": "Resolve a ticket", "value": {"status": "Resolved"}},
    "unassign": {"summary": "Unassign and regroup",
                 "value": {"assign_to": "--", "group": "Sales"}},
    "watchers": {"summary": "Change watchers",
                 "value": {"watchers": {"add": ["priya.shah@demo.example"], "remove": []}}},
}

REPLY: dict[str, Any] = {
    "body": "<p>We are working on this issue. Will keep you updated.</p>",
    "cc_emails": "jon@example.com",
    "bcc_emails": None,
    "from_email": "support@demo.localhost",
    "to_email": "customer@example.com",
    "ticket_number": 10,
    "attachments": [],
}

NOTE: dict[str, Any] = {
    "body": "<p>Checked the logs; waiting on the vendor.</p>",
    "notify_emails": "priya.shah@demo.example",
    "to_email": None,
    "ticket_number": 10,
    "private_note": 1,
    "attachments": [],
}

CONVERSATIONS: dict[str, Any] = {
    "count": 1,
    "agent_reply_count": 1,
    "contact_reply_count": 0,
    "public_note_count": 0,
    "private_note_count": 0,
    "forward_message_count": 0,
    "conversations": [{
        "ticket_number": 10, "created_by": "agent@example.com", "creator_name": "Alex Agent",
        "type": "reply", "public_note": None, "sender_type": "agent",
        "cc_address": None, "bcc_address": None, "to_address": "customer@example.com",
        "notified_agents": None, "body": "<p>On it.</p>", "body_text": "On it.",
        "attachments_count": 0, "attachments": [], "created_on": "2026-01-05 09:30:00",
        "is_email_deliveribility_failiure": False, "email_bounce_type": None,
        "email_bounce_status": None,
    }],
}
