"""The unit of work a service function receives: one tenant, one transaction.

Routes and CLI commands build a ``TenantUnit`` and hand it to services; the
service decides when to commit. Nothing outside the service layer commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from supportdesk.attachments.storage import AttachmentStorage, storage_from_settings
from supportdesk.catalog.snapshot import Catalog, cached_catalog, catalog_for, load_catalog
from supportdesk.clock import Clock, system_clock
from supportdesk.config import Settings
from supportdesk.db.group_commit import GroupCommit
from supportdesk.db.scoping import bind_tenant
from supportdesk.db.session import Database
from supportdesk.tenancy.models import Tenant
from supportdesk.tenancy.service import get_tenant


class TenantUnit:
    """A tenant-scoped session plus what services need around it.

    A unit normally comes with its session. A write unit under group commit
    (``db.group_commit``, SQLite) comes with ``group`` instead: its session
    is opened on first use, when the unit takes its turn, and ``commit``
    returns once the shared transaction holding it is durable; a use after
    the commit takes a new turn.
    """

    def __init__(self, *, tenant_id: int, subdomain: str, catalog_version: int,
                 settings: Settings, storage: AttachmentStorage, clock: Clock = system_clock,
                 session: Session | None = None, group: GroupCommit | None = None,
                 catalog: Catalog | None = None) -> None:
        if (session is None) == (group is None):
            raise ValueError("a unit needs a session or a group commit, not both")
        self.tenant_id = tenant_id
        self.subdomain = subdomain
        self.catalog_version = catalog_version
        self.settings = settings
        self.storage = storage
        self.clock = clock
        self.group = group
        self._session = session
        self._catalog = catalog

    @property
    def session(self) -> Session:
        """The unit's tenant-scoped session (under group commit: taking the turn)."""
        if self._session is None:
            assert self.group is not None
            session = self.group.begin(self)
            bind_tenant(session, self.tenant_id)
            self._session = session
        return self._session

    @property
    def catalog(self) -> Catalog:
        """The tenant's definitions (statuses, agents, fields...), cached per version."""
        if self._catalog is None:
            self._catalog = cached_catalog(self.tenant_id, self.catalog_version) \
                or catalog_for(self.session, self.catalog_version)
        return self._catalog

    def reload_catalog(self) -> Catalog:
        """Re-read definitions changed inside this transaction."""
        self._catalog = load_catalog(self.session)
        return self._catalog

    def commit(self) -> None:
        """Make the unit's changes durable: the service's last step."""
        if self.group is None:
            self.session.commit()
            return
        session, self._session = self._session, None
        if session is None:
            return  # nothing was read or written
        try:
            session.commit()
        except BaseException:
            self.group.end(self, session, committed=False)
            raise
        self.group.end(self, session, committed=True)

    def end_reads(self) -> None:
        """End a read unit's transaction once the service has read all it needs.

        Its connection goes back to the pool from the service's own thread,
        so closing the unit afterwards does no I/O (``api.deps._served``
        then closes it on the event loop). A later read begins anew.

        On PostgreSQL the transaction ends with ``COMMIT``: for a transaction
        that wrote nothing it is the same as ``ROLLBACK``, but psycopg throws
        away the connection's prepared statements on every ``ROLLBACK``, so
        the list and details statements would be parsed and planned anew on
        each call (the filtered list of 100: 1.8 ms of planning beside 1.5 ms
        of running, docs/benchmarks.md). Only read services call this.
        """
        session = self._session
        if self.group is None and session is not None:
            if session.in_transaction() and session.get_bind().dialect.name == "postgresql":
                session.commit()
            session.close()

    @property
    def in_transaction(self) -> bool:
        """Whether the unit's session holds a transaction (and so a connection)."""
        return self._session is not None and self._session.in_transaction()

    @property
    def holds_session(self) -> bool:
        """Whether closing has work to do: a session not yet committed or closed."""
        return self._session is not None

    def close(self) -> None:
        """End the unit: whatever was not committed is rolled back."""
        session = self._session
        if session is None:
            return
        self._session = None
        if self.group is not None:
            self.group.end(self, session, committed=False)
        else:
            session.close()


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
