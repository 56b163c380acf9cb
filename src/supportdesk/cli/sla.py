"""``supportdesk sla-policy`` and ``supportdesk business-hours``: SLA settings.

Compact spellings (see ``sla.parsing``): ``--target 20=15/120`` (priority =
first response / resolution minutes, ``-`` for none), ``--day
monday=09:00-12:00,13:00-17:00``, ``--holiday 2026-12-25=Christmas Day``,
and minutes as a number or ``none`` to clear.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from supportdesk.cli.catalog import IdOption, build, table, tenant_unit
from supportdesk.cli.common import TenantOption, app
from supportdesk.sla.business_hours import (
    add_business_hours,
    delete_business_hours,
    list_business_hours,
    update_business_hours,
)
from supportdesk.sla.parsing import parse_day, parse_holiday, parse_minutes, parse_target
from supportdesk.sla.schemas import (
    BusinessHoursCreate,
    BusinessHoursUpdate,
    PolicyCreate,
    PolicyUpdate,
)
from supportdesk.sla.service import add_policy, delete_policy, list_policies, update_policy

policy_app = typer.Typer(help="Manage a tenant's SLA policies.", no_args_is_help=True)
app.add_typer(policy_app, name="sla-policy")
hours_app = typer.Typer(help="Manage a tenant's business-hours calendars.",
                        no_args_is_help=True)
app.add_typer(hours_app, name="business-hours")

MinutesOption = Annotated[str | None, typer.Option(help="Minutes, or none to clear.")]
TargetOption = Annotated[list[str] | None, typer.Option(
    "--target", help="PRIORITY=FIRST/RESOLUTION minutes, e.g. 20=15/120 (repeat).")]
HoursModeOption = Annotated[str | None, typer.Option(
    "--hours", help="calendar (around the clock) or business.")]
CalendarOption = Annotated[int | None, typer.Option(
    "--business-hours", help="The business hours' id (for --hours business).")]
DayOption = Annotated[list[str] | None, typer.Option(
    "--day", help="WEEKDAY=HH:MM-HH:MM[,...], e.g. monday=09:00-17:00 (repeat; days not "
    "given are closed).")]
HolidayOption = Annotated[list[str] | None, typer.Option(
    "--holiday", help="DATE=NAME, e.g. 2026-12-25=Christmas Day (repeat).")]


def _minutes(first_response: str | None, resolution: str | None) -> dict[str, Any]:
    """The minutes options given, parsed; ``none`` becomes None (clear)."""
    given: dict[str, Any] = {}
    if first_response is not None:
        given["first_response_minutes"] = parse_minutes(first_response,
                                                        option="--first-response")
    if resolution is not None:
        given["resolution_minutes"] = parse_minutes(resolution, option="--resolution")
    return given


@policy_app.command("list")
def policy_list(tenant: TenantOption) -> None:
    """List SLA policies: id, default, first response, resolution, hours, targets, name."""
    with tenant_unit(tenant, write=False) as unit:
        rows = [
            (v.policy.id, "yes" if v.policy.is_default else "",
             v.policy.first_response_minutes, v.policy.resolution_minutes,
             v.policy.hours_mode + (f":{v.policy.business_hours_id}"
                                    if v.policy.business_hours_id else ""),
             " ".join(f"{t.priority}={t.first_response_minutes or '-'}/"
                      f"{t.resolution_minutes or '-'}" for t in v.targets) or "-",
             v.policy.name)
            for v in list_policies(unit)
        ]
    table(("ID", "DEFAULT", "FIRST", "RESOLVE", "HOURS", "TARGETS", "NAME"),
          (5, 7, 6, 7, 12, 24), rows)


@policy_app.command("create")
def policy_create(
    *,
    tenant: TenantOption,
    name: Annotated[str, typer.Option(help="The policy's name.")],
    default: Annotated[bool, typer.Option("--default", help="Make it the default.")] = False,
    first_response: MinutesOption = None,
    resolution: MinutesOption = None,
    hours: HoursModeOption = None,
    business_hours: CalendarOption = None,
    target: TargetOption = None,
) -> None:
    """Add an SLA policy."""
    with tenant_unit(tenant) as unit:
        minutes = _minutes(first_response, resolution)
        view = add_policy(unit, build(
            PolicyCreate, minutes, name=name, is_default=default, hours_mode=hours,
            business_hours_id=business_hours, targets=[parse_target(t) for t in target or []]))
        typer.echo(f"SLA policy {view.policy.name!r} created (id {view.policy.id})")


@policy_app.command("update")
def policy_update(
    *,
    tenant: TenantOption,
    policy_id: IdOption,
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    default: Annotated[bool, typer.Option("--default", help="Make it the default.")] = False,
    first_response: MinutesOption = None,
    resolution: MinutesOption = None,
    hours: HoursModeOption = None,
    business_hours: CalendarOption = None,
    target: TargetOption = None,
    no_targets: Annotated[bool, typer.Option("--no-targets", help="Remove every per-priority "
                                             "target.")] = False,
) -> None:
    """Change an SLA policy; --target replaces all per-priority targets."""
    with tenant_unit(tenant) as unit:
        exact = _minutes(first_response, resolution)
        if target or no_targets:
            exact["targets"] = [parse_target(t) for t in target or []]
        update_policy(unit, policy_id, build(
            PolicyUpdate, exact, name=name, is_default=default or None, hours_mode=hours,
            business_hours_id=business_hours))
    typer.echo(f"SLA policy {policy_id} updated")


@policy_app.command("delete")
def policy_delete(tenant: TenantOption, policy_id: IdOption) -> None:
    """Delete a policy no ticket or company uses (never the default)."""
    with tenant_unit(tenant) as unit:
        delete_policy(unit, policy_id)
    typer.echo(f"SLA policy {policy_id} deleted")


@hours_app.command("list")
def hours_list(tenant: TenantOption) -> None:
    """List business hours: id, timezone, weekly hours, holidays, name."""
    with tenant_unit(tenant, write=False) as unit:
        rows = [
            (c.id, c.timezone,
             " ".join(f"{day[:3]}={','.join(f'{s}-{e}' for s, e in spans)}"
                      for day, spans in c.week.items() if spans),
             len(c.holidays), c.name)
            for c in list_business_hours(unit)
        ]
    table(("ID", "TIMEZONE", "WEEK", "HOLIDAYS", "NAME"), (5, 20, 40, 8), rows)


@hours_app.command("create")
def hours_create(
    *,
    tenant: TenantOption,
    name: Annotated[str, typer.Option(help="The calendar's name.")],
    timezone: Annotated[str, typer.Option(help="IANA timezone, e.g. Europe/London.")],
    day: DayOption = None,
    holiday: HolidayOption = None,
) -> None:
    """Add a business-hours calendar."""
    with tenant_unit(tenant) as unit:
        view = add_business_hours(unit, build(
            BusinessHoursCreate, name=name, timezone=timezone,
            week=dict(parse_day(d) for d in day or []),
            holidays=[parse_holiday(h) for h in holiday or []]))
    typer.echo(f"business hours {view.name!r} created (id {view.id})")


@hours_app.command("update")
def hours_update(
    *,
    tenant: TenantOption,
    hours_id: IdOption,
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    timezone: Annotated[str | None, typer.Option(help="A new IANA timezone.")] = None,
    day: DayOption = None,
    holiday: HolidayOption = None,
    no_holidays: Annotated[bool, typer.Option("--no-holidays",
                                              help="Remove every holiday.")] = False,
) -> None:
    """Change a calendar; --day replaces the weekly hours, --holiday the holidays."""
    with tenant_unit(tenant) as unit:
        exact: dict[str, Any] = {}
        if day:
            exact["week"] = dict(parse_day(d) for d in day)
        if holiday or no_holidays:
            exact["holidays"] = [parse_holiday(h) for h in holiday or []]
        update_business_hours(unit, hours_id, build(BusinessHoursUpdate, exact, name=name,
                                                    timezone=timezone))
    typer.echo(f"business hours {hours_id} updated")


@hours_app.command("delete")
def hours_delete(tenant: TenantOption, hours_id: IdOption) -> None:
    """Delete a calendar no SLA policy uses."""
    with tenant_unit(tenant) as unit:
        delete_business_hours(unit, hours_id)
    typer.echo(f"business hours {hours_id} deleted")
