"""The limiter a process holds: a counter store, its failure policy, a plan cache."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from supportdesk.config import Settings
from supportdesk.db.session import Database
from supportdesk.errors import RateLimited
from supportdesk.ratelimit.buckets import Decision, Limit
from supportdesk.ratelimit.plans import Plan
from supportdesk.ratelimit.stores import BucketStore, LocalStore, RedisStore, SqlStore

log = logging.getLogger("supportdesk.ratelimit")

# How long a process trusts a tenant's plan before reading it again: a plan
# changed by the CLI or another worker applies everywhere within this time.
PLAN_TTL_SECONDS = 5.0
LOG_EVERY_SECONDS = 10.0
LOCAL_FILE = "ratelimit.db"


class LimiterUnavailable(RateLimited):
    """The counter store failed and the deployment fails closed (503)."""

    status_code = 503


class RateLimiter:
    """Takes units from named counters' sliding windows, applying the configured fail mode.

    ``take`` answers None when the store failed and the deployment fails
    open: the call is served, unlimited, and the failure is logged.
    """

    def __init__(self, store: BucketStore, *, fail_open: bool = True,
                 address_limit: Limit | None = None, description: str = "memory") -> None:
        self.store = store
        self.fail_open = fail_open
        self.address_limit = address_limit
        self.description = description
        self._plans: dict[int, tuple[Plan, float]] = {}
        self._lock = threading.Lock()
        self._last_logged = 0.0

    @classmethod
    def from_settings(cls, settings: Settings, database: Database) -> RateLimiter:
        """The store the settings name (see docs/operations.md, Rate limits)."""
        mode = settings.rate_limit_store
        if mode == "auto":
            mode = "redis" if settings.redis_url else "local"
        store: BucketStore
        if mode == "redis":
            if not settings.redis_url:
                raise ValueError("SUPPORTDESK_RATE_LIMIT_STORE=redis needs SUPPORTDESK_REDIS_URL")
            store = RedisStore.from_url(settings.redis_url, prefix=settings.rate_limit_prefix)
        elif mode == "database":
            if database.dialect != "postgresql":
                raise ValueError("SUPPORTDESK_RATE_LIMIT_STORE=database needs PostgreSQL")
            store = SqlStore(database.engine, prefix=settings.rate_limit_prefix)
        else:
            store = LocalStore(settings.data_dir / LOCAL_FILE)
        log.info("rate limits: counters in the %s store, failing %s", mode,
                 settings.rate_limit_fail_mode)
        address_limit = None
        if settings.rate_limit_auth_failures > 0:
            address_limit = Limit(capacity=settings.rate_limit_auth_failures,
                                  window=settings.rate_limit_auth_window)
        return cls(store, fail_open=settings.rate_limit_fail_mode == "open",
                   address_limit=address_limit, description=mode)

    def plan_for(self, tenant_id: int, load: Callable[[], Plan]) -> Plan:
        """The tenant's plan, read at most every few seconds per process."""
        now = time.monotonic()
        with self._lock:
            cached = self._plans.get(tenant_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        plan = load()
        with self._lock:
            self._plans[tenant_id] = (plan, now + PLAN_TTL_SECONDS)
        return plan

    def forget_plan(self, tenant_id: int) -> None:
        """Read the tenant's plan again on its next call (it was just changed here)."""
        with self._lock:
            self._plans.pop(tenant_id, None)

    def take(self, name: str, limit: Limit, cost: int, now: int) -> Decision | None:
        """Count ``cost`` units against counter ``name`` if they fit in its window.

        None if the store failed and the deployment fails open.
        """
        try:
            return self.store.take(name, limit, cost, now)
        except Exception as error:
            self._store_failed(error)
            return None

    def peek(self, name: str, limit: Limit, now: int) -> Decision | None:
        """Where a counter stands, taking nothing."""
        return self.check(name, limit, 0, now)

    def check(self, name: str, limit: Limit, cost: int, now: int) -> Decision | None:
        """Whether ``cost`` units would fit now (and if not, when), taking nothing."""
        try:
            return self.store.look(name, limit, cost, now)
        except Exception as error:
            self._store_failed(error)
            return None

    def reset(self, names: list[str]) -> None:
        """Forget what counters counted. A store failure is an error here, whatever the mode."""
        self.store.reset(names)

    def close(self) -> None:
        self.store.close()

    def _store_failed(self, error: Exception) -> None:
        now = time.monotonic()
        if now - self._last_logged >= LOG_EVERY_SECONDS:
            self._last_logged = now
            log.error("rate-limit store (%s) failed; failing %s: %s", self.description,
                      "open (calls are served without limits)" if self.fail_open
                      else "closed (calls are refused with 503)", error)
        if not self.fail_open:
            raise LimiterUnavailable("the service cannot check rate limits right now; "
                                     "try again shortly", retry_after_seconds=5) from error
