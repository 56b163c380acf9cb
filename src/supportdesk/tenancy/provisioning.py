"""Setting up a new tenant: the defaults every helpdesk needs, and the demo setup."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from supportdesk.agents.service import add_to_group, create_agent
from supportdesk.catalog.service import create_category, create_group, create_status, create_type
from supportdesk.clock import Clock, system_clock
from supportdesk.config import Settings
from supportdesk.customfields.service import create_field
from supportdesk.db.session import Database
from supportdesk.sla.service import create_policy
from supportdesk.surveys.schemas import SurveyCreate
from supportdesk.surveys.service import add_survey
from supportdesk.tenancy.service import IssuedKey, create_tenant, issue_key
from supportdesk.unit import open_unit

DEFAULT_STATUSES = (
    ("Open", "open"), ("Pending", "pending"), ("Resolved", "resolved"), ("Closed", "closed"),
)
DEFAULT_TYPES = ("Question", "Incident", "Problem", "Request")
DEFAULT_SLA = "Standard SLA"

DEMO_TYPES = ("Printer 'Out of Ink' Complaint", "Customer's Request")
DEMO_GROUPS = ("Sales", '"Sales" Department', '"Marketing" Department')
DEMO_CATEGORIES = (("Hardware", ("Printer", "Laptop")), ("Software", ("Printer", "Laptop")))
DEMO_AGENTS = (
    ("alex.morgan@demo.example", "Alex Morgan", "admin", ("Sales",)),
    ("priya.shah@demo.example", "Priya Shah", "agent", ('"Sales" Department',)),
    ("sam.oduya@demo.example", "Sam Oduya", "agent", ('"Marketing" Department',)),
)
# The demo's active survey: sent when a ticket is resolved.
DEMO_SURVEY = SurveyCreate(
    name="Customer Satisfaction", survey_type="customer_satisfaction", scale=7,
    questions=["How would you rate our customer service?",
               "How would you rate our expertise?",
               "How would you rate your overall satisfaction with the help you've received?"],
    thankyou_text="Thank you for your valuable feedback.",
    include_additional_comments=True, send_on="resolve", is_active=True,
)


@dataclass(frozen=True)
class ProvisionedTenant:
    tenant_id: int
    subdomain: str
    key: IssuedKey


def provision_tenant(
    database: Database,
    settings: Settings,
    *,
    subdomain: str,
    name: str | None = None,
    demo: bool = False,
    clock: Clock = system_clock,
) -> ProvisionedTenant:
    """Create a tenant with its defaults (and the demo setup), and its first key.

    Defaults: statuses Open, Pending, Resolved, Closed; types Question,
    Incident, Problem, Request; a default SLA policy "Standard SLA".
    """
    with database.session(write=True) as session:
        tenant = create_tenant(session, subdomain=subdomain, name=name, clock=clock)
        tenant_id = tenant.id
        key = issue_key(session, tenant_id=tenant_id, label="first key", is_admin=True,
                        clock=clock)
        session.commit()
    with open_unit(database, settings, subdomain=subdomain, write=True, clock=clock) as unit:
        session = unit.session
        for status_name, category in DEFAULT_STATUSES:
            create_status(session, name=status_name, category=category,
                          is_default=status_name == "Open")
        for type_name in DEFAULT_TYPES:
            create_type(session, name=type_name)
        create_policy(session, name=DEFAULT_SLA, is_default=True,
                      first_response_minutes=240, resolution_minutes=1440)
        if demo:
            _demo_setup(unit.session, clock)
        unit.commit()
    return ProvisionedTenant(tenant_id=tenant_id, subdomain=subdomain, key=key)


def _demo_setup(session: Session, clock: Clock) -> None:
    for type_name in DEMO_TYPES:
        create_type(session, name=type_name)
    for group_name in DEMO_GROUPS:
        create_group(session, name=group_name)
    for category_name, subcategories in DEMO_CATEGORIES:
        create_category(session, name=category_name, subcategories=list(subcategories))
    for email, agent_name, role, groups in DEMO_AGENTS:
        create_agent(session, email=email, name=agent_name, role=role, clock=clock)
        for group_name in groups:
            add_to_group(session, agent_email=email, group_name=group_name)
    create_field(session, label="Department", field_type="dropdown",
                 choices=["Sales", "Support", "Billing"])
    create_field(session, label="Employee ID", field_type="text")
    add_survey(session, data=DEMO_SURVEY, now=clock.now())
