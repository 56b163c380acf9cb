"""Business-hours calendars: when a tenant's team works, for SLA policies to count in.

A calendar has an IANA timezone (checked against the tz database), working
intervals per weekday in local time (a day without intervals is closed) and
holidays. It must have some working time, or no business-hours timer could
ever run out. A calendar an SLA policy uses cannot be deleted (409).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, func, select

from supportdesk.catalog.service import get_or_404
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict
from supportdesk.sla.models import BusinessHoliday, BusinessHours, SlaPolicy
from supportdesk.sla.schemas import (
    WEEKDAYS,
    BusinessHoursCreate,
    BusinessHoursUpdate,
    Holiday,
    Interval,
    Weekday,
)
from supportdesk.tenancy.service import bump_catalog_version
from supportdesk.unit import TenantUnit

_CLOCK = re.compile(r"^([0-9]{2}):([0-9]{2})$")


@dataclass(frozen=True)
class CalendarView:
    """A calendar as the admin API shows it: every weekday listed, holidays by date."""

    id: int
    name: str
    timezone: str
    week: dict[str, list[tuple[str, str]]]
    holidays: list[tuple[dt.date, str]]


def minute_of_day(value: str, *, field: str) -> int:
    """``HH:MM`` (00:00 to 24:00) as minutes after midnight, or a 400 naming ``field``."""
    match = _CLOCK.match(value)
    if match is None:
        raise BadRequest(f"{field}: {value!r} is not a time as HH:MM")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise BadRequest(f"{field}: {value!r} is not a time between 00:00 and 24:00")
    return hours * 60 + minutes


def check_day(day: str, intervals: list[Interval]) -> list[tuple[str, str]]:
    """One weekday's intervals, sorted, each start before its end, none overlapping."""
    field = f"week.{day}"
    spans = sorted(
        (minute_of_day(i.start, field=field), minute_of_day(i.end, field=field), i)
        for i in intervals
    )
    previous: Interval | None = None
    previous_end = -1
    for start, end, interval in spans:
        if start >= end:
            raise BadRequest(f"{field}: {interval.start}-{interval.end} must start before it "
                             "ends")
        if previous is not None and start < previous_end:
            raise BadRequest(f"{field}: {previous.start}-{previous.end} and "
                             f"{interval.start}-{interval.end} overlap")
        previous, previous_end = interval, end
    return [(i.start, i.end) for _s, _e, i in spans]


def check_week(week: dict[Weekday, list[Interval]]) -> dict[str, list[list[str]]]:
    """The weekly hours as stored: every weekday, intervals sorted, some working time."""
    stored: dict[str, list[list[str]]] = {
        day: [list(span) for span in check_day(day, week.get(day, []))] for day in WEEKDAYS}
    if not any(stored.values()):
        raise BadRequest("week: a business-hours calendar needs at least one working interval")
    return stored


def check_timezone(name: str) -> str:
    """An IANA timezone name the tz database knows, or a 400."""
    name = name.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest(f"timezone: {name!r} is not an IANA timezone name such as "
                         "'Europe/London'") from None
    return name


def _check_holidays(holidays: list[Holiday]) -> list[Holiday]:
    seen: set[dt.date] = set()
    for holiday in holidays:
        if not holiday.name.strip():
            raise BadRequest(f"holidays: the holiday on {holiday.date} needs a name")
        if holiday.date in seen:
            raise BadRequest(f"holidays: {holiday.date} is listed twice")
        seen.add(holiday.date)
    return sorted(holidays, key=lambda h: h.date)


def _check_name(unit: TenantUnit, name: str, exclude_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise BadRequest("name: business hours need a name")
    query = select(func.count()).select_from(BusinessHours).where(
        func.lower(BusinessHours.name) == name.lower())
    if exclude_id is not None:
        query = query.where(BusinessHours.id != exclude_id)
    if unit.session.scalar(query):
        raise Conflict(f"business hours named {name!r} already exist")
    return name


def _view(unit: TenantUnit, calendar: BusinessHours) -> CalendarView:
    holidays = unit.session.execute(
        select(BusinessHoliday.day, BusinessHoliday.name)
        .where(BusinessHoliday.business_hours_id == calendar.id)
        .order_by(BusinessHoliday.day)
    ).all()
    week: dict[str, list[tuple[str, str]]] = {
        day: [(str(s[0]), str(s[1])) for s in calendar.week.get(day, [])] for day in WEEKDAYS}
    return CalendarView(calendar.id, calendar.name, calendar.timezone, week,
                        [(day, name) for day, name in holidays])


def _calendar(unit: TenantUnit, calendar_id: int) -> BusinessHours:
    return get_or_404(unit.session, BusinessHours, calendar_id, "business hours")


def list_business_hours(unit: TenantUnit) -> list[CalendarView]:
    """Every calendar of the tenant, by id."""
    calendars = unit.session.scalars(select(BusinessHours).order_by(BusinessHours.id))
    return [_view(unit, c) for c in calendars]


def get_business_hours(unit: TenantUnit, calendar_id: int) -> CalendarView:
    """One calendar; 404 if the tenant has none with this id."""
    return _view(unit, _calendar(unit, calendar_id))


def _replace_holidays(unit: TenantUnit, calendar_id: int, holidays: list[Holiday]) -> None:
    unit.session.execute(delete(BusinessHoliday)
                         .where(BusinessHoliday.business_hours_id == calendar_id))
    for holiday in _check_holidays(holidays):
        unit.session.add(BusinessHoliday(business_hours_id=calendar_id, day=holiday.date,
                                         name=holiday.name.strip()))


def add_business_hours(unit: TenantUnit, data: BusinessHoursCreate) -> CalendarView:
    """Define a calendar and commit."""
    calendar = BusinessHours(id=next_id(unit.session, "business_hours"),
                             name=_check_name(unit, data.name),
                             timezone=check_timezone(data.timezone), week=check_week(data.week))
    unit.session.add(calendar)
    unit.session.flush()
    _replace_holidays(unit, calendar.id, data.holidays)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return _view(unit, calendar)


def update_business_hours(unit: TenantUnit, calendar_id: int,
                          changes: BusinessHoursUpdate) -> CalendarView:
    """Rename a calendar or replace its timezone, weekly hours or holidays, and commit."""
    calendar = _calendar(unit, calendar_id)
    if changes.name is not None:
        calendar.name = _check_name(unit, changes.name, exclude_id=calendar_id)
    if changes.timezone is not None:
        calendar.timezone = check_timezone(changes.timezone)
    if changes.week is not None:
        calendar.week = check_week(changes.week)
    if changes.holidays is not None:
        _replace_holidays(unit, calendar_id, changes.holidays)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return _view(unit, calendar)


def delete_business_hours(unit: TenantUnit, calendar_id: int) -> None:
    """Remove a calendar no SLA policy uses (409 naming how many do)."""
    calendar = _calendar(unit, calendar_id)
    count = unit.session.scalar(select(func.count()).select_from(SlaPolicy)
                                .where(SlaPolicy.business_hours_id == calendar_id)) or 0
    if count:
        policies = "1 SLA policy" if count == 1 else f"{count} SLA policies"
        raise Conflict(f"business hours {calendar.name!r} are used by {policies}; switch "
                       "them to other hours first")
    unit.session.execute(delete(BusinessHoliday)
                         .where(BusinessHoliday.business_hours_id == calendar_id))
    unit.session.delete(calendar)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
