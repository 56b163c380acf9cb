"""Customer organisations: listing, finding, creating and changing companies.

A company owns email domains; a contact created later at one of those
domains joins the company. Company names are unique in a helpdesk, compared
without regard to case (Unicode case folding, through ``name_folded``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from supportdesk.companies.models import Company, CompanyDomain, fold_name
from supportdesk.companies.schemas import CompanyCreate, CompanyPage, CompanyRead, CompanyUpdate
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict, NotFound
from supportdesk.search.index import reindex_company_tickets
from supportdesk.text import blank_to_none
from supportdesk.unit import TenantUnit

# Desk365's name for "no policy of its own: use the helpdesk-wide default".
HELPDESK_DEFAULT_SLA = "helpdesk default"
PAGE_SIZE = 30
DOMAIN_MAX_LENGTH = 253  # company_domains.domain String(253)
# Dot-separated labels of letters, digits, hyphens and underscores (IDNs allowed).
_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+$")
_OPTIONAL_TEXT = ("description", "phone", "address", "city", "state", "country", "zipcode")


def query_text(value: str, *, field: str) -> str:
    """A name from the query string, refused with a 400 if no database could store it."""
    if "\x00" in value:
        raise BadRequest(f"{field} must not contain NUL characters")
    return value.strip()


def find_company(unit: TenantUnit, name: str, *, field: str = "name") -> Company | None:
    """The company called ``name`` (case-insensitive), or None."""
    wanted = query_text(name, field=field)
    if not wanted:
        return None
    # name_folded, not lower(): SQLite's lower() leaves non-ASCII letters alone.
    return unit.session.scalars(
        select(Company)
        .where(Company.name_folded == fold_name(wanted))
        .order_by(Company.id)
        .limit(1)
    ).first()


def list_companies(unit: TenantUnit, *, offset: int = 0, limit: int = PAGE_SIZE) -> CompanyPage:
    """One page of the helpdesk's companies by name, A to Z, with the total count."""
    total = unit.session.scalar(select(func.count()).select_from(Company)) or 0
    companies = list(unit.session.scalars(
        select(Company)
        .order_by(func.lower(Company.name), Company.name, Company.id)
        .offset(offset)
        .limit(limit)
    ))
    domains = _domains_of(unit, [c.id for c in companies])
    return CompanyPage(
        total=total,
        items=[_read(unit, c, domains.get(c.id, [])) for c in companies],
    )


def get_company(unit: TenantUnit, *, name: str, field: str = "name") -> CompanyRead:
    """The company called ``name``; 404 naming it if there is none."""
    company = _require(unit, name, field=field)
    return _read(unit, company, _domains_of(unit, [company.id]).get(company.id, []))


def create_company(unit: TenantUnit, *, data: CompanyCreate) -> CompanyRead:
    """Add a customer organisation and the email domains it owns.

    Owning a domain only affects contacts created afterwards: contacts that
    already exist at the domain stay in whatever company they are in (or
    none); move them one by one with a contact update if wanted.
    """
    name = _company_name(data.name)
    if find_company(unit, name) is not None:
        raise Conflict(f"a company named {name!r} already exists")
    domains = parse_domains(data.domains)
    _ensure_domains_free(unit, domains, company_id=None)
    now = unit.clock.now()
    company = Company(
        id=next_id(unit.session, "companies"),
        name=name,
        name_folded=fold_name(name),
        sla_policy_id=_sla_policy_id(unit, data.sla),
        created_at=now,
        updated_at=now,
        **{attribute: blank_to_none(getattr(data, attribute)) for attribute in _OPTIONAL_TEXT},
    )
    unit.session.add(company)
    _add_domains(unit, company.id, domains)
    _flush(unit, name)
    unit.commit()
    return _read(unit, company, domains)


def update_company(unit: TenantUnit, *, name: str, changes: CompanyUpdate) -> CompanyRead:
    """Change the fields present in ``changes``; ``domains``, when given, replaces the list.

    A rename must not collide with another company. As on create, changing
    the domains does not move existing contacts.
    """
    company = _require(unit, name, field="company_name")
    present = changes.model_fields_set
    if "name" in present:
        new_name = _company_name(changes.name)
        other = find_company(unit, new_name)
        if other is not None and other.id != company.id:
            raise Conflict(f"a company named {new_name!r} already exists")
        company.name = new_name
        company.name_folded = fold_name(new_name)
    for attribute in _OPTIONAL_TEXT:
        if attribute in present:
            setattr(company, attribute, blank_to_none(getattr(changes, attribute)))
    if "sla" in present:
        company.sla_policy_id = _sla_policy_id(unit, changes.sla)
    if "domains" in present:
        domains = parse_domains(changes.domains)
        _ensure_domains_free(unit, domains, company_id=company.id)
        unit.session.execute(delete(CompanyDomain).where(CompanyDomain.company_id == company.id))
        _add_domains(unit, company.id, domains)
    else:
        domains = _domains_of(unit, [company.id]).get(company.id, [])
    company.updated_at = unit.clock.now()
    _flush(unit, company.name)
    if "name" in present:
        reindex_company_tickets(unit, company.id)
    unit.commit()
    return _read(unit, company, domains)


def parse_domains(value: str | None) -> list[str]:
    """A comma-separated domain list, lower-cased, without repeats, in the given order."""
    domains: list[str] = []
    for part in (value or "").split(","):
        domain = part.strip().lower().removeprefix("@")
        if not domain:
            continue
        if len(domain) > DOMAIN_MAX_LENGTH:
            raise BadRequest(f"domains: {domain[:40]!r}... is longer than "
                             f"{DOMAIN_MAX_LENGTH} characters")
        if not _DOMAIN.match(domain):
            raise BadRequest(f"domains: {part.strip()!r} is not a valid domain name")
        if domain not in domains:
            domains.append(domain)
    return domains


def _require(unit: TenantUnit, name: str, *, field: str) -> Company:
    if not name.strip():
        raise BadRequest(f"{field} is required")
    company = find_company(unit, name, field=field)
    if company is None:
        raise NotFound(f"no company named {name.strip()!r} exists")
    return company


def _company_name(value: str | None) -> str:
    name = blank_to_none(value)
    if name is None:
        raise BadRequest("name is required and must not be empty")
    return name


def _sla_policy_id(unit: TenantUnit, value: str | None) -> int | None:
    """None (the helpdesk default) or the id of the policy named ``value``."""
    name = blank_to_none(value)
    if name is None or name.casefold() == HELPDESK_DEFAULT_SLA:
        return None
    policy = unit.catalog.sla_by_name.get(name.casefold())
    if policy is None:
        known = ", ".join(repr(p.name) for p in unit.catalog.sla_policies)
        raise BadRequest(f"sla {name!r} is not an SLA policy of this helpdesk; use one of "
                         f"{known} or {HELPDESK_DEFAULT_SLA!r}")
    return policy.id


def _ensure_domains_free(unit: TenantUnit, domains: list[str], *, company_id: int | None) -> None:
    """409 naming the first domain that another company already owns."""
    if not domains:
        return
    query = (
        select(CompanyDomain.domain, Company.name)
        .join(Company, Company.id == CompanyDomain.company_id)
        .where(CompanyDomain.domain.in_(domains))
        .order_by(CompanyDomain.domain)
        .limit(1)
    )
    if company_id is not None:
        query = query.where(CompanyDomain.company_id != company_id)
    taken = unit.session.execute(query).first()
    if taken is not None:
        domain, owner = taken
        raise Conflict(f"domain {domain!r} already belongs to the company {owner!r}")


def _add_domains(unit: TenantUnit, company_id: int, domains: Iterable[str]) -> None:
    for position, domain in enumerate(domains):
        unit.session.add(CompanyDomain(domain=domain, company_id=company_id, position=position))


def _flush(unit: TenantUnit, name: str) -> None:
    # Two requests racing past the checks above meet the unique indexes here.
    try:
        unit.session.flush()
    except IntegrityError:
        unit.session.rollback()
        raise Conflict(f"the company {name!r} or one of its domains was changed by another "
                       "request at the same time; try again") from None


def _domains_of(unit: TenantUnit, company_ids: list[int]) -> dict[int, list[str]]:
    if not company_ids:
        return {}
    domains: dict[int, list[str]] = {}
    for company_id, domain in unit.session.execute(
        select(CompanyDomain.company_id, CompanyDomain.domain)
        .where(CompanyDomain.company_id.in_(company_ids))
        .order_by(CompanyDomain.company_id, CompanyDomain.position, CompanyDomain.domain)
    ):
        domains.setdefault(company_id, []).append(domain)
    return domains


def _read(unit: TenantUnit, company: Company, domains: list[str]) -> CompanyRead:
    policy = (unit.catalog.sla_by_id.get(company.sla_policy_id)
              if company.sla_policy_id is not None else None)
    return CompanyRead(
        name=company.name, description=company.description, phone=company.phone,
        address=company.address, city=company.city, state=company.state,
        country=company.country, zipcode=company.zipcode,
        sla_policy=policy.name if policy is not None else None,
        domains=list(domains), created_at=company.created_at, updated_at=company.updated_at,
    )
