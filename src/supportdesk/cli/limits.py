"""CLI commands for rate limits and usage per tenant and key.

``tenant set-limits`` / ``tenant limits`` change and show a tenant's plan;
``apikey usage`` / ``apikey reset-usage`` show and clear keys' counters in
the same counter store the server uses (Redis or ``<data dir>/ratelimit.db``);
``address show`` / ``address unblock`` do the same for a client address's
failed authentications.
"""

from __future__ import annotations

from typing import Annotated

import typer

from supportdesk.cli.apikeys import apikey_app
from supportdesk.cli.common import TenantOption, app, deployment
from supportdesk.cli.tenants import tenant_app
from supportdesk.clock import SystemClock
from supportdesk.ratelimit.buckets import Decision
from supportdesk.ratelimit.limiter import RateLimiter
from supportdesk.ratelimit.plans import Plan
from supportdesk.ratelimit.service import (
    AddressStanding,
    KeyUsage,
    address_standing,
    get_plan,
    key_usage,
    reset_key_usage,
    set_plan,
    unblock_address,
)
from supportdesk.unit import open_unit

address_app = typer.Typer(help="Failed authentications per client address: show, unblock.",
                          no_args_is_help=True)
app.add_typer(address_app, name="address")

SubdomainArgument = Annotated[str, typer.Argument(help="The tenant's subdomain.")]


def _describe(plan: Plan) -> str:
    if plan.is_unlimited:
        return "unlimited (no rate limits)"
    return (f"{plan.name}: {plan.calls} calls per {plan.window_seconds} seconds per key, "
            f"{plan.tickets_per_hour} tickets per hour, a search costs {plan.search_cost} "
            "calls")


@tenant_app.command("set-limits")
def tenant_set_limits(
    subdomain: SubdomainArgument,
    *,
    calls: Annotated[int | None, typer.Option(help="Calls per window, per API key.")] = None,
    window: Annotated[int | None, typer.Option(help="The window, in seconds.")] = None,
    tickets_per_hour: Annotated[int | None, typer.Option(
        help="Tickets one key may receive per hour (at least 100).")] = None,
    search_cost: Annotated[int | None, typer.Option(help="Calls a search costs.")] = None,
    plan: Annotated[str | None, typer.Option(
        help="Start from a preset: standard (100/hour) or per_minute (50/minute).")] = None,
    unlimited: Annotated[bool, typer.Option(
        "--unlimited", help="Turn the limits off (sandboxes, test suites).")] = False,
) -> None:
    """Set a tenant's rate limits; values not given are kept. Without --unlimited the
    limits are on."""
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=subdomain, write=True) as unit:
        changed = set_plan(unit, preset=plan, calls=calls, window_seconds=window,
                           tickets_per_hour=tickets_per_hour, search_cost=search_cost,
                           unlimited=unlimited)
    typer.echo(f"{subdomain}: {_describe(changed)}")
    typer.echo("Running servers apply it within 5 seconds.")


@tenant_app.command("limits")
def tenant_limits(subdomain: SubdomainArgument) -> None:
    """Show a tenant's rate limits."""
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=subdomain) as unit:
        plan = get_plan(unit)
    typer.echo(f"{subdomain}: {_describe(plan)}")


def _left(decision: Decision | None) -> str:
    if decision is None:
        return "-"
    return f"{decision.remaining}/{decision.limit} (all back in {decision.reset_seconds}s)"


def _print_usage(usages: list[KeyUsage]) -> None:
    typer.echo(f"{'ID':>5} {'PREFIX':<10} {'CALLS LEFT':<28} TICKETS LEFT")
    for usage in usages:
        typer.echo(f"{usage.key_id:>5} {usage.prefix:<10} {_left(usage.calls):<28} "
                   f"{_left(usage.tickets)}")


@apikey_app.command("usage")
def apikey_usage(
    tenant: TenantOption,
    key_id: Annotated[int | None, typer.Option("--id", help="One key (default: all).")] = None,
) -> None:
    """Show keys' calls and tickets left and when all of them are back."""
    with deployment() as (settings, database):
        limiter = RateLimiter.from_settings(settings, database)
        try:
            with open_unit(database, settings, subdomain=tenant) as unit:
                usages = key_usage(unit, limiter, key_id=key_id)
        finally:
            limiter.close()
    if usages and usages[0].plan.is_unlimited:
        typer.echo(f"{tenant} is unlimited: no usage is counted.")
    _print_usage(usages)


@apikey_app.command("reset-usage")
def apikey_reset_usage(
    tenant: TenantOption,
    key_id: Annotated[int, typer.Option("--id", help="The key's id (see apikey list).")],
) -> None:
    """Give a key its full allowance of calls and tickets back."""
    with deployment() as (settings, database):
        limiter = RateLimiter.from_settings(settings, database)
        try:
            with open_unit(database, settings, subdomain=tenant) as unit:
                usage = reset_key_usage(unit, limiter, key_id=key_id)
        finally:
            limiter.close()
    typer.echo(f"reset the usage of API key {key_id} of {tenant!r}")
    _print_usage([usage])


AddressArgument = Annotated[str, typer.Argument(
    help="The client's IP address (an IPv6 address stands for its /64).")]


def _print_standing(standing: AddressStanding) -> None:
    if standing.failures is None:
        typer.echo("failed-authentication limits are off "
                   "(SUPPORTDESK_RATE_LIMIT_AUTH_FAILURES=0)")
        return
    failures = standing.failures
    state = "blocked" if standing.blocked else "not blocked"
    typer.echo(f"{standing.counter}: {state}, {failures.limit - failures.remaining}/"
               f"{failures.limit} failed authentications counted (all gone in "
               f"{failures.reset_seconds}s)")


@address_app.command("show")
def address_show(address: AddressArgument) -> None:
    """Show the failed authentications counted against an address, and whether it is
    blocked."""
    with deployment() as (settings, database):
        limiter = RateLimiter.from_settings(settings, database)
        try:
            standing = address_standing(limiter, address, now=SystemClock().now())
        finally:
            limiter.close()
    _print_standing(standing)


@address_app.command("unblock")
def address_unblock(address: AddressArgument) -> None:
    """Forget an address's failed authentications: it is let in again at once, on every
    server sharing the counter store."""
    with deployment() as (settings, database):
        limiter = RateLimiter.from_settings(settings, database)
        try:
            standing = unblock_address(limiter, address, now=SystemClock().now())
        finally:
            limiter.close()
    typer.echo(f"unblocked {standing.counter}")
    _print_standing(standing)
