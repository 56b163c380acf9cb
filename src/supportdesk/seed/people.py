"""Seeded customers: companies with email domains, and contacts at those domains."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from supportdesk.companies.models import Company, CompanyDomain
from supportdesk.contacts.models import Contact, ContactEmail
from supportdesk.db.base import table_of
from supportdesk.db.scoping import current_tenant
from supportdesk.db.sequences import allocate
from supportdesk.seed import vocabulary as words

# Share of seeded contacts who write from a company's domain (the rest are private).
COMPANY_CONTACT_SHARE = 0.7
MAX_COMPANIES = 5_000


@dataclass(frozen=True)
class ContactRef:
    """What a seeded ticket needs to know about the contact who raised it."""

    id: int
    email: str
    name: str
    company_id: int | None


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", value.lower())


def _unique(taken: set[str], head: str, tail: str = "", sep: str = "") -> str:
    """``head + tail``, or the first ``head<sep>2<tail>``, ``head<sep>3<tail>``... not taken."""
    value, n = head + tail, 1
    while value in taken:
        n += 1
        value = f"{head}{sep}{n}{tail}"
    taken.add(value)
    return value


def create_people(
    session: Session, rng: random.Random, *, contacts: int, since: datetime
) -> list[ContactRef]:
    """Insert ``contacts`` contacts and about one company per twelve of them.

    Names, company names, domains and emails avoid what the tenant already
    has, so seeding twice never collides. Contacts at a company's domain
    belong to that company; all are created at or before ``since``.
    """
    tenant_id = current_tenant(session)
    names_taken = set(session.scalars(select(Company.name)))
    emails_taken = set(session.scalars(select(Contact.primary_email)))
    emails_taken.update(session.scalars(select(ContactEmail.email)))
    company_by_domain: dict[str, int] = {
        row.domain: row.company_id
        for row in session.execute(select(CompanyDomain.domain, CompanyDomain.company_id))
    }
    domains_taken = set(company_by_domain) | set(words.PERSONAL_DOMAINS)

    company_count = min(MAX_COMPANIES, max(3, contacts // 12))
    first_company = allocate(session, "companies", company_count)
    companies: list[dict[str, Any]] = []
    domains: list[dict[str, Any]] = []
    new_domains: list[tuple[str, int]] = []
    for company_id in range(first_company, first_company + company_count):
        stem, suffix = rng.choice(words.COMPANY_STEMS), rng.choice(words.COMPANY_SUFFIXES)
        city = rng.choice(words.CITIES)
        name = _unique(names_taken, f"{stem} {suffix}", sep=" ")
        domain = _unique(domains_taken, _slug(stem + suffix), ".example")
        created = since - timedelta(days=rng.randint(30, 400), seconds=rng.randint(0, 86_399))
        companies.append({
            "tenant_id": tenant_id, "id": company_id, "name": name,
            "description": f"{suffix} customer based in {city}.",
            "phone": f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            "address": f"{rng.randint(1, 250)} {rng.choice(words.LAST_NAMES)} Street",
            "city": city, "state": None, "country": None,
            "zipcode": f"{rng.randint(10000, 99999)}", "sla_policy_id": None,
            "created_at": created, "updated_at": created,
        })
        domains.append({"tenant_id": tenant_id, "domain": domain, "company_id": company_id,
                        "position": 0})
        new_domains.append((domain, company_id))
    connection = session.connection()
    connection.execute(insert(table_of(Company)), companies)
    connection.execute(insert(table_of(CompanyDomain)), domains)
    if connection.dialect.name == "postgresql":
        # Each contact's foreign key check looks its company up: with no
        # statistics yet (a fresh database) the planner may scan the tenant's
        # companies for it instead of using the primary key.
        connection.exec_driver_sql("ANALYZE companies")
    company_by_domain.update(new_domains)

    first_contact = allocate(session, "contacts", contacts)
    rows: list[dict[str, Any]] = []
    refs: list[ContactRef] = []
    for contact_id in range(first_contact, first_contact + contacts):
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        if rng.random() < COMPANY_CONTACT_SHARE:
            domain = rng.choice(new_domains)[0]
        else:
            domain = rng.choice(words.PERSONAL_DOMAINS)
        email = _unique(emails_taken, f"{_slug(first)}.{_slug(last)}", f"@{domain}")
        name = f"{first} {last}"
        employer = company_by_domain.get(domain)
        created = since - timedelta(days=rng.randint(0, 30), seconds=rng.randint(0, 86_399))
        rows.append({
            "tenant_id": tenant_id, "id": contact_id, "name": name, "primary_email": email,
            "title": rng.choice(words.TITLES),
            "mobile": f"+44 7700 {rng.randint(100000, 999999)}" if rng.random() < 0.3 else None,
            "phone": f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            "company_id": employer, "is_deleted": False,
            "created_at": created, "updated_at": created,
        })
        refs.append(ContactRef(id=contact_id, email=email, name=name, company_id=employer))
    connection.execute(insert(table_of(Contact)), rows)
    return refs
