"""Admission: who is calling, and may they call now. One place, whoever asks.

Every request to the API is admitted once, before anything it asks for is
done or replayed: the route's ``TenantDep`` admits it, and so does the
``Idempotency-Key`` layer before it replays a stored answer (a replay is a
call like any other, and a blocked address must learn nothing from one).
The outcome is kept on the request's ASGI state (``scope["state"]``), so a
request is charged once however many layers ask:

- ``tenant``: the authenticated ``TenantContext``;
- ``plan``: the tenant's rate-limit plan (for the ticket quota);
- ``rate_limit``: the call limit's ``Decision``, for the header layer.

The order of the steps is what makes the limits hold (docs/api.md, Rate limits):

1. An address with too many failed authentications is refused (429) before
   its key is even checked, so a guesser learns nothing more, whichever key
   it tries.
2. The key is checked. A failure is counted against the address in one
   atomic take: the take that finds no room answers 429, not 401, so
   concurrent guesses cannot all be judged before the first is counted.
3. The call's cost is taken from the key's sliding window (429 without room).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from supportdesk.clock import Clock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from supportdesk.errors import RateLimited, Unauthorized
from supportdesk.ratelimit.buckets import Decision
from supportdesk.ratelimit.limiter import RateLimiter
from supportdesk.ratelimit.plans import Plan
from supportdesk.ratelimit.service import (
    address_bucket,
    calls_bucket,
    epoch_seconds,
    load_plan,
)
from supportdesk.tenancy.service import TenantContext, authenticate_on, subdomain_from_host

FREE_PATHS = frozenset({"/apis/v3/ping"})
SEARCH_PATHS = frozenset({"/apis/v3/tickets/search"})
UNLIMITED_PREFIX = "/apis/admin/"

BLOCKED_MESSAGE = "too many failed authentication attempts from your address"


def routed_path(scope: MutableMapping[str, Any]) -> str:
    """The path as routed: legacy paths are already rewritten to v3, the root path cut."""
    path = str(scope.get("path", ""))
    root_path = str(scope.get("root_path", ""))
    if root_path and path.startswith(root_path):
        path = path[len(root_path):]
    return path


def call_cost(path: str, plan: Plan) -> int:
    """What a call to ``path`` costs: ping and the admin API nothing, search more."""
    if path in FREE_PATHS or path.startswith(UNLIMITED_PREFIX):
        return 0
    if path in SEARCH_PATHS:
        return plan.search_cost
    return 1


def refusal(decision: Decision, message: str) -> RateLimited:
    """The 429 for a refused take, saying when a retry will fit."""
    return RateLimited(f"{message}; retry in {decision.retry_after} seconds",
                       retry_after_seconds=decision.retry_after)


def tenant_plan(database: Database, limiter: RateLimiter, tenant_id: int) -> Plan:
    """The tenant's plan through the limiter's short-lived per-process cache."""
    def load() -> Plan:
        with database.session(tenant_id=tenant_id) as session:
            return load_plan(session)

    return limiter.plan_for(tenant_id, load)


def admit(
    state: MutableMapping[str, Any],
    *,
    database: Database,
    settings: Settings,
    clock: Clock,
    limiter: RateLimiter,
    host: str | None,
    authorization: str | None,
    address: str,
    path: str,
) -> TenantContext:
    """Authenticate the key against the tenant the Host names and charge the call.

    Raises ``Unauthorized`` or ``RateLimited`` (see the module's steps). A
    request already admitted (``state["tenant"]``) is not charged again.
    """
    admitted: TenantContext | None = state.get("tenant")
    if admitted is not None:
        return admitted
    subdomain = subdomain_from_host(host, settings.base_domain)
    now = epoch_seconds(clock.now())
    guarded = bool(authorization) and limiter.address_limit is not None
    if guarded:
        assert limiter.address_limit is not None
        blocked = limiter.check(address_bucket(address), limiter.address_limit, 1, now)
        if blocked is not None and not blocked.allowed:
            state["rate_limit"] = blocked
            raise refusal(blocked, BLOCKED_MESSAGE)
    try:
        with database.lookup() as connection:
            context = authenticate_on(connection, secret=authorization, subdomain=subdomain)
    except Unauthorized:
        if guarded:
            assert limiter.address_limit is not None
            counted = limiter.take(address_bucket(address), limiter.address_limit, 1, now)
            if counted is not None and not counted.allowed:
                state["rate_limit"] = counted
                raise refusal(counted, BLOCKED_MESSAGE) from None
        raise
    plan = tenant_plan(database, limiter, context.tenant_id)
    state["plan"] = plan
    cost = call_cost(path, plan)
    if plan.is_unlimited or cost == 0:
        state["tenant"] = context
        return context
    decision = limiter.take(calls_bucket(context.tenant_id, context.api_key_id,
                                         plan.window_seconds), plan.call_limit, cost, now)
    if decision is not None:
        state["rate_limit"] = decision
        if not decision.allowed:
            raise refusal(decision, f"this API key has used its {plan.calls} calls per "
                          f"{plan.window_seconds} seconds (this call costs {cost})")
    # Only once charged: a refused request admitted again is refused again.
    state["tenant"] = context
    return context
