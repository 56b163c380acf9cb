"""Creating tenants and keys, and resolving a request to its tenant."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from supportdesk.clock import Clock, system_clock
from supportdesk.db.base import table_of
from supportdesk.db.scoping import bind_tenant
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict, NotFound, Unauthorized
from supportdesk.tenancy.models import ApiKey, Tenant

SUBDOMAIN_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
RESERVED_SUBDOMAINS = frozenset({"www", "api", "apis", "admin", "app", "apps", "static"})
KEY_PREFIX = "sd_"


@dataclass(frozen=True)
class TenantContext:
    """Who is calling: the tenant a request acts for, and through which key."""

    tenant_id: int
    subdomain: str
    catalog_version: int
    api_key_id: int
    is_admin: bool


@dataclass(frozen=True)
class IssuedKey:
    """A freshly created key: ``secret`` is shown once and never stored."""

    id: int
    secret: str
    prefix: str


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_tenant(
    session: Session, *, subdomain: str, name: str | None = None, clock: Clock = system_clock
) -> Tenant:
    """Create an empty tenant at ``subdomain``; the caller commits."""
    subdomain = subdomain.strip().lower()
    if not SUBDOMAIN_PATTERN.match(subdomain) or subdomain in RESERVED_SUBDOMAINS:
        raise BadRequest(
            f"subdomain {subdomain!r} is not valid: use 1-63 lowercase letters, digits "
            "and hyphens, not starting or ending with a hyphen, and not a reserved name"
        )
    if session.scalar(select(Tenant.id).where(Tenant.subdomain == subdomain)) is not None:
        raise Conflict(f"a tenant with subdomain {subdomain!r} already exists")
    tenant = Tenant(subdomain=subdomain, name=name or subdomain, created_at=clock.now())
    session.add(tenant)
    session.flush()
    return tenant


def get_tenant(session: Session, subdomain: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.subdomain == subdomain.lower()))
    if tenant is None:
        raise NotFound(f"no tenant with subdomain {subdomain!r}")
    return tenant


def list_tenants(session: Session) -> list[Tenant]:
    return list(session.scalars(select(Tenant).order_by(Tenant.id)))


def issue_key(
    session: Session,
    *,
    tenant_id: int,
    label: str | None = None,
    is_admin: bool = False,
    clock: Clock = system_clock,
) -> IssuedKey:
    """Create a random 256-bit key for the tenant; only its hash is stored."""
    bind_tenant(session, tenant_id)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        id=next_id(session, "api_keys"),
        key_hash=hash_key(secret),
        prefix=secret[: len(KEY_PREFIX) + 6],
        label=label,
        is_admin=is_admin,
        created_at=clock.now(),
    )
    session.add(key)
    session.flush()
    return IssuedKey(id=key.id, secret=secret, prefix=key.prefix)


def list_keys(session: Session, *, tenant_id: int) -> list[ApiKey]:
    bind_tenant(session, tenant_id)
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def revoke_key(
    session: Session, *, tenant_id: int, key_id: int, clock: Clock = system_clock
) -> None:
    """Revoke a key; it stops working on the next request."""
    bind_tenant(session, tenant_id)
    result = session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"no active API key with id {key_id}")


def subdomain_from_host(host: str | None, base_domain: str) -> str | None:
    """The tenant subdomain named by a Host header, or None for a bare host.

    ``acme.localhost:8080`` with base domain ``localhost`` gives ``acme``;
    ``localhost``, ``127.0.0.1`` and hosts outside the base domain give None.
    """
    if not host:
        return None
    hostname = host.strip().lower()
    if hostname.startswith("["):  # IPv6 literal
        return None
    hostname = hostname.rsplit(":", 1)[0] if ":" in hostname else hostname
    hostname = hostname.rstrip(".")
    suffix = "." + base_domain
    if not hostname.endswith(suffix):
        return None
    label = hostname[: -len(suffix)]
    if not label or "." in label:
        return None
    return label


# Every call authenticates, so the lookup is built once (a Core statement on
# the tables, bound per call): building and compiling an ORM select each time
# cost several times the query itself (docs/benchmarks.md, Request path).
_KEYS = table_of(ApiKey)
_TENANTS = table_of(Tenant)
_KEY_LOOKUP = (
    select(_KEYS.c.id, _KEYS.c.key_hash, _KEYS.c.is_admin, _KEYS.c.revoked_at,
           _TENANTS.c.id.label("tenant_id"), _TENANTS.c.subdomain,
           _TENANTS.c.catalog_version)
    .join(_TENANTS, _TENANTS.c.id == _KEYS.c.tenant_id)
    .where(_KEYS.c.key_hash == bindparam("digest"))
)


def authenticate(session: Session, *, secret: str | None, subdomain: str | None) -> TenantContext:
    """Resolve a raw ``Authorization`` value on a host to the calling tenant.

    Missing, unknown or revoked keys, and keys used on another tenant's
    host, are all refused the same way, so a caller learns nothing from the
    difference. The lookup is the one global (unscoped) query by design: the
    tenant is what it finds out.
    """
    return authenticate_on(session.connection(), secret=secret, subdomain=subdomain)


def authenticate_on(connection: Connection, *, secret: str | None, subdomain: str | None
                    ) -> TenantContext:
    """``authenticate`` on a connection: the request path runs it outside a transaction."""
    if not secret:
        raise Unauthorized("the Authorization header with your API key is missing")
    secret = secret.strip()
    digest = hash_key(secret)
    row = connection.execute(_KEY_LOOKUP, {"digest": digest}).one_or_none()
    if (
        row is None
        or not hmac.compare_digest(row.key_hash, digest)
        or row.revoked_at is not None
        or (subdomain is not None and subdomain != row.subdomain)
    ):
        raise Unauthorized("you are not authorized to access the resource: the API key is "
                           "not valid for this helpdesk")
    return TenantContext(
        tenant_id=row.tenant_id, subdomain=row.subdomain, catalog_version=row.catalog_version,
        api_key_id=row.id, is_admin=row.is_admin,
    )


def bump_catalog_version(session: Session, tenant_id: int) -> None:
    """Tell every process that this tenant's definitions changed."""
    session.execute(
        update(Tenant).where(Tenant.id == tenant_id)
        .values(catalog_version=Tenant.catalog_version + 1)
    )


def create_api_key(
    session: Session, *, tenant_id: int, label: str | None, is_admin: bool,
    clock: Clock = system_clock,
) -> tuple[ApiKey, str]:
    """Issue a key and commit (admin API); the secret is returned this once only."""
    issued = issue_key(session, tenant_id=tenant_id, label=(label or "").strip() or None,
                       is_admin=is_admin, clock=clock)
    key = session.get(ApiKey, (tenant_id, issued.id))
    assert key is not None  # just flushed in this transaction
    session.commit()
    return key, issued.secret


def revoke_api_key(
    session: Session, *, tenant_id: int, key_id: int, caller_key_id: int,
    clock: Clock = system_clock,
) -> None:
    """Revoke a key and commit (admin API); the calling key cannot revoke itself.

    Refusing self-revocation means the admin API can never lock a tenant
    out: the caller's administrator key always survives.
    """
    if key_id == caller_key_id:
        raise Conflict("an API key cannot revoke itself; use another administrator key")
    revoke_key(session, tenant_id=tenant_id, key_id=key_id, clock=clock)
    session.commit()
