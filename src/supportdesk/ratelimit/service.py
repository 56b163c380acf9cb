"""A tenant's rate-limit plan, and what operators do with keys' usage."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from supportdesk.errors import BadRequest, NotFound
from supportdesk.ratelimit.buckets import MAX_CAPACITY, MAX_WINDOW, Decision
from supportdesk.ratelimit.limiter import RateLimiter
from supportdesk.ratelimit.models import RateLimitPlan
from supportdesk.ratelimit.plans import PRESETS, STANDARD, Plan
from supportdesk.tenancy.models import ApiKey
from supportdesk.unit import TenantUnit

LARGEST_PAGE = 100


def epoch_seconds(moment: datetime) -> int:
    """A naive-UTC clock reading as whole epoch seconds (what counters count in)."""
    return int(moment.replace(tzinfo=UTC).timestamp())


def load_plan(session: Session) -> Plan:
    """The plan of the tenant ``session`` is bound to (Standard without a row)."""
    row = session.scalar(select(RateLimitPlan))
    if row is None:
        return STANDARD
    return Plan(calls=row.calls_per_window, window_seconds=row.window_seconds,
                tickets_per_hour=row.tickets_per_hour, search_cost=row.search_cost,
                is_unlimited=row.is_unlimited)


def get_plan(unit: TenantUnit) -> Plan:
    """The limits the tenant's keys work under."""
    return load_plan(unit.session)


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, got {value}")


def set_plan(
    unit: TenantUnit,
    *,
    preset: str | None = None,
    calls: int | None = None,
    window_seconds: int | None = None,
    tickets_per_hour: int | None = None,
    search_cost: int | None = None,
    unlimited: bool = False,
) -> Plan:
    """Change the tenant's plan and commit.

    Starts from the named preset (``standard`` or ``per_minute``), or from
    the current plan without one; the numbers given replace its values.
    ``unlimited`` turns the limits off (the numbers are kept for later).
    """
    if preset is not None:
        if preset not in PRESETS:
            raise BadRequest(f"plan must be one of {', '.join(PRESETS)}, got {preset!r}")
        base = PRESETS[preset]
    else:
        base = get_plan(unit)
    plan = Plan(
        calls=base.calls if calls is None else calls,
        window_seconds=base.window_seconds if window_seconds is None else window_seconds,
        tickets_per_hour=base.tickets_per_hour if tickets_per_hour is None
        else tickets_per_hour,
        search_cost=base.search_cost if search_cost is None else search_cost,
        is_unlimited=unlimited,
    )
    _check_range("calls", plan.calls, 1, MAX_CAPACITY)
    _check_range("window_seconds", plan.window_seconds, 1, MAX_WINDOW)
    # A page of 100 tickets must fit in an empty window, or it could never be served.
    _check_range("tickets_per_hour", plan.tickets_per_hour, LARGEST_PAGE, MAX_CAPACITY)
    _check_range("search_cost", plan.search_cost, 1, plan.calls)
    row = unit.session.scalar(select(RateLimitPlan))
    if row is None:
        row = RateLimitPlan()
        unit.session.add(row)
    row.calls_per_window = plan.calls
    row.window_seconds = plan.window_seconds
    row.tickets_per_hour = plan.tickets_per_hour
    row.search_cost = plan.search_cost
    row.is_unlimited = plan.is_unlimited
    row.updated_at = unit.clock.now()
    unit.commit()
    return plan


@dataclass(frozen=True)
class KeyUsage:
    """Where one key stands against its tenant's plan right now.

    ``calls`` and ``tickets`` are None when the plan is unlimited.
    """

    key_id: int
    prefix: str
    label: str | None
    plan: Plan
    calls: Decision | None
    tickets: Decision | None


def _keys(unit: TenantUnit, key_id: int | None) -> list[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.id)
    if key_id is not None:
        query = query.where(ApiKey.id == key_id)
    keys = list(unit.session.scalars(query))
    if key_id is not None and not keys:
        raise NotFound(f"no API key with id {key_id}")
    return keys


def key_usage(unit: TenantUnit, limiter: RateLimiter, *, key_id: int | None = None
              ) -> list[KeyUsage]:
    """Usage of one key (``key_id``) or of every key of the tenant, in id order."""
    plan = get_plan(unit)
    now = epoch_seconds(unit.clock.now())
    usages = []
    for key in _keys(unit, key_id):
        calls = tickets = None
        if not plan.is_unlimited:
            # The store directly, not the fail mode: an operator asking must see a failure.
            calls = limiter.store.look(calls_bucket(unit.tenant_id, key.id,
                                                    plan.window_seconds), plan.call_limit, 0, now)
            tickets = limiter.store.look(tickets_bucket(unit.tenant_id, key.id),
                                         plan.ticket_limit, 0, now)
        usages.append(KeyUsage(key_id=key.id, prefix=key.prefix, label=key.label, plan=plan,
                               calls=calls, tickets=tickets))
    return usages


def reset_key_usage(unit: TenantUnit, limiter: RateLimiter, *, key_id: int) -> KeyUsage:
    """Give a key its full allowance of calls and tickets back."""
    _keys(unit, key_id)
    window = get_plan(unit).window_seconds
    limiter.reset([calls_bucket(unit.tenant_id, key_id, window),
                   tickets_bucket(unit.tenant_id, key_id)])
    return key_usage(unit, limiter, key_id=key_id)[0]


def calls_bucket(tenant_id: int, key_id: int, window_seconds: int) -> str:
    """The counter of a key's calls under a window of ``window_seconds``.

    The window is in the name, so a plan that changes the window starts a
    counter of its own while the old one runs out by itself: two workers that
    briefly disagree on the plan (each caches it for a few seconds) never
    erase each other's counts. A plan that changes only the number of calls
    keeps the count: the calls already made count against the new limit.
    """
    return f"calls:{tenant_id}:{key_id}:{window_seconds}s"


def tickets_bucket(tenant_id: int, key_id: int) -> str:
    return f"tickets:{tenant_id}:{key_id}"


def address_bucket(address: str) -> str:
    """The failed-authentication counter of a client address.

    An IPv6 client is counted by its /64 network: one subscriber or host is
    usually handed a whole /64, and counting each of its 2**64 addresses
    apart would let a guesser take a fresh limit with every address.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return f"auth:{address}"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return f"auth:{parsed.ipv4_mapped}"
        return f"auth:{ipaddress.IPv6Network((parsed, 64), strict=False)}"
    return f"auth:{parsed}"



@dataclass(frozen=True, slots=True)
class AddressStanding:
    """Where a client address stands with failed authentications.

    ``counter`` names what is counted (an IPv6 address is counted by its
    /64); ``failures`` is None when the failed-authentication limit is off.
    """

    address: str
    counter: str
    failures: Decision | None

    @property
    def blocked(self) -> bool:
        return self.failures is not None and self.failures.remaining <= 0


def _address_counter(address: str) -> str:
    text = address.strip()
    try:
        ipaddress.ip_address(text)
    except ValueError:
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise BadRequest(f"{address!r} is not an IP address") from None
        # A network as ``address show`` prints it (an IPv6 /64), counted under its own name.
        return f"auth:{ipaddress.ip_network(text, strict=False)}"
    return address_bucket(text)


def address_standing(limiter: RateLimiter, address: str, *, now: datetime) -> AddressStanding:
    """The failed authentications counted against ``address`` (or its /64)."""
    counter = _address_counter(address)
    failures = None
    if limiter.address_limit is not None:
        # The store directly, not the fail mode: an operator asking must see a failure.
        failures = limiter.store.look(counter, limiter.address_limit, 0, epoch_seconds(now))
    return AddressStanding(address=address.strip(), counter=counter.removeprefix("auth:"),
                           failures=failures)


def unblock_address(limiter: RateLimiter, address: str, *, now: datetime) -> AddressStanding:
    """Forget the failed authentications of ``address`` (or its /64): it is let in at once."""
    counter = _address_counter(address)
    limiter.reset([counter])
    return address_standing(limiter, address, now=now)
