"""The unit of work a service function receives: one tenant, one transaction.

Routes and CLI commands build a ``TenantUnit`` and hand it to services; the
service decides when to commit. Nothing outside the service layer commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from supportdesk.attachments.storage import AttachmentStorage, storage_from_settings
from supportdesk.catalog.snapshot import Catalog, catalog_for, load_catalog
from supportdesk.clock import Clock, system_clock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from supportdesk.tenancy.models import Tenant
from supportdesk.tenancy.service import get_tenant


@dataclass
class TenantUnit:
    """A tenant-scoped session plus what services need around it."""

    session: Session
    tenant_id: int
    subdomain: str
    catalog_version: int
    settings: Settings
    storage: AttachmentStorage
    clock: Clock = system_clock
    _catalog: Catalog | None = field(default=None, repr=False)

    @property
    def catalog(self) -> Catalog:
        """The tenant's definitions (statuses, agents, fields...), cached per version."""
        if self._catalog is None:
            self._catalog = catalog_for(self.session, self.catalog_version)
        return self._catalog

    def reload_catalog(self) -> Catalog:
        """Re-read definitions changed inside this transaction."""
        self._catalog = load_catalog(self.session)
        return self._catalog

    def commit(self) -> None:
        self.session.commit()


@contextmanager
def open_unit(
    database: Database,
    settings: Settings,
    *,
    subdomain: str,
    write: bool = False,
    clock: Clock = system_clock,
) -> Iterator[TenantUnit]:
    """A unit for the tenant at ``subdomain`` (used by the CLI and tests)."""
    with database.session(write=write) as lookup:
        tenant: Tenant = get_tenant(lookup, subdomain)
        tenant_id, version = tenant.id, tenant.catalog_version
    with database.session(tenant_id=tenant_id, write=write) as session:
        yield TenantUnit(
            session=session, tenant_id=tenant_id, subdomain=subdomain,
            catalog_version=version, settings=settings,
            storage=storage_from_settings(settings.attachment_storage, settings.data_dir),
            clock=clock,
        )
